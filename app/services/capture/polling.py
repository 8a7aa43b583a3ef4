"""Polling: where a branch cannot record its DDL (no superuser, or capture not installed), a schema
snapshot every few minutes compared with the last one.

A difference becomes one event, "changed outside migrations: N objects", with the changes
listed as its statement.  It is honest about what it cannot know: who made the change, from
where, and when exactly (only that it happened between two polls).  dbadmin's own runs are
kept out of it: a run polls just before it starts (what changed until then is outside
migrations) and takes a fresh snapshot as it ends.

Each branch's last snapshot lives in the control store (``schema_polls``); a poll holds that
row locked from reading it to replacing it, so two polls at once never record a change twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg.types.json import Jsonb

from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError
from ..operations import oplock
from ..registry import CONTROL
from ..schema import diff as schema_diff
from ..schema import introspection
from . import triggers

_log = logging.getLogger(__name__)
POLL_COMMAND = "SCHEMA CHANGED"  # the command an event from polling shows, where a captured one has its tag
_LISTED = 200  # changes spelled out in one event's statement; the count says how many there were


@dataclass(frozen=True)
class Poll:
    branch: Branch
    taken_at: datetime
    changed: int  # objects that differ from the last poll (0: none, or the first poll)


def poll(context: Context, branch: Branch | str, *, force: bool = False) -> Poll | None:
    """Snapshot ``branch`` when a poll is due (``force``: now), record what changed since the last one.

    None when it was not due, or while an operation holds the branch (a run polls just before
    it starts and snapshots as it ends; a poll meanwhile would report the run's own changes).
    The first poll of a branch records nothing: it is what the next one compares with.
    """
    branch = Branch.parse(branch)
    minutes = context.settings.schema_poll_minutes
    with context.registry.connection(CONTROL) as control, control.transaction():
        control.execute(
            "INSERT INTO schema_polls (branch, taken_at, polls, snapshot) VALUES (%s, NULL, 0, NULL) "
            "ON CONFLICT DO NOTHING",
            (branch.value,),
        )
        taken_at, polls, before = control.execute(
            "SELECT taken_at, polls, snapshot FROM schema_polls WHERE branch = %s FOR UPDATE", (branch.value,)
        ).fetchone() or (None, 0, None)
        now = control.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
        if not force and taken_at is not None and taken_at > now - timedelta(minutes=minutes):
            return None
        if not force and oplock.holder(context.registry, branch) is not None:
            return None  # mid-operation, a migration's changes would look like changes outside it
        after = introspection.snapshot(context, branch)
        changes = schema_diff.diff(before, after).changes if before else []
        if changes:
            listed = "\n".join(change.describe() for change in changes[:_LISTED])
            more = len(changes) - _LISTED
            control.execute(
                "INSERT INTO ddl_events (branch, log_id, source_id, at, command_tag, object_identity, statement, "
                "source) VALUES (%s, 'poll', %s, %s, %s, %s, %s, 'poll')",
                (
                    branch.value,
                    polls + 1,
                    now,
                    POLL_COMMAND,
                    f"{len(changes)} object{'' if len(changes) == 1 else 's'} (between polls; who is not known)",
                    (listed + (f"\n… and {more} more" if more > 0 else ""))[: triggers.STATEMENT_LIMIT],
                ),
            )
        # The stored snapshot is rewritten only when the schema changed (a large one costs as much
        # to write as to take); row estimates differ between polls but are not compared.
        control.execute(
            "UPDATE schema_polls SET taken_at = %s, polls = %s, snapshot = coalesce(%s, snapshot) WHERE branch = %s",
            (now, polls + 1, Jsonb(after) if changes or not before else None, branch.value),
        )
    return Poll(branch, now, len(changes))


def polled(context: Context, branch: Branch) -> bool:
    """Whether ``branch`` is being polled (it has a snapshot to compare with)."""
    with context.registry.connection(CONTROL) as control:
        return control.execute(
            "SELECT EXISTS (SELECT FROM schema_polls WHERE branch = %s AND taken_at IS NOT NULL)", (branch.value,)
        ).fetchone() == (True,)


def forget(context: Context, branch: Branch) -> None:
    """Drop ``branch``'s last snapshot: the next poll starts afresh (after capture is installed or
    removed, an old snapshot would report what the triggers saw, or what happened meanwhile)."""
    with context.registry.connection(CONTROL) as control:
        control.execute("DELETE FROM schema_polls WHERE branch = %s", (branch.value,))


@contextmanager
def around_run(context: Context, branch: Branch) -> Iterator[None]:
    """Around one of dbadmin's runs on a polled ``branch``: what changed before it is recorded as outside
    migrations, what it changed is not (a fresh snapshot once it ends, whatever its outcome)."""
    if not polled(context, branch):
        yield
        return
    try:
        poll(context, branch, force=True)
    except (DBAdminError, psycopg.Error) as exc:  # a run does not wait on polling; the next poll reports the rest
        _log.warning("%s: no poll before dbadmin's run (%s)", branch.label, exc)
    try:
        yield
    finally:
        _rebase(context, branch)


def _rebase(context: Context, branch: Branch) -> None:
    try:
        after = introspection.snapshot(context, branch)
        with context.registry.connection(CONTROL) as control:
            control.execute(
                "UPDATE schema_polls SET taken_at = clock_timestamp(), snapshot = %s WHERE branch = %s",
                (Jsonb(after), branch.value),
            )
    except (DBAdminError, psycopg.Error) as exc:  # the next poll then reports the run's changes too
        _log.warning("%s: no snapshot after dbadmin's run (%s)", branch.label, exc)
