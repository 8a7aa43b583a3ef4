"""The ``migration_runs`` table in the control store: one row per revision applied or removed.

Rows are written from the run itself: a ``running`` row when a step starts, ``applied`` when
Alembic's ``on_version_apply`` hook says it finished inside a transaction not yet committed,
``ok`` once that transaction committed, or ``failed`` with the database's message (or rolled
back with the step that failed).  A process killed mid-run leaves ``running`` and ``applied``
rows, which recovery settles at the next start from the branch's own version table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row

from ..branch import Branch
from ..registry import CONTROL, Registry
from ..results import scalar


@dataclass(frozen=True)
class Run:
    id: int
    branch: str
    revision: str
    direction: str
    actor: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    error: str | None
    planned: int | None = None  # steps in its run's plan
    together: bool | None = None  # its run's steps shared one transaction

    @property
    def duration_ms(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)


_COLUMNS = "id, branch, revision, direction, actor, started_at, finished_at, outcome, error, planned, together"


def start(
    registry: Registry,
    *,
    branch: Branch,
    revision: str,
    direction: str,
    actor: str,
    planned: int | None = None,
    together: bool | None = None,
) -> int:
    with registry.connection(CONTROL) as conn:
        return scalar(
            conn.execute(
                """INSERT INTO migration_runs (branch, revision, direction, actor, planned, together)
                   VALUES (%s, %s, %s, %s, %s, %s) RETURNING id""",
                (branch.value, revision, direction, actor, planned, together),
            )
        )


def finish(registry: Registry, run_id: int, *, outcome: str, error: str | None = None) -> None:
    with registry.connection(CONTROL) as conn:
        conn.execute(
            "UPDATE migration_runs SET outcome = %s, error = %s, finished_at = clock_timestamp() WHERE id = %s",
            (outcome, error, run_id),
        )


def list_runs(registry: Registry, branch: Branch, *, limit: int = 200) -> list[Run]:
    """Newest first."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(
            f"SELECT {_COLUMNS} FROM migration_runs WHERE branch = %s ORDER BY started_at DESC, id DESC LIMIT %s",
            (branch.value, limit),
        ).fetchall()


def last_applied(registry: Registry, branch: Branch) -> dict[str, Run]:
    """For each revision, the newest successful run that applied it ("up") or recorded it ("baseline")."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        rows = cur.execute(
            f"""SELECT DISTINCT ON (revision) {_COLUMNS} FROM migration_runs
                WHERE branch = %s AND direction IN ('up', 'baseline') AND outcome = 'ok'
                ORDER BY revision, started_at DESC, id DESC""",
            (branch.value,),
        ).fetchall()
    return {run.revision: run for run in rows}


def unsettled(registry: Registry, branch: Branch) -> list[Run]:
    """Rows a stopped process left ``running`` or ``applied`` (its transaction's end unknown), oldest first."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(
            f"""SELECT {_COLUMNS} FROM migration_runs WHERE branch = %s AND outcome IN ('running', 'applied')
                ORDER BY started_at, id""",
            (branch.value,),
        ).fetchall()


def since(registry: Registry, branch: Branch, actor: str, started: datetime) -> list[Run]:
    """The rows of ``actor``'s run on ``branch`` that started at ``started`` or later, oldest first."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(
            f"""SELECT {_COLUMNS} FROM migration_runs WHERE branch = %s AND actor = %s AND started_at >= %s
                ORDER BY started_at, id""",
            (branch.value, actor, started),
        ).fetchall()


def mark_interrupted(registry: Registry, branch: Branch) -> None:
    """Settle ``running`` rows of ``branch`` left by a process that died; call while holding its lock."""
    with registry.connection(CONTROL) as conn:
        conn.execute(
            """UPDATE migration_runs SET outcome = 'interrupted', finished_at = clock_timestamp(),
                      error = 'dbadmin stopped before this step finished'
               WHERE branch = %s AND outcome = 'running'""",
            (branch.value,),
        )
