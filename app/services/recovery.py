"""Settling what a killed dbadmin left on a branch: migration runs it never finished, checkpoints,
restores and drills it left half-way.

Start-up does it for every branch, and so does a process taking over a scheduled checkpoint
whose process died mid-way: under the branch's lock, so nothing else is working on it, and
everything found is one audit row.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import psycopg

from . import actions
from . import checkpoints, dburl, server_admin
from .checkpoints import catalog
from .branch import Branch
from .context import Context
from .errors import BranchBusy, DBAdminError
from .operations import audit, oplock
from .operations.access import SYSTEM
from . import migrations


def recover(context: Context, branch: Branch) -> list[str]:
    """Settle ``branch`` under its lock; returns a line per thing settled (recorded in the audit log).

    Raises ``BranchBusy`` when another operation holds the branch, and the branch's or
    control store's errors when either is down: the caller decides whether that matters.
    """
    settled: list[str] = []

    def explain(operation: str, actor: str, since: datetime) -> dict | None:
        """A migration a dead dbadmin abandoned: its steps settled first, so its audit row says where it stopped."""
        if not operation.startswith("migrate."):
            return None
        lines, learned = migrations.settle_leftovers(context, branch, (actor, since))
        settled.extend(lines)
        return learned

    with oplock.hold(context.registry, branch, operation="recover", actor=SYSTEM.name, explain=explain):
        settled += migrations.settle_leftovers(context, branch)[0]
        settled += checkpoints.settle(context, branch)
        for path in leftover_partials(context, branch):  # we hold the branch: none of its dumps is writing
            path.unlink(missing_ok=True)
            settled.append(f"partial archive {path.name} removed")
        settled += _reopened(context, branch)
    if settled:
        audit.record(
            context.registry.control_pool(),
            actor=SYSTEM.name,
            action=actions.CHECKPOINT_RECOVER,
            branch=branch,
            outcome="ok",
            details={"settled": settled},
        )
    return settled


def leftover_partials(context: Context, branch: Branch) -> list[Path]:
    """The partial archives this installation's checkpoints of ``branch`` left (of a checkpoint no longer being
    made); another installation's files in a shared folder are not ours to judge."""
    rows = catalog.list_for_branch(context.registry, branch, statuses=("creating", "failed", "deleted"))
    found = {Path(row.reference).with_suffix(".partial") for row in rows if row.reference and row.strategy == "dump"}
    return sorted(path for path in found if path.is_file())


def _reopened(context: Context, branch: Branch) -> list[str]:
    """The branch's database opened to connections again, if a fence was left up (we hold the branch, so no fence
    of this installation is up now)."""
    url = context.registry.url(branch)
    database = server_admin.database_of(url)
    with server_admin.maintenance(url, secrets=context.settings.secrets()) as conn:
        closed = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s AND NOT datallowconn", (database,))
        if closed.fetchone() is None:
            return []
        server_admin.allow_connections(conn, database, True)
    return [f"{branch.label} was closed to connections: reopened"]


def recover_all(context: Context) -> dict[str, list[str]]:
    """``recover`` every configured branch; one that is busy (another dbadmin works on it) or
    unreachable is skipped: the console still starts, and the next start tries again.

    Returns, per branch, what was settled, or one line starting "not checked:" saying why not.
    """
    found: dict[str, list[str]] = {}
    for branch in Branch:
        if context.registry.location(branch) is None:
            continue
        try:
            found[branch.value] = recover(context, branch)
        except BranchBusy as exc:
            found[branch.value] = [f"not checked: {exc}"]
        except (DBAdminError, psycopg.Error) as exc:
            found[branch.value] = [f"not checked: {dburl.scrub(str(exc), context.settings.secrets())}"]
    return found
