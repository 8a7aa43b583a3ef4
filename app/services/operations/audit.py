"""The audit log: who did what, when, why, on which branch, and how it ended.

Every service operation runs inside ``operation(...)``, which writes exactly one row
when the operation ends, whether it succeeded, was refused or failed, so no code path
can forget to record itself.  The table is append-only (a trigger refuses UPDATE,
DELETE and TRUNCATE), and it lives in the control store, not in a branch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from .. import actions, dburl
from ..actions import ActionType
from ..branch import Branch
from ..context import Context
from ..errors import BranchUnavailable, DBAdminError, InvalidInput
from ..results import one
from ..text import refuse_nul, scrub

_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_.\-]{0,63}$")
MAX_PAGE = 500


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Action:
    """One row of the audit log."""

    id: int
    actor: str
    action: str
    branch: str | None
    details: dict[str, Any]
    reason: str | None
    outcome: str
    duration_ms: int | None
    created_at: datetime
    label: str = ""  # what happened, in words (``actions.label``); filled as rows are read

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", actions.label(self.action, self.branch, self.details, self.outcome))


@dataclass
class Running:
    """Handed to the body of ``operation``: what it adds to ``details`` is recorded with the outcome;
    ``progress`` is what it tells of its progress to (the operation frame shares it on the branch's lock)."""

    details: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[int, int, str], None] = field(default=lambda done, total, message: None)
    outcome: str | None = None  # as recorded, once the operation ended


_INSERT = """
INSERT INTO admin_actions (actor, action, branch, details, reason, outcome, duration_ms)
VALUES (%(actor)s, %(action)s, %(branch)s, %(details)s, %(reason)s, %(outcome)s, %(duration_ms)s)
RETURNING id, actor, action, branch, details, reason, outcome, duration_ms, created_at
"""

_SELECT = """
SELECT id, actor, action, branch, details, reason, outcome, duration_ms, created_at
FROM admin_actions
WHERE (%(branch)s::text IS NULL OR branch = %(branch)s)
  AND (%(action)s::text IS NULL OR action = %(action)s)
  AND (%(actor)s::text IS NULL OR actor = %(actor)s)
  AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s)
  AND (%(before_id)s::bigint IS NULL OR id < %(before_id)s)
  AND (%(since)s::timestamptz IS NULL OR created_at >= %(since)s)
  AND (%(until)s::timestamptz IS NULL OR created_at < %(until)s)
ORDER BY id DESC
LIMIT %(limit)s
"""


def record(
    pool: ConnectionPool,
    *,
    actor: str,
    action: ActionType | str,
    outcome: Outcome | str,
    branch: Branch | str | None = None,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
    duration_ms: int | None = None,
) -> Action:
    """Append one row to the audit log and return it. Prefer ``operation``, which times and records for you.

    ``action`` is one of ``actions.REGISTRY``; a name as text is for rows whose name was stored before (an
    interrupted operation's, from its lock row)."""
    action = str(action)
    if not actor or not actor.strip():
        raise InvalidInput("an audit record needs an actor")
    if not _ACTION_NAME.match(action):
        raise InvalidInput(f"invalid action name {action[:64]!r}: lowercase letters, digits, '.', '_' or '-'")
    params = {  # a record must always be writable: NUL bytes (which PostgreSQL refuses) are written out
        "actor": scrub(actor.strip()),
        "action": action,
        "branch": Branch.parse(branch).value if branch is not None else None,
        "details": Jsonb(scrub(details or {})),
        "reason": scrub(reason.strip()) or None if reason else None,
        "outcome": Outcome(outcome).value,
        "duration_ms": duration_ms,
    }
    with _connection(pool) as conn, conn.cursor(row_factory=class_row(Action)) as cur:
        return one(cur.execute(_INSERT, params))


