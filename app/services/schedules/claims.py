"""Scheduled times in the control store (``schedule_runs``): the claim that makes each run once.

Every process that runs schedules tries to insert the row of a time it finds due; the
primary key (branch, time) lets exactly one in, whatever the number of processes.  The
winner holds a lease it renews while it works (the database's clock, the same for every
replica); a row whose lease ran out belongs to a process that died or hung, and another
takes it over, counting attempts, up to ``MAX_ATTEMPTS``.  Every change of a row names its
owner, so a process that lost its lease can no longer record anything on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row

from ..branch import Branch
from ..registry import CONTROL, Registry

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Run:
    branch: str
    due_at: datetime
    state: str  # running | ok | failed | missed
    owner: str | None
    lease_until: datetime | None
    attempts: int
    checkpoint_id: int | None
    drill_id: int | None
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None


_COLUMNS = (
    "branch, due_at, state, owner, lease_until, attempts, checkpoint_id, drill_id, error, started_at, finished_at"
)
_LEASE = "clock_timestamp() + make_interval(secs => %(lease)s)"


def claim(registry: Registry, branch: Branch, due_at: datetime, owner: str, lease: float) -> Run | None:
    """The run of ``due_at`` for ``owner``, or None when another process claimed it first."""
    return _one(
        registry,
        f"""INSERT INTO schedule_runs (branch, due_at, state, owner, lease_until, attempts, started_at)
            VALUES (%(branch)s, %(due_at)s, 'running', %(owner)s, {_LEASE}, 1, clock_timestamp())
            ON CONFLICT (branch, due_at) DO NOTHING RETURNING {_COLUMNS}""",
        {"branch": branch.value, "due_at": due_at, "owner": owner, "lease": lease},
    )


def take_over(registry: Registry, owner: str, lease: float, branches: tuple[Branch, ...]) -> Run | None:
    """One run of ``branches`` whose lease ran out, now ``owner``'s (its attempt counted), or None.

    The condition is checked again on the row as it is updated, so of two processes that
    see the same expired lease, one takes it and the other finds it renewed.  The run comes
    back with the ``started_at`` of its previous attempt: None for one given back before it
    made anything.
    """
    return _one(
        registry,
        f"""UPDATE schedule_runs r SET owner = %(owner)s, lease_until = {_LEASE}, attempts = r.attempts + 1,
                   started_at = clock_timestamp()
              FROM (SELECT branch, due_at, started_at FROM schedule_runs
                     WHERE state = 'running' AND lease_until < clock_timestamp() AND attempts < %(max)s
                       AND branch = ANY(%(branches)s)
                     ORDER BY due_at LIMIT 1) found
             WHERE (r.branch, r.due_at) = (found.branch, found.due_at)
               AND r.state = 'running' AND r.lease_until < clock_timestamp()
            RETURNING r.branch, r.due_at, r.state, r.owner, r.lease_until, r.attempts, r.checkpoint_id, r.drill_id,
                      r.error, found.started_at, r.finished_at""",
        {"owner": owner, "lease": lease, "max": MAX_ATTEMPTS, "branches": [b.value for b in branches]},
    )


def abandon_exhausted(registry: Registry) -> list[Run]:
    """Runs whose every attempt was cut short (their lease ran out ``MAX_ATTEMPTS`` times): failed."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(
            f"""UPDATE schedule_runs SET state = 'failed', finished_at = clock_timestamp(), owner = NULL,
                       error = 'abandoned: its process stopped ' || attempts || ' times before it finished'
                 WHERE state = 'running' AND lease_until < clock_timestamp() AND attempts >= %s
                RETURNING {_COLUMNS}""",
            (MAX_ATTEMPTS,),
        ).fetchall()


def renew(registry: Registry, run: Run, owner: str, lease: float) -> bool:
    """Extend ``owner``'s lease on ``run``; False when it is no longer ``owner``'s (taken over)."""
    return (
        _one(
            registry,
            f"""UPDATE schedule_runs SET lease_until = {_LEASE}
                 WHERE branch = %(branch)s AND due_at = %(due_at)s AND owner = %(owner)s AND state = 'running'
                RETURNING {_COLUMNS}""",
            {"branch": run.branch, "due_at": run.due_at, "owner": owner, "lease": lease},
        )
        is not None
    )


