"""The checkpoint catalog (``admin_checkpoints``) and the restore journal, in the control store.

Both live outside the branches, so restoring a branch never rewrites the record of its
checkpoints or of the restore itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from ..branch import Branch
from ..errors import CheckpointCorrupt, NotFound
from ..registry import CONTROL, Registry
from ..results import one, scalar


@dataclass(frozen=True)
class Checkpoint:
    id: int
    label: str
    notes: str | None
    created_by: str
    created_at: datetime
    branch: str
    strategy: str
    reference: str | None
    size_bytes: int | None
    revision: str | None
    status: str
    expires_at: datetime | None
    checksum: str | None
    error: str | None
    unavailable_ms: int | None = None  # how long making it kept the branch from taking connections
    copy_method: str | None = None  # how a clone copied the files (PostgreSQL's name for it)

    @property
    def location(self) -> str:
        """Where its data is (a database, an archive, a provider's branch), for its strategy to act on:
        set before the strategy makes it, so a checkpoint without one has nothing to restore or delete."""
        if not self.reference:
            raise CheckpointCorrupt(f"checkpoint #{self.id} records no location for its data")
        return self.reference


@dataclass(frozen=True)
class JournalEntry:
    id: int
    branch: str
    checkpoint_id: int
    database: str
    aside: str
    previous: str
    step: str


class CheckpointNotFound(NotFound):
    """No such checkpoint (or not on this branch)."""


_COLUMNS = (
    "id, label, notes, created_by, created_at, branch, strategy, reference, size_bytes, revision, "
    "status, expires_at, checksum, error, unavailable_ms, copy_method"
)


def insert(
    registry: Registry,
    *,
    label: str,
    notes: str | None,
    actor: str,
    branch: Branch,
    strategy: str,
    revision: str | None,
    retention_days: float,
) -> Checkpoint:
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Checkpoint)) as cur:
        return one(
            cur.execute(
                f"""INSERT INTO admin_checkpoints (label, notes, created_by, branch, strategy, revision, expires_at)
                VALUES (%s, %s, %s, %s, %s, %s, clock_timestamp() + make_interval(secs => %s))
                RETURNING {_COLUMNS}""",
                (label, notes, actor, branch.value, strategy, revision, retention_days * 86400),
            )
        )


def update(registry: Registry, checkpoint_id: int, **values: object) -> Checkpoint:
    allowed = {"reference", "size_bytes", "status", "checksum", "error", "unavailable_ms", "copy_method", "expires_at"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Checkpoint)) as cur:
        return one(
            cur.execute(
                f"UPDATE admin_checkpoints SET {assignments} WHERE id = %(id)s RETURNING {_COLUMNS}",
                values | {"id": checkpoint_id},
            )
        )


def last_measured(registry: Registry, branch: Branch, strategy: str) -> Checkpoint | None:
    """The newest checkpoint of ``branch`` made by ``strategy`` that measured its size and unavailability."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Checkpoint)) as cur:
        return cur.execute(
            f"""SELECT {_COLUMNS} FROM admin_checkpoints
                 WHERE branch = %s AND strategy = %s AND status IN ('ready', 'deleted')
                   AND unavailable_ms > 0 AND size_bytes > 0
                 ORDER BY id DESC LIMIT 1""",
            (branch.value, strategy),
        ).fetchone()


def store_snapshot(
    registry: Registry, checkpoint_id: int, snapshot: dict | None, row_counts: dict | None = None
) -> None:
    """Keep the schema as it was at the checkpoint, so a diff needs no restore, and each table's rows
    in the copy, so a drill can check what a restore brings back."""
    with registry.connection(CONTROL) as conn:
        conn.execute(
            "UPDATE admin_checkpoints SET schema_snapshot = %s, row_counts = %s WHERE id = %s",
            (
                None if snapshot is None else Jsonb(snapshot),
                None if row_counts is None else Jsonb(row_counts),
                checkpoint_id,
            ),
        )


def row_counts_of(registry: Registry, checkpoint_id: int) -> dict | None:
    with registry.connection(CONTROL) as conn:
        row = conn.execute("SELECT row_counts FROM admin_checkpoints WHERE id = %s", (checkpoint_id,)).fetchone()
    return row[0] if row else None


def snapshot_of(registry: Registry, checkpoint_id: int) -> dict | None:
    with registry.connection(CONTROL) as conn:
        row = conn.execute("SELECT schema_snapshot FROM admin_checkpoints WHERE id = %s", (checkpoint_id,)).fetchone()
    return row[0] if row else None


def get(registry: Registry, checkpoint_id: object, *, branch: Branch | None = None) -> Checkpoint:
    """The checkpoint ``checkpoint_id`` (of ``branch`` when given), or ``CheckpointNotFound``."""
    try:
        wanted = int(str(checkpoint_id).strip())
    except ValueError:
        raise CheckpointNotFound(f"checkpoint id must be a number, not {str(checkpoint_id)[:20]!r}") from None
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Checkpoint)) as cur:
        found = cur.execute(
            f"SELECT {_COLUMNS} FROM admin_checkpoints WHERE id = %s AND status <> 'deleted'", (wanted,)
        ).fetchone()
    if found is None:
        raise CheckpointNotFound(f"no checkpoint #{wanted}")
    if branch is not None and found.branch != branch.value:
        raise CheckpointNotFound(
            f"checkpoint #{wanted} belongs to the {Branch(found.branch).label} branch, not {branch.label}"
        )
    return found


def list_for_branch(
    registry: Registry, branch: Branch, *, statuses: tuple[str, ...] = ("ready", "creating", "failed")
) -> list[Checkpoint]:
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Checkpoint)) as cur:
        return cur.execute(
            f"SELECT {_COLUMNS} FROM admin_checkpoints WHERE branch = %s AND status = ANY(%s) ORDER BY created_at DESC, id DESC",
            (branch.value, list(statuses)),
        ).fetchall()


def journal_start(
    registry: Registry, *, branch: Branch, checkpoint_id: int, database: str, aside: str, previous: str
) -> int:
    with registry.connection(CONTROL) as conn:
        return scalar(
            conn.execute(
                """INSERT INTO restore_journal (branch, checkpoint_id, database, aside, previous)
               VALUES (%s, %s, %s, %s, %s) RETURNING id""",
                (branch.value, checkpoint_id, database, aside, previous),
            )
        )


def journal_step(registry: Registry, journal_id: int, step: str) -> None:
    finished = step in ("done", "rolled back")
    with registry.connection(CONTROL) as conn:
        conn.execute(
            "UPDATE restore_journal SET step = %s, finished_at = CASE WHEN %s THEN clock_timestamp() END WHERE id = %s",
            (step, finished, journal_id),
        )


def unfinished_journal(registry: Registry, branch: Branch) -> list[JournalEntry]:
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(JournalEntry)) as cur:
        return cur.execute(
            """SELECT id, branch, checkpoint_id, database, aside, previous, step FROM restore_journal
               WHERE branch = %s AND step NOT IN ('done', 'rolled back') ORDER BY id""",
            (branch.value,),
        ).fetchall()