@contextmanager
def operation(
    pool: ConnectionPool,
    *,
    actor: str,
    action: ActionType | str,
    branch: Branch | str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    secrets: tuple[str, ...] = (),
) -> Iterator[Running]:
    """Run the body as one audited operation.

    Success records ``ok``; a ``DBAdminError`` records its own outcome (``refused`` for
    bad input, ``failed`` otherwise) with its message; any other exception records
    ``failed`` with a scrubbed one-line reason; Ctrl-C records ``interrupted``.  The
    exception always propagates: recording never hides a failure.
    """
    running = Running(details=dict(details or {}))
    started = time.monotonic()
    outcome = Outcome.OK
    try:
        yield running
    except DBAdminError as exc:
        outcome = Outcome(exc.outcome)
        running.details["error"] = str(exc)
        raise
    except (KeyboardInterrupt, SystemExit) as exc:
        outcome = Outcome.INTERRUPTED
        running.details["error"] = type(exc).__name__
        raise
    except Exception as exc:
        outcome = Outcome.FAILED
        running.details["error"] = f"{type(exc).__name__}: {dburl.reason(exc, secrets)}"
        raise
    finally:
        running.outcome = outcome.value
        try:
            record(
                pool,
                actor=actor,
                action=action,
                outcome=outcome,
                branch=branch,
                details=running.details,
                reason=reason,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        except BranchUnavailable as exc:
            # The control store went away: say so, and what happened to the operation, in one message.
            # (Its branch-lock row stays behind, so the next start records the operation as interrupted.)
            what = "succeeded" if outcome is Outcome.OK else f"{outcome.value}: {running.details.get('error', '')}"
            raise BranchUnavailable(f"{action} {what}; but it could not be recorded: {exc}") from None


def log(context: Context, **filters: Any) -> list[Action]:
    """The audit log, newest first, filtered and paged as ``list_actions`` (the front ends' read)."""
    return list_actions(context.registry.control_pool(), **filters)


def note(
    context: Context,
    *,
    actor: str,
    action: ActionType,
    outcome: Outcome | str,
    branch: Branch | str | None = None,
    details: dict[str, Any] | None = None,
) -> Action:
    """One row for something that is no operation of its own (a sign-in, a refused request)."""
    return record(
        context.registry.control_pool(), actor=actor, action=action, outcome=outcome, branch=branch, details=details
    )


def day_range(first: str | None, last: str | None) -> tuple[datetime | None, datetime | None]:
    """``since``/``until`` for ``list_actions`` from two optional ``YYYY-MM-DD`` days (UTC), both included."""

    def day(text: str | None, name: str) -> datetime | None:
        if not text:
            return None
        try:
            return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise InvalidInput(f"{name} must be a day written YYYY-MM-DD, not {text.strip()[:20]!r}") from None

    since, until = day(first, "from"), day(last, "to")
    if since and until and until < since:
        raise InvalidInput("the 'to' day is before the 'from' day")
    return since, until + timedelta(days=1) if until else None


@contextmanager
def _connection(pool: ConnectionPool) -> Iterator[psycopg.Connection]:
    """A control-store connection; a control store that does not answer becomes ``BranchUnavailable``."""
    try:
        with pool.connection(timeout=10) as conn:
            yield conn
    except (PoolTimeout, psycopg.OperationalError) as exc:
        raise BranchUnavailable(
            f"the control store is unavailable: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else 'no answer'}"
        ) from None


def list_actions(
    pool: ConnectionPool,
    *,
    branch: Branch | str | None = None,
    action: str | None = None,
    actor: str | None = None,
    outcome: Outcome | str | None = None,
    before_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
) -> list[Action]:
    """Newest first, filtered (``since`` inclusive, ``until`` exclusive); page with ``before_id`` (the last id of the previous page)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    refuse_nul(action, "the action filter")
    refuse_nul(actor, "the actor filter")
    if outcome is not None:
        try:
            outcome = Outcome(outcome).value
        except ValueError:
            raise InvalidInput(f"unknown outcome {str(outcome)[:40]!r}: use one of {', '.join(Outcome)}") from None
    params = {
        "branch": Branch.parse(branch).value if branch is not None else None,
        "action": action,
        "actor": actor,
        "outcome": outcome,
        "before_id": before_id,
        "since": since,
        "until": until,
        "limit": limit,
    }
    with _connection(pool) as conn, conn.cursor(row_factory=class_row(Action)) as cur:
        return cur.execute(_SELECT, params).fetchall()


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: how many rows, the chain's head, and the first broken link if any."""

    rows: int
    head_seq: int | None
    head_hash: str | None
    broken_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None


_VERIFY = """
WITH chain AS (
    SELECT id, chain_seq, prev_hash, row_hash, admin_actions_digest(a) AS recomputed,
           lag(row_hash, 1, '') OVER (ORDER BY chain_seq) AS previous_hash,
           lag(chain_seq, 1, 0::bigint) OVER (ORDER BY chain_seq) AS previous_seq
    FROM admin_actions a
), broken AS (
    SELECT id,
           CASE WHEN chain_seq <> previous_seq + 1 THEN 'row(s) just before it were removed'
                WHEN prev_hash <> previous_hash THEN 'the row before it was removed or replaced'
                ELSE 'its content was changed after it was written' END AS problem
    FROM chain
    WHERE row_hash <> recomputed OR prev_hash <> previous_hash OR chain_seq <> previous_seq + 1
    ORDER BY chain_seq LIMIT 1
)
SELECT (SELECT count(*) FROM admin_actions), head.chain_seq, head.row_hash, broken.id, broken.problem
FROM (SELECT 1) one
LEFT JOIN LATERAL (SELECT chain_seq, row_hash FROM admin_actions ORDER BY chain_seq DESC LIMIT 1) head ON true
LEFT JOIN broken ON true
"""


def verify_log(context: Context) -> Verification:
    """``verify`` on the context's control store (``dbadmin audit verify``)."""
    return verify(context.registry.control_pool())


def verify(pool: ConnectionPool) -> Verification:
    """Recompute the hash chain over the whole audit log; the first broken link says where it was tampered with.

    The chain proves rows were not changed, removed or inserted in the middle; removing
    the newest rows is only visible against a head (sequence and hash) recorded elsewhere
    earlier, which is why the head is reported.
    """
    with _connection(pool) as conn, conn.transaction():  # one snapshot for the count, the head and the walk
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows, head_seq, head_hash, broken_id, problem = one(conn.execute(_VERIFY))
    return Verification(rows=rows, head_seq=head_seq, head_hash=head_hash, broken_id=broken_id, problem=problem)
