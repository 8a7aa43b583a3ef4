"""Restore drills: proof that a checkpoint restores, not only that its file is intact.

A drill rebuilds the checkpoint as a scratch database on the branch's server, exactly as a
restore would (the branch itself is never touched), then checks the copy against what the
checkpoint recorded as it was made: the same schema (its snapshot) and the same rows per
table (exact counts for small tables, estimates within tolerance for large ones).  The
result (passed or failed, with what differed, how long the restore and the whole drill
took) is kept in ``checkpoint_drills``, and the scratch database is dropped whatever
happens; one a killed process left is dropped by ``settle``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from .. import actions
from .. import dburl, server_admin
from ..branch import Branch
from ..context import Context
from ..errors import Cancelled, DBAdminError, DrillFailed, OperationRefused
from ..operations.access import Principal
from ..operations.frame import operation
from ..registry import CONTROL
from ..schema import counts, diff, introspection
from . import catalog
from .catalog import Checkpoint
from .strategies import Job, Progress
from .strategies.base import Drillable, failure_message

MAX_FINDINGS = 50  # lines kept of what a failed drill found (the rest are counted)


@dataclass(frozen=True)
class Drill:
    id: int
    checkpoint_id: int
    requested_by: str
    scratch: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str  # running | passed | failed | interrupted
    restore_ms: int | None
    duration_ms: int | None
    tables: int | None  # how many tables' rows were checked
    findings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def describe(self) -> str:
        if self.outcome == "passed":
            return (
                f"drill of checkpoint #{self.checkpoint_id} passed: restored in {_seconds(self.restore_ms)}, "
                f"schema and rows of {self.tables} table(s) as recorded"
            )
        if self.outcome == "failed":
            return f"drill of checkpoint #{self.checkpoint_id} failed: {'; '.join(self.findings[:3])}"
        return f"drill of checkpoint #{self.checkpoint_id}: {self.outcome}"


_COLUMNS = (
    "id, checkpoint_id, requested_by, scratch, started_at, finished_at, outcome, restore_ms, duration_ms, "
    "tables, findings"
)


def drill(
    context: Context,
    branch: Branch | str,
    checkpoint_id: object,
    *,
    actor: Principal,
    reason: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Drill:
    """Restore checkpoint ``checkpoint_id`` into a scratch database and check it (audited, under the
    branch lock, so the checkpoint cannot be deleted or pruned meanwhile).

    Returns the passed drill; a failed one is recorded, then raised as ``DrillFailed``.
    """
    with operation(
        context,
        actions.CHECKPOINT_DRILL,
        branch,
        actor=actor,
        reason=reason,
        details={"checkpoint_id": str(checkpoint_id)[:20]},
        progress=progress,
    ) as (branch, running):
        checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
        if checkpoint.status != "ready":
            raise OperationRefused(f"checkpoint #{checkpoint.id} is {checkpoint.status}, not ready: nothing to drill")
        strategy = context.checkpoint_strategies.get(checkpoint.strategy)
        if not isinstance(strategy, Drillable):
            raise OperationRefused(
                f"checkpoint #{checkpoint.id} was made by the {checkpoint.strategy} strategy, whose checkpoints "
                "cannot be rebuilt beside the branch: drills check dump and clone checkpoints"
            )
        job = Job.of(context, branch, running.progress, cancel)
        with job.maintenance() as conn:
            if not server_admin.can_create_databases(conn):
                raise OperationRefused(
                    f"a drill restores into a scratch database, and {branch.label}'s role may not create "
                    "databases (CREATEDB); nothing was done"
                )
        done = _run(context, job, strategy, checkpoint, actor.name)
        running.details.update(
            checkpoint_id=checkpoint.id,
            drill_id=done.id,
            restore_ms=done.restore_ms,
            tables=done.tables,
            **({"findings": done.findings[:5]} if done.findings else {}),
        )
        if not done.passed:
            raise DrillFailed(done.describe())
        return done


def can_drill(context: Context, checkpoint: Checkpoint) -> bool:
    """Whether ``checkpoint`` can be drilled (ready, and made by a strategy that rebuilds it beside the branch)."""
    return checkpoint.status == "ready" and isinstance(
        context.checkpoint_strategies.get(checkpoint.strategy), Drillable
    )


def _run(context: Context, job: Job, strategy: Drillable, checkpoint: Checkpoint, actor: str) -> Drill:
    """Restore, check, drop the scratch database; the drill's row says what happened, even when
    something unexpected stops it (``interrupted``, never a pass), and whether the scratch
    database is gone (if not, ``settle`` drops it later)."""
    registry = context.registry
    scratch = _scratch_name(job.database, checkpoint.id)
    drill_id = _start(context, checkpoint.id, actor, scratch)
    started = time.monotonic()
    measured: dict[str, int | None] = {"restore_ms": None, "tables": None}
    findings: list[str] = []
    outcome = "interrupted"
    try:
        job.report(0, 0, f"restoring checkpoint #{checkpoint.id} into {scratch}")
        try:
            strategy.restore_into(job, checkpoint, scratch)
        except Cancelled:
            findings.append("cancelled")
            raise
        except DBAdminError as exc:
            findings.append(f"the restore failed: {failure_message(exc, job.secrets)}")
        else:
            measured["restore_ms"] = int((time.monotonic() - started) * 1000)
            job.report(0, 0, f"checking {scratch} against checkpoint #{checkpoint.id}")
            recorded_rows = catalog.row_counts_of(registry, checkpoint.id)
            measured["tables"] = len(recorded_rows or {})
            try:
                findings += _check(job, scratch, catalog.snapshot_of(registry, checkpoint.id), recorded_rows)
            except psycopg.Error as exc:
                findings.append(f"the restored copy could not be read: {dburl.reason(exc, job.secrets)}")
        outcome = "failed" if findings else "passed"
    finally:
        dropped = False
        try:
            job.drop(scratch)
            dropped = True
        finally:
            finished = _finish(
                context,
                drill_id,
                outcome=outcome,
                findings=findings or (["stopped before it finished"] if outcome == "interrupted" else []),
                duration_ms=int((time.monotonic() - started) * 1000),
                dropped=dropped,
                **measured,
            )
    return finished


def _check(job: Job, scratch: str, snapshot: dict | None, recorded_rows: dict | None) -> list[str]:
    """What differs between the restored ``scratch`` and what the checkpoint recorded."""
    url = dburl.with_database(job.url, scratch)
    findings = []
    with server_admin.session(url, purpose=job.purpose) as conn:
        if snapshot is None:
            findings.append("the checkpoint recorded no schema snapshot to compare with")
        else:
            with conn.transaction(), conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
                restored = introspection.snapshot_of(cur)
            changes = diff.diff(snapshot, restored).changes
            findings += [f"schema: {change.describe()}" for change in changes]
        if recorded_rows is None:
            findings.append("the checkpoint recorded no row counts to compare with")
        else:
            findings += counts.check(conn, recorded_rows)
    if len(findings) > MAX_FINDINGS:
        findings = findings[:MAX_FINDINGS] + [f"... and {len(findings) - MAX_FINDINGS} more"]
    return findings


def last_of(context: Context, checkpoint_ids: list[int]) -> dict[int, Drill]:
    """The newest drill of each of ``checkpoint_ids`` that has one."""
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Drill)) as cur:
        found = cur.execute(
            f"""SELECT DISTINCT ON (checkpoint_id) {_COLUMNS} FROM checkpoint_drills
                 WHERE checkpoint_id = ANY(%s) ORDER BY checkpoint_id, id DESC""",
            (checkpoint_ids,),
        ).fetchall()
    return {drill.checkpoint_id: drill for drill in found}


def last_verified(context: Context, branch: Branch | str) -> tuple[Checkpoint, Drill] | None:
    """The newest checkpoint of ``branch`` still kept whose last drill passed, and that drill."""
    branch = Branch.parse(branch)
    with context.registry.connection(CONTROL) as conn:
        row = conn.execute(
            """SELECT c.id, d.id FROM admin_checkpoints c
                 JOIN LATERAL (SELECT id, outcome FROM checkpoint_drills WHERE checkpoint_id = c.id
                                ORDER BY id DESC LIMIT 1) d ON d.outcome = 'passed'
                WHERE c.branch = %s AND c.status = 'ready'
                ORDER BY c.created_at DESC, c.id DESC LIMIT 1""",
            (branch.value,),
        ).fetchone()
    if row is None:
        return None
    return catalog.get(context.registry, row[0]), last_of(context, [row[0]])[row[0]]


def settle(context: Context, job: Job) -> list[str]:
    """Drop the scratch databases drills of ``job``'s branch left (their process was killed, or the
    drop failed), recording a killed one as interrupted (call while holding the branch's lock, as
    start-up does)."""
    with context.registry.connection(CONTROL) as conn:
        left = conn.execute(
            """SELECT d.id, d.scratch, d.outcome FROM checkpoint_drills d
                 JOIN admin_checkpoints c ON c.id = d.checkpoint_id
                WHERE NOT d.scratch_dropped AND c.branch = %s""",
            (job.branch.value,),
        ).fetchall()
    settled = []
    for drill_id, scratch, outcome in left:
        job.drop(scratch)
        if outcome == "running":
            _finish(context, drill_id, outcome="interrupted", findings=["dbadmin stopped before the drill finished"])
            settled.append(f"drill #{drill_id} was interrupted: its scratch database {scratch} dropped")
            continue
        with context.registry.connection(CONTROL) as conn:
            conn.execute("UPDATE checkpoint_drills SET scratch_dropped = true WHERE id = %s", (drill_id,))
        settled.append(f"the scratch database {scratch} of drill #{drill_id} dropped")
    return settled


def _start(context: Context, checkpoint_id: int, actor: str, scratch: str) -> int:
    with context.registry.connection(CONTROL) as conn:
        row = conn.execute(
            "INSERT INTO checkpoint_drills (checkpoint_id, requested_by, scratch) VALUES (%s, %s, %s) RETURNING id",
            (checkpoint_id, actor, scratch),
        ).fetchone()
    assert row is not None
    return int(row[0])


def _finish(
    context: Context,
    drill_id: int,
    *,
    outcome: str,
    findings: list[str],
    restore_ms: int | None = None,
    duration_ms: int | None = None,
    tables: int | None = None,
    dropped: bool = True,
) -> Drill:
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Drill)) as cur:
        found = cur.execute(
            f"""UPDATE checkpoint_drills SET outcome = %s, findings = %s, restore_ms = %s, duration_ms = %s,
                       tables = %s, scratch_dropped = %s, finished_at = clock_timestamp()
                 WHERE id = %s RETURNING {_COLUMNS}""",
            (outcome, Jsonb(findings), restore_ms, duration_ms, tables, dropped, drill_id),
        ).fetchone()
    assert found is not None
    return found


def _scratch_name(database: str, checkpoint_id: int) -> str:
    """``<branch database>_drill_<id>_<random>``, cut to PostgreSQL's 63 bytes with a hash kept."""
    name = f"{database}_drill_{checkpoint_id}_{server_admin.unique_part()}"
    if len(name.encode()) <= 63:
        return name
    return f"{database.encode()[:30].decode(errors='ignore')}_{hashlib.sha1(name.encode()).hexdigest()[:12]}_drill"


def _seconds(ms: int | None) -> str:
    return "?" if ms is None else f"{ms / 1000:.1f} s"