def note(registry: Registry, run: Run, owner: str, **values: object) -> bool:
    """Record ``checkpoint_id`` or ``drill_id`` on ``owner``'s running ``run``; False when it is no longer ``owner``'s."""
    allowed = {"checkpoint_id", "drill_id"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot note {sorted(set(values) - allowed)}")
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    with registry.connection(CONTROL) as conn:
        return (
            conn.execute(
                f"""UPDATE schedule_runs SET {assignments}
                     WHERE branch = %(branch)s AND due_at = %(due_at)s AND owner = %(owner)s AND state = 'running'""",
                values | {"branch": run.branch, "due_at": run.due_at, "owner": owner},
            ).rowcount
            == 1
        )


def finish(registry: Registry, run: Run, owner: str, *, state: str, error: str | None = None) -> Run | None:
    """``owner``'s ``run`` ended (``ok``, ``failed``, or ``missed`` when given back and now too late); None
    when it was no longer ``owner``'s."""
    return _one(
        registry,
        f"""UPDATE schedule_runs SET state = %(state)s, error = %(error)s, finished_at = clock_timestamp(),
                   lease_until = NULL
             WHERE branch = %(branch)s AND due_at = %(due_at)s AND owner = %(owner)s AND state = 'running'
            RETURNING {_COLUMNS}""",
        {"state": state, "error": error, "branch": run.branch, "due_at": run.due_at, "owner": owner},
    )


def give_back(registry: Registry, run: Run, owner: str) -> None:
    """Give ``run`` back (its branch was busy): its lease ends now, so the next look takes it over,
    keeping what it had made (``checkpoint_id``); this attempt is not counted, and one that
    made nothing is as if never started (past the grace, it is missed)."""
    with registry.connection(CONTROL) as conn:
        conn.execute(
            """UPDATE schedule_runs SET lease_until = clock_timestamp(), attempts = greatest(attempts - 1, 0),
                      started_at = CASE WHEN checkpoint_id IS NULL THEN NULL ELSE started_at END
                WHERE branch = %s AND due_at = %s AND owner = %s AND state = 'running'""",
            (run.branch, run.due_at, owner),
        )


def miss(registry: Registry, branch: Branch, due_at: datetime, why: str) -> Run | None:
    """Record ``due_at`` as missed (no process ran it in time); None when it was claimed or recorded already."""
    return _one(
        registry,
        f"""INSERT INTO schedule_runs (branch, due_at, state, error, finished_at)
            VALUES (%(branch)s, %(due_at)s, 'missed', %(why)s, clock_timestamp())
            ON CONFLICT (branch, due_at) DO NOTHING RETURNING {_COLUMNS}""",
        {"branch": branch.value, "due_at": due_at, "why": why},
    )


def latest_due(registry: Registry, branch: Branch) -> datetime | None:
    with registry.connection(CONTROL) as conn:
        row = conn.execute("SELECT max(due_at) FROM schedule_runs WHERE branch = %s", (branch.value,)).fetchone()
    return row[0] if row else None


def recent(registry: Registry, branch: Branch, limit: int = 20) -> list[Run]:
    """``branch``'s newest runs, newest first."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(
            f"SELECT {_COLUMNS} FROM schedule_runs WHERE branch = %s ORDER BY due_at DESC LIMIT %s",
            (branch.value, limit),
        ).fetchall()


@dataclass(frozen=True)
class Made:
    """A ready checkpoint a schedule made, and how its last finished drill ended (None: never drilled)."""

    id: int
    created_at: datetime
    strategy: str
    drill: str | None


def checkpoints_of(registry: Registry, branch: Branch) -> list[Made]:
    """The ready checkpoints ``branch``'s schedule made."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Made)) as cur:
        return cur.execute(
            """SELECT c.id, c.created_at, c.strategy, d.outcome AS drill
                 FROM schedule_runs r JOIN admin_checkpoints c ON c.id = r.checkpoint_id
                 LEFT JOIN LATERAL (SELECT outcome FROM checkpoint_drills WHERE checkpoint_id = c.id
                                     AND outcome IN ('passed', 'failed') ORDER BY id DESC LIMIT 1) d ON true
                WHERE r.branch = %s AND c.status = 'ready'""",
            (branch.value,),
        ).fetchall()


def _one(registry: Registry, query: str, params: dict) -> Run | None:
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(query, params).fetchone()
