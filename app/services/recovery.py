"""Settling what a killed dbadmin left on a branch: migration runs it never finished, checkpoints,
restores and drills it left half-way.

Start-up does it for every branch, and so does a process taking over a scheduled checkpoint
whose process died mid-way: under the branch's lock, so nothing else is working on it, and
everything found is one audit row.
"""

from __future__ import annotations

import psycopg

from . import checkpoints
from .branch import Branch
from .context import Context
from .errors import BranchBusy, DBAdminError
from .frame import audit, oplock
from .frame.access import SYSTEM
from .migrations import runs as migration_runs


def recover(context: Context, branch: Branch) -> list[str]:
    """Settle ``branch`` under its lock; returns a line per thing settled (recorded in the audit log).

    Raises ``BranchBusy`` when another operation holds the branch, and the branch's or
    control store's errors when either is down: the caller decides whether that matters.
    """
    with oplock.hold(context.registry, branch, operation="recover", actor=SYSTEM.name):
        migration_runs.mark_interrupted(context.registry, branch)
        settled = checkpoints.settle(context, branch)
    if settled:
        audit.record(
            context.registry.control_pool(),
            actor=SYSTEM.name,
            action="checkpoint.recover",
            branch=branch,
            outcome="ok",
            details={"settled": settled},
        )
    return settled


def recover_all(context: Context) -> None:
    """``recover`` every configured branch; one that is busy (another dbadmin works on it) or
    unreachable is skipped: the console still starts, and the next start tries again."""
    for branch in Branch:
        if context.registry.location(branch) is None:
            continue
        try:
            recover(context, branch)
        except (BranchBusy, DBAdminError, psycopg.Error):
            continue
