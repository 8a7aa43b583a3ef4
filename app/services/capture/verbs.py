"""Install, remove and read DDL capture on a branch, guard it; collect its log into the control store.

Collecting copies the branch's rows into ``ddl_events`` (committed) and only then deletes
them from the branch, so a control store that is down loses nothing: the rows wait on the
branch, and a copy repeated after a failure is stored once (rows are known by the log's id
and their own).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import logging

import psycopg
from psycopg.rows import class_row, dict_row

from .. import actions
from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError, InvalidInput, OperationRefused
from ..operations.access import Principal
from ..operations.audit import Action
from ..operations.frame import check_plan, on_production, operation
from ..registry import CONTROL
from . import polling, triggers

_log = logging.getLogger(__name__)
_BATCH = 1000
# A password in a statement (CREATE USER MAPPING ... OPTIONS (password '...'), a subscription's
# connection string) never leaves the branch: History and the API show the statement without it.
_SECRET = re.compile(r"(\bpassword\s*=\s*)([^\s']+)|(\bpassword\s+)('(?:[^']|'')*')", re.IGNORECASE)
_COLUMNS = (
    "at, role, application_name, client_addr, command_tag, object_type, object_identity, statement, run_id, bypass"
)
BYPASS_MINUTES = 240  # the longest bypass an admin can ask for at once


@dataclass(frozen=True)
class CaptureStatus:
    branch: Branch
    installed: bool  # both event triggers, enabled, and the log
    can_install: bool  # the branch's role may create event triggers
    waiting: int  # rows on the branch not collected yet
    guarded: bool = False  # the guard's triggers refuse schema changes outside dbadmin's runs
    bypass_until: datetime | None = None  # an admin's bypass of the guard, while it lasts

    @property
    def summary(self) -> str:
        if self.installed and self.guarded and self.bypass_until:
            return f"capturing schema changes; guard bypassed until {self.bypass_until:%H:%M:%S %Z}"
        if self.installed and self.guarded:
            return "capturing schema changes; guard on: only migrations change the schema"
        if self.installed:
            return "capturing schema changes"
        if self.can_install:
            return "not capturing (dbadmin capture install can add it)"
        return "not capturing: creating event triggers needs a superuser (or a provider's equivalent role)"


@dataclass(frozen=True)
class DdlEvent:
    """One schema change on a branch, as its event trigger recorded it (``source`` trigger) or as two
    polls saw it (``poll``: what changed, not who, from where or with which statement)."""

    id: int
    branch: str
    at: datetime
    role: str | None
    application_name: str | None
    client_addr: str | None
    command_tag: str
    object_type: str | None
    object_identity: str | None
    statement: str | None
    run_id: str | None
    bypass: bool = False  # made while an admin bypassed the guard
    source: str = "trigger"  # "trigger": DDL capture saw the statement; "poll": two snapshots differed

    @property
    def by_dbadmin(self) -> bool:
        return self.run_id is not None


def status(context: Context, branch: Branch | str) -> CaptureStatus:
    branch = Branch.parse(branch)
    try:
        return _status(context, branch)
    except psycopg.Error as exc:
        raise CaptureFailed(f"{branch.label}: its DDL capture could not be read ({_reason(exc)})") from None


def _status(context: Context, branch: Branch) -> CaptureStatus:
    with context.registry.connection(branch) as conn, conn.cursor(row_factory=dict_row) as cur:
        state = cur.execute(triggers.STATE).fetchone() or {}
        waiting = (
            cur.execute(f"SELECT count(*) AS n FROM {triggers.SCHEMA}.ddl_log").fetchone()
            if state.get("has_log")
            else {"n": 0}
        )
        guarded = state.get("guards") == len(triggers.GUARDS)
        bypass = cur.execute(triggers.BYPASS_UNTIL).fetchone() if guarded else None
    return CaptureStatus(
        branch,
        installed=bool(state.get("has_log")) and state.get("triggers") == len(triggers.TRIGGERS),
        can_install=bool(state.get("superuser")),
        waiting=int((waiting or {}).get("n", 0)),
        guarded=guarded,
        bypass_until=(bypass or {}).get("bypass_until"),
    )


def install(context: Context, branch: Branch | str, *, actor: Principal, reason: str | None = None) -> CaptureStatus:
    """Put the log and its event triggers on ``branch`` (again: it is idempotent), audited."""
    with operation(context, actions.CAPTURE_INSTALL, branch, actor=actor, reason=reason) as (branch, _):
        found = status(context, branch)
        if not found.can_install:
            raise OperationRefused(
                f"{branch.label}: creating event triggers needs a superuser (or a provider's equivalent role); "
                "nothing was installed"
            )
        try:
            _install(context, branch, guarded=found.guarded)  # a repair keeps the guard as it was
        except psycopg.errors.InsufficientPrivilege:
            raise OperationRefused(
                f"{branch.label}: its role may not create event triggers (that needs a superuser, or a "
                "provider's equivalent role); nothing was installed"
            ) from None
        polling.forget(context, branch)  # the triggers record from now on; an old snapshot would mislead later
    return status(context, branch)


def _install(context: Context, branch: Branch, *, guarded: bool) -> None:
    with context.registry.connection(branch) as conn, conn.transaction():
        if conn.execute(triggers.OWNER).fetchone() == (False,):
            raise OperationRefused(
                f"{branch.label}: schema {triggers.SCHEMA} exists and belongs to another role; dbadmin does not "
                "adopt it (its objects would run with dbadmin's rights): drop it, then install again"
            )
        conn.execute(triggers.INSTALL)
        if guarded:
            conn.execute(triggers.GUARD_ON)


@contextmanager
def kept(context: Context, branch: Branch, notes: dict) -> Iterator[str]:
    """Around a restore of ``branch`` (inside its operation): what the log holds is collected first,
    the restore runs as a dbadmin run (yields its token: a restore in place sends it with its
    sessions, so the guard lets it by and records its DDL as the run's), and afterwards the branch
    records and is guarded as it was before, whatever the restored state had.  What happened goes
    into ``notes`` (the audit record's details), whatever the restore's outcome.

    A log that cannot be collected does not stop a restore: its rows are in the checkpoint the
    restore takes of the state it replaces.
    """
    try:
        notes["schema_changes_collected"] = collect(context, branch)
    except CaptureFailed as exc:
        notes["schema_changes_not_collected"] = str(exc)
    try:
        before: CaptureStatus | None = status(context, branch)
    except CaptureFailed:
        before = None  # nothing to put back that could be read
    with run_mark(context, branch) as token:
        try:
            yield token
        finally:
            if before is not None:
                _put_back(context, branch, before, notes)


def _put_back(context: Context, branch: Branch, before: CaptureStatus, notes: dict) -> None:
    """Capture and guard on ``branch`` as ``before`` had them (a restored state may have others)."""
    try:
        if before.installed:
            _install(context, branch, guarded=before.guarded)
        elif status(context, branch).installed:  # restored from a time it recorded: it does not now
            with context.registry.connection(branch) as conn, conn.transaction():
                conn.execute(triggers.STOP)
                conn.execute(triggers.REMOVE)
    except (DBAdminError, psycopg.Error) as exc:
        notes["capture_not_put_back"] = str(exc)[:300]
        _log.warning("%s: DDL capture and guard not put back after the restore: %s", branch.label, exc)


def remove(context: Context, branch: Branch | str, *, actor: Principal, reason: str | None = None) -> CaptureStatus:
    """Stop the triggers, collect what the log still holds, then take the log off ``branch``, audited."""
    with operation(context, actions.CAPTURE_REMOVE, branch, actor=actor, reason=reason) as (branch, running):
        if status(context, branch).guarded:
            raise OperationRefused(
                f"{branch.label}: its guard is on and needs the capture; turn the guard off first "
                f"(dbadmin guard off {branch.value})"
            )
        with context.registry.connection(branch) as conn:
            conn.execute(triggers.STOP)  # first: nothing recorded after the last collection is lost
        running.details["collected"] = collect(context, branch)
        with context.registry.connection(branch) as conn:
            conn.execute(triggers.REMOVE)
        polling.forget(context, branch)  # the next poll starts from the schema as it is now
    return status(context, branch)


@dataclass(frozen=True)
class GuardOffPlan:
    """Turning ``branch``'s guard off: an open-ended bypass, so Production asks for its phrase."""

    branch: Branch

    @property
    def phrase(self) -> str | None:
        return on_production(self.branch, "GUARD OFF")

    @property
    def what(self) -> str:
        return f"turning {self.branch.label}'s guard off"


def guard(
    context: Context,
    branch: Branch | str,
    on: bool,
    *,
    actor: Principal,
    reason: str | None = None,
    confirm: str | None = None,
) -> CaptureStatus:
    """Turn ``branch``'s guard on (refuse schema changes outside dbadmin's runs; ends a bypass) or off
    (on Production with the phrase ``GUARD OFF``)."""
    action = actions.GUARD_ON if on else actions.GUARD_OFF
    with operation(context, action, branch, actor=actor, reason=reason) as (branch, _):
        found = status(context, branch)
        if on and not found.installed:
            raise OperationRefused(
                f"{branch.label}: the guard works through DDL capture, which is not installed: "
                f"dbadmin capture install {branch.value} first"
            )
        if not on and context.settings.guarded(branch.value):
            raise OperationRefused(
                f"{branch.label}: GUARD_{branch.name}=on in the settings keeps its guard on: change the "
                "setting first, or bypass the guard for some minutes"
            )
        if not on:
            check_plan(GuardOffPlan(branch), confirm)
        try:
            if on:  # through install: a log installed by an older dbadmin gets what the guard needs
                _install(context, branch, guarded=True)
            else:
                with context.registry.connection(branch) as conn:
                    conn.execute(triggers.GUARD_OFF)
        except psycopg.Error as exc:
            raise CaptureFailed(f"{branch.label}: its guard could not be changed ({_reason(exc)})") from None
    return status(context, branch)


@dataclass(frozen=True)
class BypassPlan:
    """Letting changes through ``branch``'s guard for ``minutes``: always asks for its phrase."""

    branch: Branch
    minutes: int

    @property
    def phrase(self) -> str:
        return f"BYPASS GUARD {self.minutes}"

    @property
    def what(self) -> str:
        return f"bypassing {self.branch.label}'s guard for {self.minutes} minute{'' if self.minutes == 1 else 's'}"


def plan_bypass(branch: Branch | str, minutes: object) -> BypassPlan:
    """The bypass ``bypass`` would set, or ``InvalidInput`` for minutes that are not 1 to ``BYPASS_MINUTES``."""
    try:
        whole = int(str(minutes).strip())
    except ValueError:
        raise InvalidInput(f"a bypass lasts a whole number of minutes, not {str(minutes)[:20]!r}") from None
    if not 1 <= whole <= BYPASS_MINUTES:
        raise InvalidInput(f"a bypass lasts from 1 to {BYPASS_MINUTES} minutes")
    return BypassPlan(Branch.parse(branch), whole)


def bypass(
    context: Context,
    branch: Branch | str,
    minutes: object,
    *,
    actor: Principal,
    confirm: str | None,
    reason: str | None = None,
) -> CaptureStatus:
    """Let schema changes outside migrations through ``branch``'s guard for ``minutes``, with the phrase.

    Every statement made meanwhile is still recorded, marked as made under the bypass; turning
    the guard on again ends a bypass early.
    """
    with operation(
        context, actions.GUARD_BYPASS, branch, actor=actor, reason=reason, details={"minutes": str(minutes)[:20]}
    ) as (branch, _):
        plan = plan_bypass(branch, minutes)
        check_plan(plan, confirm)
        if not status(context, branch).guarded:
            raise OperationRefused(f"{branch.label}: its guard is off; there is nothing to bypass")
        with context.registry.connection(branch) as conn:
            conn.execute(triggers.BYPASS, (plan.minutes,))
    return status(context, branch)


@contextmanager
def run_mark(context: Context, branch: Branch) -> Iterator[str]:
    """A token for one dbadmin run on ``branch``: the sessions that carry it in ``dbadmin.run`` are
    recorded as the run's and pass the guard (where the branch has the runs table to prove it
    against; elsewhere it proves nothing and is not needed).  A branch that polling watches is
    snapshotted around the run, so the run's changes are not reported as made outside it."""
    token, run_id = secrets.token_urlsafe(24), uuid.uuid4().hex[:16]
    with context.registry.connection(branch) as conn:
        opened = _has_runs(conn)
        if opened:
            conn.execute(triggers.OPEN_RUN, (token, run_id))
    try:
        with polling.around_run(context, branch):
            yield token
    finally:
        if opened:
            _close_run(context, branch, token)


def _has_runs(conn: psycopg.Connection) -> bool:
    """Whether the branch's log has the runs table a token is proved against (an older log has not)."""
    return conn.execute(f"SELECT to_regclass('{triggers.SCHEMA}.runs') IS NOT NULL").fetchone() == (True,)


def _close_run(context: Context, branch: Branch, token: str) -> None:
    """Best effort: a token left behind (the branch went away) expires by itself."""
    try:
        with context.registry.connection(branch) as conn:
            if _has_runs(conn):
                conn.execute(triggers.CLOSE_RUN, (token,))
    except (DBAdminError, psycopg.Error) as exc:
        _log.warning("%s: a run's token was left to expire: %s", branch.label, exc)


class CaptureFailed(DBAdminError):
    """The branch's log could not be read, or its rows not stored; they wait on the branch."""


def _reason(exc: psycopg.Error) -> str:
    return exc.diag.message_primary or type(exc).__name__


def collect(context: Context, branch: Branch | str) -> int:
    """Move the branch's recorded changes into the control store; how many were new."""
    branch = Branch.parse(branch)
    try:
        return _collect(context, branch)
    except psycopg.Error as exc:
        raise CaptureFailed(
            f"{branch.label}: collecting its recorded schema changes failed ({_reason(exc)}); they wait on the branch"
        ) from None


def masked(statement: str | None) -> str | None:
    """``statement`` with every password in it replaced."""
    return (
        None if statement is None else _SECRET.sub(lambda m: (m[1] or m[3]) + ("•••" if m[1] else "'•••'"), statement)
    )


# A log an earlier dbadmin made has no bypass column yet: read it as false.
_READ_LOG = (
    f"SELECT id, {_COLUMNS.removesuffix(', bypass')}, coalesce((to_jsonb(l) ->> 'bypass')::boolean, false) "
    f"FROM {triggers.SCHEMA}.ddl_log l ORDER BY id LIMIT {_BATCH}"
)


def _collect(context: Context, branch: Branch) -> int:
    stored = 0
    with context.registry.connection(branch) as conn:
        if conn.execute(f"SELECT to_regclass('{triggers.SCHEMA}.ddl_log') IS NULL").fetchone() == (True,):
            return 0
        log_id = (conn.execute(f"SELECT log_id FROM {triggers.SCHEMA}.meta").fetchone() or ("",))[0]
        while True:
            rows = conn.execute(_READ_LOG).fetchall()
            if not rows:
                return stored
            with context.registry.connection(CONTROL) as control, control.transaction():
                for row in rows:
                    *fields, statement, run_id, bypassed = row
                    stored += control.execute(
                        f"INSERT INTO ddl_events (branch, log_id, source_id, {_COLUMNS}) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        (branch.value, log_id, *fields, masked(statement), run_id, bypassed),
                    ).rowcount
            # By id, not up to the last: a transaction that took a lower id may commit meanwhile.
            conn.execute(f"DELETE FROM {triggers.SCHEMA}.ddl_log WHERE id = ANY(%s)", ([row[0] for row in rows],))


def events(
    context: Context,
    branch: Branch | str | None = None,
    *,
    limit: int = 200,
    outside_only: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    role: str | None = None,
) -> list[DdlEvent]:
    """Collected schema changes, newest first (``since`` exclusive, ``until`` too); ``outside_only``:
    those no dbadmin run made; page with ``before_id``."""
    branches = list(Branch) if branch is None else [Branch.parse(branch)]
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(DdlEvent)) as cur:
        return cur.execute(
            f"""SELECT id, branch, {_COLUMNS}, source FROM ddl_events
                WHERE branch = ANY(%(branches)s) AND (NOT %(outside)s OR run_id IS NULL)
                  AND (%(since)s::timestamptz IS NULL OR at > %(since)s)
                  AND (%(until)s::timestamptz IS NULL OR at < %(until)s)
                  AND (%(before)s::bigint IS NULL OR id < %(before)s)
                  AND (%(role)s::text IS NULL OR role = %(role)s)
                ORDER BY at DESC, id DESC LIMIT %(limit)s""",
            {
                "branches": [b.value for b in branches],
                "outside": outside_only,
                "since": since,
                "until": until,
                "before": before_id,
                "role": role,
                "limit": min(max(int(limit), 1), 1000),
            },
        ).fetchall()


OUTSIDE_MIGRATIONS = actions.SCHEMA_OUTSIDE.name


def as_actions(found: list[DdlEvent]) -> list[Action]:
    """Schema changes as rows of the audit log's shape, so a pipeline that reads the audit log alerts on
    them too (action ``schema.outside_migrations``, or ``schema.migration`` for a dbadmin run's)."""
    return [
        Action(
            id=event.id,
            actor=event.role or "unknown (seen by polling)",
            action=(actions.SCHEMA_MIGRATION if event.by_dbadmin else actions.SCHEMA_OUTSIDE).name,
            branch=event.branch,
            details={
                key: value
                for key, value in {
                    "command": event.command_tag,
                    "object_type": event.object_type,
                    "object": event.object_identity,
                    "statement": event.statement,
                    "application_name": event.application_name,
                    "client_addr": event.client_addr,
                    "run_id": event.run_id,
                    "under_bypass": event.bypass or None,
                    "source": event.source,
                }.items()
                if value is not None
            },
            reason=None,
            outcome="ok",
            duration_ms=None,
            created_at=event.at,
        )
        for event in found
    ]


def recent(
    context: Context,
    branch: Branch | str | None = None,
    *,
    outside_only: bool = True,
    limit: int = 50,
    **filters: Any,
) -> list[DdlEvent]:
    """What History, the branch card and the API show: the branches' schema changes newest first,
    collected just now (``outside_only``: those no dbadmin run made; ``filters``: those of
    ``events``).  A branch that cannot be collected from (down, capture not installed) shows
    what was collected before."""
    for each in list(Branch) if branch is None else [Branch.parse(branch)]:
        try:
            collect(context, each)
        except DBAdminError:
            pass
    return events(context, branch, outside_only=outside_only, limit=limit, **filters)
