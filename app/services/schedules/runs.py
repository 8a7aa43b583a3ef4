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


def take_over(registry: Registry, owner: str, lease: float) -> Run | None:
    """One run whose lease ran out, now ``owner``'s (its attempt counted), or None.

    The condition is checked again on the row as it is updated, so of two processes that
    see the same expired lease, one takes it and the other finds it renewed.
    """
    return _one(
        registry,
        f"""UPDATE schedule_runs SET owner = %(owner)s, lease_until = {_LEASE}, attempts = attempts + 1,
                   started_at = clock_timestamp()
             WHERE (branch, due_at) = (SELECT branch, due_at FROM schedule_runs
                                        WHERE state = 'running' AND lease_until < clock_timestamp()
                                          AND attempts < %(max)s
                                        ORDER BY due_at LIMIT 1)
               AND state = 'running' AND lease_until < clock_timestamp()
            RETURNING {_COLUMNS}""",
        {"owner": owner, "lease": lease, "max": MAX_ATTEMPTS},
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


def note(registry: Registry, run: Run, owner: str, **values: object) -> None:
    """Record ``checkpoint_id`` or ``drill_id`` on ``owner``'s running ``run``."""
    allowed = {"checkpoint_id", "drill_id"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot note {sorted(set(values) - allowed)}")
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    with registry.connection(CONTROL) as conn:
        conn.execute(
            f"""UPDATE schedule_runs SET {assignments}
                 WHERE branch = %(branch)s AND due_at = %(due_at)s AND owner = %(owner)s""",
            values | {"branch": run.branch, "due_at": run.due_at, "owner": owner},
        )


def finish(registry: Registry, run: Run, owner: str, *, state: str, error: str | None = None) -> Run | None:
    """``owner``'s ``run`` ended (``ok`` or ``failed``); None when it was no longer ``owner``'s."""
    return _one(
        registry,
        f"""UPDATE schedule_runs SET state = %(state)s, error = %(error)s, finished_at = clock_timestamp(),
                   lease_until = NULL
             WHERE branch = %(branch)s AND due_at = %(due_at)s AND owner = %(owner)s AND state = 'running'
            RETURNING {_COLUMNS}""",
        {"state": state, "error": error, "branch": run.branch, "due_at": run.due_at, "owner": owner},
    )


def release(registry: Registry, run: Run, owner: str) -> None:
    """Give ``run`` back unstarted (its branch was busy): the next look at the schedule claims it again."""
    with registry.connection(CONTROL) as conn:
        conn.execute(
            "DELETE FROM schedule_runs WHERE branch = %s AND due_at = %s AND owner = %s AND state = 'running'",
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


def checkpoints_of(registry: Registry, branch: Branch) -> list[tuple[int, datetime, bool]]:
    """The ready checkpoints ``branch``'s schedule made: id, when, and whether good (its last drill, if any, passed)."""
    with registry.connection(CONTROL) as conn:
        return [
            (row[0], row[1], row[2])
            for row in conn.execute(
                """SELECT c.id, c.created_at, coalesce(d.outcome <> 'failed', true)
                     FROM schedule_runs r JOIN admin_checkpoints c ON c.id = r.checkpoint_id
                     LEFT JOIN LATERAL (SELECT outcome FROM checkpoint_drills WHERE checkpoint_id = c.id
                                         AND outcome IN ('passed', 'failed') ORDER BY id DESC LIMIT 1) d ON true
                    WHERE r.branch = %s AND c.status = 'ready'""",
                (branch.value,),
            )
        ]


def _one(registry: Registry, query: str, params: dict) -> Run | None:
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(query, params).fetchone()
