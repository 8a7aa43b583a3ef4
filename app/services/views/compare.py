"""Schema differences between any two of: the Dev branch, the Prod branch, a checkpoint.

A checkpoint is compared through the schema snapshot stored with it, so no restore is
needed; a branch is read live.
"""

from __future__ import annotations

from typing import Any

from ..branch import Branch
from ..checkpoints import catalog
from ..context import Context
from ..errors import InvalidInput, OperationRefused
from ..schema import diff as schema_diff
from ..schema import introspection


def diff(context: Context, source: str, target: str) -> schema_diff.SchemaDiff:
    """What changes from ``source`` to ``target``; each is ``dev``, ``prod`` or a checkpoint id."""
    return schema_diff.diff(_snapshot(context, source), _snapshot(context, target))


def since_checkpoint(context: Context, branch: Branch | str, checkpoint_id: object) -> schema_diff.SchemaDiff:
    """What changed in ``branch``'s schema since its checkpoint (and row estimates per table), without restoring it."""
    branch = Branch.parse(branch)
    checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
    return diff(context, str(checkpoint.id), branch.value)


def _snapshot(context: Context, side: str) -> dict[str, Any]:
    side = (side or "").strip()
    if side.isdigit():
        checkpoint = catalog.get(context.registry, side)
        snapshot = catalog.snapshot_of(context.registry, checkpoint.id)
        if snapshot is None:
            raise OperationRefused(f"checkpoint #{checkpoint.id} has no schema snapshot to compare with")
        return snapshot
    try:
        branch = Branch.parse(side)
    except InvalidInput:
        raise InvalidInput(f"cannot compare {side[:40]!r}: use dev, prod or a checkpoint id") from None
    return introspection.snapshot(context, branch)
