"""Schema differences between any two of: the Dev branch, the Prod branch, a checkpoint.

A checkpoint is compared through the schema snapshot stored with it, so no restore is
needed; a branch is read live.
"""

from __future__ import annotations

import re
from typing import Any

from .. import capture
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


def explanations(context: Context, changes: list[schema_diff.Change]) -> list[list[capture.DdlEvent]]:
    """For each of ``changes`` (a drift between the branches), the recorded changes outside migrations
    that touched its object on either branch, newest first: the events that explain the drift.

    An event explains a change when its object is the change's table, one of its columns
    (``schema.table.column``) or the named object itself (an index or constraint is
    ``schema.name``); a polled event lists what changed, so it explains the changes to the
    tables it names.
    """
    found = capture.recent(context, None, limit=500)

    def explains(event: capture.DdlEvent, change: schema_diff.Change) -> bool:
        if event.source == "poll":  # its lines read "column public.users.nickname added" and the like
            mentioned = re.compile(rf"(^| ){re.escape(change.table)}[. ]", re.MULTILINE)
            return mentioned.search(event.statement or "") is not None
        identity = event.object_identity or ""
        schema = change.table.partition(".")[0]
        named = {change.table} | ({f"{schema}.{change.name}"} if change.name else set())
        return identity in named or identity.startswith(change.table + ".")

    return [[event for event in found if explains(event, change)] for change in changes]


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
