"""What a branch card shows at a glance: connection, schema revision, last checkpoint, who is busy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import checkpoints, migrations, oplock
from .checkpoint_catalog import Checkpoint
from .errors import DBAdminError
from .oplock import Holder
from .registry import Branch, BranchStatus

if TYPE_CHECKING:
    from .context import Context


@dataclass(frozen=True)
class BranchOverview:
    status: BranchStatus
    migrations: str | None = None  # "up to date", "1 pending", ... or why it is unknown
    revision: str | None = None
    last_checkpoint: Checkpoint | None = None
    busy: Holder | None = None


def branch_overview(context: Context, branch: Branch | str) -> BranchOverview:
    """Everything on one branch card; parts that cannot be read say why instead of failing the card."""
    status = context.registry.status(branch)
    if not status.reachable:
        return BranchOverview(status=status)
    try:
        found = migrations.status(context, status.branch)
        summary, revision = found.summary, ", ".join(found.current) or None
    except DBAdminError as exc:
        summary, revision = str(exc), None
    try:
        listed = [c for c in checkpoints.list_for_branch(context, status.branch) if c.status == "ready"]
        holder = oplock.holder(context.registry, status.branch)
    except DBAdminError:
        listed, holder = [], None
    return BranchOverview(status=status, migrations=summary, revision=revision,
                          last_checkpoint=listed[0] if listed else None, busy=holder)


def overviews(context: Context) -> list[BranchOverview]:
    return [branch_overview(context, branch) for branch in Branch]
