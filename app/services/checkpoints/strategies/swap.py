"""Restore by building aside and swapping in: what the clone and dump strategies share.

The checkpoint is materialised as a new database beside the branch's, checked, and
swapped in by two renames in one transaction (a window of milliseconds, the only time
the branch takes no connections).  The database it replaces is kept under a checkpoint
name, so the restore can be undone.  A journal in the control store lets the next start
finish or undo a swap whose process was killed (``settle_journal``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg

from ... import dburl, fence, server_admin
from ...errors import CheckpointFailed, NameTaken
from .. import catalog
from ..catalog import Checkpoint
from .base import Job, Keep, failure_message, quietly

KEPT_AS = "clone"  # the replaced database is kept as it is, which is what a clone checkpoint is
SWAP_EFFECT = (
    "The branch takes no connections for a moment while the databases are swapped; "
    "open sessions are ended and reconnect to the restored database."
)


def checkpoint_database(database: str, checkpoint_id: int) -> str:
    """The name of a database kept as a checkpoint (63 bytes at most, PostgreSQL's limit)."""
    suffix = f"__ckpt_{checkpoint_id}_{server_admin.unique_part()}"
    return database.encode()[: 63 - len(suffix)].decode(errors="ignore") + suffix


def swappable(job: Job) -> bool:
    """Whether the branch's role may create databases, which building aside needs."""
    with job.maintenance() as conn:
        return server_admin.can_create_databases(conn)


def swap_in(job: Job, checkpoint: Checkpoint, keep: Keep, build_aside: Callable[[str], None]) -> Checkpoint:
    """Restore ``checkpoint`` by ``build_aside(name)`` and a swap; returns the checkpoint of the replaced state."""
    registry, database = job.registry, job.database
    before = keep.record(KEPT_AS)
    previous = checkpoint_database(database, before.id)
    aside = f"{database[:40]}__restore_{before.id}_{server_admin.unique_part()}"
    catalog.update(registry, before.id, reference=previous)
    journal = catalog.journal_start(
        registry, branch=job.branch, checkpoint_id=checkpoint.id, database=database, aside=aside, previous=previous
    )
    swapped = False
    try:
        with job.maintenance() as conn:
            if taken := [name for name in (aside, previous) if server_admin.exists(conn, name)]:
                raise NameTaken(f"a database named {taken[0]} already exists on the server; nothing was changed")
        build_aside(aside)
        _check_aside(job, aside)
        catalog.journal_step(registry, journal, "swapping")
        job.close_pools()
        # Before the branch closes: a watchdog that reopens it within seconds if this process dies.
        with fence.watched(job.url, [database], purpose=job.purpose) as watch, job.maintenance() as conn:
            started = time.monotonic()
            server_admin.allow_connections(conn, database, False)
            try:
                server_admin.terminate_sessions(conn, database)
                server_admin.swap(conn, current=database, replacement=aside, keep_as=previous)
                swapped = True
            finally:
                # after the swap `database` is the restored copy; before it, the untouched original
                server_admin.allow_connections(conn, database, True)
                watch.reopened()  # else the watchdog opens it as it leaves
                job.unavailable_ms += int((time.monotonic() - started) * 1000)
            size = server_admin.size(conn, previous)
        catalog.journal_step(registry, journal, "swapped")
    except BaseException as exc:
        if not swapped and not isinstance(exc, NameTaken):  # what holds the name is not ours to drop
            quietly(job.drop, aside)
            catalog.update(
                registry,
                before.id,
                status="failed",
                error=f"restore of #{checkpoint.id} did not happen: " + failure_message(exc, job.secrets),
            )
            catalog.journal_step(registry, journal, "rolled back")
        raise
    finally:
        job.close_pools()  # pools reopen on the restored database
    catalog.journal_step(registry, journal, "done")
    job.restore_method = "swap"
    return catalog.update(registry, before.id, status="ready", size_bytes=size)


def settle_journal(job: Job) -> list[str]:
    """Finish or undo the swaps a killed process left on the branch (its lock held); a line per swap."""
    settled = []
    for entry in catalog.unfinished_journal(job.registry, job.branch):
        with job.maintenance() as conn:
            swapped = server_admin.exists(conn, entry.previous)  # the renames commit together, or not at all
            if server_admin.exists(conn, entry.database):
                server_admin.allow_connections(conn, entry.database, True)
            server_admin.drop(conn, entry.aside)  # after a swap the aside name no longer exists
        for row in catalog.list_for_branch(job.registry, job.branch, statuses=("creating",)):
            if row.reference == entry.previous:
                catalog.update(
                    job.registry,
                    row.id,
                    status="ready" if swapped else "failed",
                    error=None if swapped else "interrupted before the swap; the branch was not changed",
                )
        catalog.journal_step(job.registry, entry.id, "done" if swapped else "rolled back")
        settled.append(f"restore of #{entry.checkpoint_id} {'finished' if swapped else 'rolled back'}")
    return settled


def _check_aside(job: Job, aside: str) -> None:
    """The restored copy must answer and hold what a database holds before it replaces the branch."""
    try:
        with psycopg.connect(dburl.with_database(job.url, aside), connect_timeout=10) as conn:
            conn.execute("SELECT count(*) FROM pg_class").fetchone()
    except psycopg.Error as exc:
        raise CheckpointFailed(f"the restored copy {aside} does not answer: {dburl.reason(exc, job.secrets)}") from None
