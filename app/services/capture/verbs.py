"""Install, remove and read DDL capture on a branch; collect its log into the control store.

Collecting copies the branch's rows into ``ddl_events`` (committed) and only then deletes
them from the branch, so a control store that is down loses nothing: the rows wait on the
branch, and a copy repeated after a failure is stored once (rows are known by the log's id
and their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row, dict_row

from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError, OperationRefused
from ..frame.access import Principal
from ..frame.operations import operation
from ..registry import CONTROL
from . import triggers

_BATCH = 1000
# A password in a statement (CREATE USER MAPPING ... OPTIONS (password '...'), a subscription's
# connection string) never leaves the branch: History and the API show the statement without it.
_SECRET = re.compile(r"(\bpassword\s*=\s*)([^\s']+)|(\bpassword\s+)('(?:[^']|'')*')", re.IGNORECASE)
_COLUMNS = "at, role, application_name, client_addr, command_tag, object_type, object_identity, statement, run_id"


@dataclass(frozen=True)
class CaptureStatus:
    branch: Branch
    installed: bool  # both event triggers, enabled, and the log
    can_install: bool  # the branch's role may create event triggers
    waiting: int  # rows on the branch not collected yet

    @property
    def summary(self) -> str:
        if self.installed:
            return "capturing schema changes"
        if self.can_install:
            return "not capturing (dbadmin capture install can add it)"
        return "not capturing: creating event triggers needs a superuser (or a provider's equivalent role)"


@dataclass(frozen=True)
class DdlEvent:
    """One schema change on a branch, as its event trigger recorded it."""

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
    return CaptureStatus(
        branch,
        installed=bool(state.get("has_log")) and state.get("triggers") == len(triggers.TRIGGERS),
        can_install=bool(state.get("superuser")),
        waiting=int((waiting or {}).get("n", 0)),
    )


def install(context: Context, branch: Branch | str, *, actor: Principal, reason: str | None = None) -> CaptureStatus:
    """Put the log and its event triggers on ``branch`` (again: it is idempotent), audited."""
    with operation(context, "capture.install", branch, actor=actor, reason=reason) as (branch, _):
        if not status(context, branch).can_install:
            raise OperationRefused(
                f"{branch.label}: creating event triggers needs a superuser (or a provider's equivalent role); "
                "nothing was installed"
            )
        with context.registry.connection(branch) as conn, conn.transaction():
            if conn.execute(triggers.OWNER).fetchone() == (False,):
                raise OperationRefused(
                    f"{branch.label}: schema {triggers.SCHEMA} exists and belongs to another role; dbadmin does not "
                    "adopt it (its objects would run with dbadmin's rights): drop it, then install again"
                )
            conn.execute(triggers.INSTALL)
    return status(context, branch)


def remove(context: Context, branch: Branch | str, *, actor: Principal, reason: str | None = None) -> CaptureStatus:
    """Stop the triggers, collect what the log still holds, then take the log off ``branch``, audited."""
    with operation(context, "capture.remove", branch, actor=actor, reason=reason) as (branch, running):
        with context.registry.connection(branch) as conn:
            conn.execute(triggers.STOP)  # first: nothing recorded after the last collection is lost
        running.details["collected"] = collect(context, branch)
        with context.registry.connection(branch) as conn:
            conn.execute(triggers.REMOVE)
    return status(context, branch)


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


def _collect(context: Context, branch: Branch) -> int:
    stored = 0
    with context.registry.connection(branch) as conn:
        if conn.execute(f"SELECT to_regclass('{triggers.SCHEMA}.ddl_log') IS NULL").fetchone() == (True,):
            return 0
        log_id = (conn.execute(f"SELECT log_id FROM {triggers.SCHEMA}.meta").fetchone() or ("",))[0]
        while True:
            rows = conn.execute(
                f"SELECT id, {_COLUMNS} FROM {triggers.SCHEMA}.ddl_log ORDER BY id LIMIT {_BATCH}"
            ).fetchall()
            if not rows:
                return stored
            with context.registry.connection(CONTROL) as control, control.transaction():
                for row in rows:
                    *fields, statement, run_id = row
                    stored += control.execute(
                        f"INSERT INTO ddl_events (branch, log_id, source_id, {_COLUMNS}) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        (branch.value, log_id, *fields, masked(statement), run_id),
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
) -> list[DdlEvent]:
    """Collected schema changes, newest first; ``outside_only``: those no dbadmin run made."""
    branches = list(Branch) if branch is None else [Branch.parse(branch)]
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(DdlEvent)) as cur:
        return cur.execute(
            f"""SELECT id, branch, {_COLUMNS} FROM ddl_events
                WHERE branch = ANY(%s) AND (NOT %s OR run_id IS NULL) AND (%s::timestamptz IS NULL OR at > %s)
                ORDER BY at DESC, id DESC LIMIT %s""",
            ([b.value for b in branches], outside_only, since, since, min(max(int(limit), 1), 1000)),
        ).fetchall()


def recent(
    context: Context,
    branch: Branch | str | None = None,
    *,
    outside_only: bool = True,
    since: datetime | None = None,
    limit: int = 50,
) -> list[DdlEvent]:
    """What History, the branch card and the API show: the branches' schema changes newest first,
    collected just now (``outside_only``: those no dbadmin run made).  A branch that cannot be
    collected from (down, capture not installed) shows what was collected before."""
    for each in list(Branch) if branch is None else [Branch.parse(branch)]:
        try:
            collect(context, each)
        except DBAdminError:
            pass
    return events(context, branch, outside_only=outside_only, since=since, limit=limit)
