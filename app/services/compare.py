"""Schema differences between any two of: the Dev branch, the Prod branch, a checkpoint.

A checkpoint is compared through the schema snapshot stored with it, so no restore is
needed; a branch is read live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import checkpoint_catalog as catalog
from . import introspection, schema_diff
from .errors import InvalidInput, OperationRefused
from .registry import Branch

if TYPE_CHECKING:
    from .context import Context


def diff(context: Context, source: str, target: str) -> schema_diff.SchemaDiff:
    """What changes from ``source`` to ``target``; each is ``dev``, ``prod`` or a checkpoint id."""
    return schema_diff.diff(_snapshot(context, source), _snapshot(context, target))


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
