"""Checkpoints: snapshots of one branch's database to create, list, restore, delete and prune.

Each verb runs in the operation frame (role, branch lock, audit row) and leaves the how to
the checkpoint's strategy (``strategies``): every restore returns the checkpoint that keeps
the state it replaced, so it can be undone, and whatever a killed process left half-made is
settled at the next start (``settle``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from .. import actions
from .. import capture, server_admin
from ..branch import Branch
from ..context import Context
from ..errors import CheckpointKept, DBAdminError, InvalidInput, NameTaken, OperationRefused
from ..operations import hooks, oplock
from ..operations.access import Principal
from ..operations.frame import check_plan, on_production, operation
from ..registry import CONTROL, Registry
from ..revisions import bound as revisions_branch
from ..results import scalar
from ..schema import introspection
from ..text import refuse_nul
from . import catalog, drills, strategies
from .catalog import Checkpoint, CheckpointNotFound
from .strategies import Job, Progress, Strategy, Unavailability
from .strategies.base import History, TimeTravel, failure_message, quietly
from .strategies.swap import settle_journal

__all__ = [
    "Checkpoint",
    "CheckpointNotFound",
    "History",
    "Pruned",
    "RestorePlan",
    "TimeRestorePlan",
    "Unavailability",
    "branch_of",
    "can_restore_to_time",
    "create",
    "create_locked",
    "delete",
    "expected_unavailability",
    "history",
    "list_for_branch",
    "plan_restore",
    "plan_restore_to_time",
    "prune",
    "restore",
    "restore_to_time",
    "settle",
]


def list_for_branch(context: Context, branch: Branch | str) -> list[Checkpoint]:
    """Checkpoints of ``branch``, newest first (deleted ones left out)."""
    return catalog.list_for_branch(context.registry, Branch.parse(branch))


def create(
    context: Context,
    branch: Branch | str,
    *,
    actor: Principal,
    label: str,
    notes: str | None = None,
    strategy: str | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Checkpoint:
    """Snapshot ``branch`` now (audited, under the branch lock)."""
    with operation(
        context,
        actions.CHECKPOINT_CREATE,
        branch,
        actor=actor,
        reason=reason,
        details={"label": label, "strategy": strategy},
        progress=progress,
    ) as (branch, running):
        checkpoint = create_locked(
            context,
            branch,
            actor=actor.name,
            label=label,
            notes=notes,
            strategy=strategy,
            progress=running.progress,
            cancel=cancel,
            details=running.details,
        )
        return checkpoint


def create_locked(
    context: Context,
    branch: Branch,
    *,
    actor: str,
    label: str,
    notes: str | None = None,
    strategy: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    details: dict | None = None,
) -> Checkpoint:
    """``create`` for a caller that already holds the branch lock (a migration, a restore)."""
    label, notes = _check_label(label), _check_notes(notes)
    chosen = _strategy(context, branch, strategy)
    context.registry.identity(branch)  # the branch answers, and is the database it names, before anything starts
    job = Job.of(context, branch, progress, cancel)
    row = catalog.insert(
        context.registry,
        label=label,
        notes=notes,
        actor=actor,
        branch=branch,
        strategy=chosen.name,
        revision=_revision(context, branch),
        retention_days=context.settings.checkpoint_retention_days,
    )
    reference = chosen.reference_for(job, row)
    row = catalog.update(context.registry, row.id, reference=reference)
    snapshot = _snapshot(context, branch)
    try:
        created = chosen.create(job, row)
    except BaseException as exc:
        if not isinstance(exc, NameTaken):  # what holds the name is not ours to delete
            quietly(chosen.discard_partial, job, reference)
        catalog.update(context.registry, row.id, status="failed", error=failure_message(exc, job.secrets))
        raise
    catalog.store_snapshot(context.registry, row.id, created.schema or snapshot, created.row_counts)
    measured = {"unavailable_ms": job.unavailable_ms, "copy_method": job.copy_method}
    if details is not None:
        details.update(
            checkpoint_id=row.id,
            strategy=chosen.name,
            size_bytes=created.size_bytes,
            **{key: value for key, value in measured.items() if value is not None},
        )
    return catalog.update(
        context.registry, row.id, status="ready", size_bytes=created.size_bytes, checksum=created.checksum, **measured
    )


@dataclass(frozen=True)
class RestorePlan:
    """Bringing ``branch`` back to ``checkpoint``, and the phrase it asks for."""

    branch: Branch
    checkpoint: Checkpoint
    effect: str  # what the restore does to the branch's connections, from the checkpoint's strategy

    @property
    def phrase(self) -> str | None:
        return on_production(self.branch, f"RESTORE {self.checkpoint.id}")

    @property
    def what(self) -> str:
        return f"restoring checkpoint #{self.checkpoint.id} on {self.branch.label}"


def plan_restore(context: Context, branch: Branch | str, checkpoint_id: object) -> RestorePlan:
    """The restore ``restore`` would do, or why it cannot (unknown, another branch's, not ready)."""
    branch = Branch.parse(branch)
    checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
    if checkpoint.status != "ready":
        raise OperationRefused(f"checkpoint #{checkpoint.id} is {checkpoint.status}, not ready: it cannot be restored")
    return RestorePlan(branch, checkpoint, _made_by(context, checkpoint).restore_effect)


def restore(
    context: Context,
    branch: Branch | str,
    checkpoint_id: object,
    *,
    actor: Principal,
    confirm: str | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Checkpoint:
    """Bring ``branch`` back to checkpoint ``checkpoint_id``; returns the checkpoint of the state it replaced.

    Production needs the phrase ``RESTORE <id>``.
    """
    with operation(
        context,
        actions.CHECKPOINT_RESTORE,
        branch,
        actor=actor,
        reason=reason,
        details={"checkpoint_id": str(checkpoint_id)[:20]},
        progress=progress,
    ) as (branch, running):
        plan = plan_restore(context, branch, checkpoint_id)
        checkpoint = plan.checkpoint
        check_plan(plan, confirm)
        strategy = _made_by(context, checkpoint)
        context.registry.identity(branch)  # the branch answers, and is the database it names
        job = Job.of(context, branch, running.progress, cancel)
        with capture.kept(context, branch, running.details) as token:
            job.session_settings = {"dbadmin.run": token}
            before = strategy.restore(
                job, checkpoint, _Keep(context, job, actor.name, f"before restore of #{checkpoint.id}")
            )
        running.details.update(
            method=job.restore_method or strategy.name,
            checkpoint_id=checkpoint.id,
            pre_restore_checkpoint_id=before.id,
            unavailable_ms=job.unavailable_ms,
        )
    hooks.run_after(
        context, hooks.Event(actions.CHECKPOINT_RESTORE.name, branch, actor.name, {"checkpoint_id": checkpoint.id})
    )
    return before


@dataclass(frozen=True)
class TimeRestorePlan:
    """Bringing ``branch`` back to how it was at ``moment`` (a strategy that keeps history), and its phrase."""

    branch: Branch
    moment: datetime
    effect: str

    @property
    def phrase(self) -> str | None:
        return on_production(self.branch, f"RESTORE TO {self.moment:%Y-%m-%d %H:%M:%S}")

    @property
    def what(self) -> str:
        return f"restoring {self.branch.label} to {self.moment:%Y-%m-%d %H:%M:%S} UTC"


def can_restore_to_time(context: Context, branch: Branch | str) -> bool:
    """Whether ``branch``'s strategy keeps a history to restore to (asks nobody: for showing the action)."""
    return isinstance(_strategy(context, Branch.parse(branch), None), TimeTravel)


def history(context: Context, branch: Branch | str) -> History | None:
    """The moments ``branch`` can be restored to, when its strategy keeps a history (else None)."""
    branch = Branch.parse(branch)
    chosen = _strategy(context, branch, None)
    return _history(context, branch, chosen) if isinstance(chosen, TimeTravel) else None


def plan_restore_to_time(context: Context, branch: Branch | str, moment: object) -> TimeRestorePlan:
    """The restore to ``moment`` (ISO 8601, or HH:MM[:SS] today, UTC unless it says) ``restore_to_time``
    would do, or why it cannot: a strategy without history, a moment outside it."""
    branch = Branch.parse(branch)
    chosen = _strategy(context, branch, None)
    if not isinstance(chosen, TimeTravel):
        raise OperationRefused(
            f"{branch.label}'s checkpoint strategy ({chosen.name}) keeps no history: it can only "
            "restore to a checkpoint"
        )
    when = _moment(moment)
    window = _history(context, branch, chosen)
    if not window.earliest <= when <= window.latest:
        raise OperationRefused(
            f"{when:%Y-%m-%d %H:%M:%S} UTC is outside {branch.label}'s history, which runs from "
            f"{window.earliest:%Y-%m-%d %H:%M:%S} to {window.latest:%Y-%m-%d %H:%M:%S} UTC; "
            "nothing was changed"
        )
    return TimeRestorePlan(branch, when, chosen.restore_effect)


def restore_to_time(
    context: Context,
    branch: Branch | str,
    moment: object,
    *,
    actor: Principal,
    confirm: str | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Checkpoint:
    """Bring ``branch`` back to how it was at ``moment``; returns the checkpoint of the state it replaced.

    Production needs the phrase ``RESTORE TO <YYYY-MM-DD HH:MM:SS>``.
    """
    with operation(
        context,
        actions.CHECKPOINT_RESTORE,
        branch,
        actor=actor,
        reason=reason,
        details={"to_time": str(moment)[:40]},
        progress=progress,
    ) as (branch, running):
        plan = plan_restore_to_time(context, branch, moment)
        check_plan(plan, confirm)
        strategy = _strategy(context, branch, None)
        assert isinstance(strategy, TimeTravel)  # the plan refused one that is not
        context.registry.identity(branch)  # the branch answers, and is the database it names
        job = Job.of(context, branch, running.progress, cancel)
        keep = _Keep(context, job, actor.name, f"before restore to {plan.moment:%Y-%m-%d %H:%M:%S} UTC")
        with capture.kept(context, branch, running.details) as token:
            job.session_settings = {"dbadmin.run": token}
            before = strategy.restore_to_time(job, plan.moment, keep)
        running.details.update(
            method=job.restore_method or strategy.name,
            to_time=plan.moment.isoformat(),
            pre_restore_checkpoint_id=before.id,
        )
    hooks.run_after(
        context, hooks.Event(actions.CHECKPOINT_RESTORE.name, branch, actor.name, {"to_time": plan.moment.isoformat()})
    )
    return before


def delete(
    context: Context, branch: Branch | str, checkpoint_id: object, *, actor: Principal, reason: str | None = None
) -> Checkpoint:
    """Delete a checkpoint's data and mark it deleted in the catalog (the row stays, for history)."""
    with operation(
        context,
        actions.CHECKPOINT_DELETE,
        branch,
        actor=actor,
        reason=reason,
        details={"checkpoint_id": str(checkpoint_id)[:20]},
    ) as (branch, _):
        checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
        _made_by(context, checkpoint).delete(Job.of(context, branch, None, None), checkpoint)
        return catalog.update(context.registry, checkpoint.id, status="deleted")


@dataclass
class Pruned:
    """What a prune deleted, and the expired checkpoints their provider would not delete yet, with why."""

    deleted: list[Checkpoint] = field(default_factory=list)
    kept: list[tuple[Checkpoint, str]] = field(default_factory=list)

    @property
    def freed_bytes(self) -> int:
        return sum(c.size_bytes or 0 for c in self.deleted)


def prune(context: Context, *, actor: Principal, reason: str | None = None) -> Pruned:
    """Delete expired checkpoints (never the newest ready one of a branch)."""
    pruned = Pruned()
    for branch in Branch:
        if context.registry.location(branch) is None:
            continue
        with operation(context, actions.CHECKPOINT_PRUNE, branch, actor=actor, reason=reason) as (branch, running):
            found = catalog.list_for_branch(context.registry, branch, statuses=("ready", "failed"))
            newest_ready = next((c.id for c in found if c.status == "ready"), None)
            now = _now(context)
            job = Job.of(context, branch, None, None)
            mine = Pruned()
            for checkpoint in found:
                if checkpoint.id == newest_ready or checkpoint.expires_at is None or checkpoint.expires_at > now:
                    continue
                if checkpoint.status == "ready" and checkpoint.reference:
                    try:
                        _made_by(context, checkpoint).delete(job, checkpoint)
                    except CheckpointKept as kept:
                        mine.kept.append((checkpoint, str(kept)))
                        continue
                mine.deleted.append(catalog.update(context.registry, checkpoint.id, status="deleted"))
            running.details.update(
                deleted=[c.id for c in mine.deleted],
                freed_bytes=mine.freed_bytes,
                **({"kept": {c.id: why for c, why in mine.kept}} if mine.kept else {}),
            )
            pruned.deleted += mine.deleted
            pruned.kept += mine.kept
    return pruned


def expected_unavailability(context: Context, branch: Branch | str, strategy: str | None = None) -> Unavailability:
    """What a person should know before confirming a new checkpoint: how long the branch will take no
    connections, as its strategy estimates it."""
    branch = Branch.parse(branch)
    return _strategy(context, branch, strategy).unavailability(Job.of(context, branch, None, None))


def branch_of(context: Context, checkpoint_id: object) -> Branch:
    """The branch a checkpoint belongs to (for front ends that address checkpoints by id alone)."""
    return Branch(catalog.get(context.registry, checkpoint_id).branch)


def settle(context: Context, branch: Branch) -> list[str]:
    """Finish or undo the restores and creates a killed process left half-way on ``branch``
    (call while holding its lock, as start-up does); returns a line per thing settled."""
    registry, settled = context.registry, []
    job = Job.of(context, branch, None, None)
    with job.maintenance() as conn:  # we hold the branch lock: any session doing its work is an orphan
        if ended := server_admin.end_orphans(conn, job.purpose):
            settled.append(f"ended {ended} session(s) a stopped dbadmin left running")
    settled += settle_journal(job)
    settled += drills.settle(context, job)
    for row in catalog.list_for_branch(registry, branch, statuses=("creating",)):
        # Not quietly: a branch a killed clone left fenced off must be reopened, or this start fails
        # for the branch and the next one tries again (the row stays "creating" until then).
        if created := _made_by(context, row).settle(job, row):
            catalog.update(registry, row.id, status="ready", size_bytes=created.size_bytes, checksum=created.checksum)
            settled.append(f"checkpoint #{row.id} turned out whole: marked ready")
            continue
        catalog.update(registry, row.id, status="failed", error="interrupted: dbadmin stopped before it finished")
        settled.append(f"checkpoint #{row.id} marked failed")
    return settled


@dataclass
class _Keep:
    """How a restore keeps the state it replaces (``strategies.Keep``): a catalog row, or a whole checkpoint."""

    context: Context
    job: Job
    actor: str
    label: str  # "before restore of #12", "before restore to 2026-12-02 14:32:00 UTC"

    def record(self, strategy: str) -> Checkpoint:
        context, branch = self.context, self.job.branch
        row = catalog.insert(
            context.registry,
            label=self.label,
            notes=None,
            actor=self.actor,
            branch=branch,
            strategy=strategy,
            revision=_revision(context, branch),
            retention_days=context.settings.checkpoint_retention_days,
        )
        catalog.store_snapshot(context.registry, row.id, _snapshot(context, branch))
        return row

    def take(self, strategy: str) -> Checkpoint:
        return create_locked(
            self.context,
            self.job.branch,
            actor=self.actor,
            label=self.label,
            strategy=strategy,
            progress=self.job.progress,
            cancel=self.job.cancel,
        )


# -- helpers --------------------------------------------------------------------------------


def _history(context: Context, branch: Branch, strategy: TimeTravel) -> History:
    window = strategy.history(Job.of(context, branch, None, None))
    return History(_utc(window.earliest), _utc(window.latest))


_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?")


def _moment(value: object) -> datetime:
    """A moment given as a datetime, ISO 8601 text or HH:MM[:SS] (today); UTC unless it names a zone."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = (refuse_nul(str(value or "").strip(), "the time") or "")[:41]
        try:
            moment = (
                datetime.combine(datetime.now(UTC).date(), time.fromisoformat(text))
                if _TIME_OF_DAY.fullmatch(text)
                else datetime.fromisoformat(text)
            )
        except ValueError:
            raise InvalidInput(f"{text[:40]!r} is not a time: use ISO 8601 (2026-12-02T14:32:00Z) or HH:MM") from None
    return _utc(moment)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; one without a zone is taken to be UTC already (never the server's local time)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _now(context: Context):
    with context.registry.connection(CONTROL) as conn:
        return scalar(conn.execute("SELECT clock_timestamp()"))


def _strategy(context: Context, branch: Branch, name: str | None) -> Strategy:
    return strategies.choose(context.checkpoint_strategies, context.settings, branch, name)


def _made_by(context: Context, checkpoint: Checkpoint) -> Strategy:
    """The strategy that made ``checkpoint``, which alone can restore, delete or settle it."""
    found = context.checkpoint_strategies.get(checkpoint.strategy)
    if found is None:
        raise OperationRefused(
            f"checkpoint #{checkpoint.id} was made by the {checkpoint.strategy[:20]!r} strategy, "
            "which this dbadmin does not have; nothing was changed"
        )
    return found


def _revision(context: Context, branch: Branch) -> str | None:
    """The branch's Alembic revision(s) now, read from its version table when there is one."""
    if context.settings.migrations is None:
        return None
    try:
        return ", ".join(revisions_branch.state(context, branch).heads) or None
    except DBAdminError:
        return None


def _snapshot(context: Context, branch: Branch) -> dict | None:
    """The branch's schema now; a checkpoint is still worth taking when this cannot be read in time."""
    try:
        return introspection.snapshot(context, branch)
    except DBAdminError:
        return None


def _check_label(label: str | None) -> str:
    label = (label or "").strip()
    if not label:
        raise InvalidInput("a checkpoint needs a label")
    if len(label) > 200:
        raise InvalidInput("a checkpoint label has at most 200 characters")
    if any(unicodedata.category(ch) == "Cc" for ch in label):
        raise InvalidInput("a checkpoint label cannot contain control characters (newlines, tabs, ...)")
    if any(unicodedata.category(ch) == "Cf" for ch in label):  # bidi overrides, zero-width characters
        raise InvalidInput(
            "a checkpoint label cannot contain invisible formatting characters "
            "(bidi overrides, zero-width spaces): they make one label look like another"
        )
    return label


def _check_notes(notes: str | None) -> str | None:
    notes = refuse_nul((notes or "").strip() or None, "the notes")
    if notes and len(notes) > 5000:
        raise InvalidInput("checkpoint notes have at most 5000 characters")
    return notes


# -- an operation killed after its work was done ----------------------------------------------------
# The audit row of an operation whose process died is written when the branch is next locked; where
# the work turned out complete, it says ok, as the catalog does (History and catalog never disagree).


def _created_anyway(registry: Registry, branch: Branch, actor: str, since: datetime) -> dict | None:
    with registry.connection(CONTROL) as conn:
        row = conn.execute(
            """SELECT id FROM admin_checkpoints
               WHERE branch = %s AND created_by = %s AND created_at >= %s AND status = 'ready'
               ORDER BY id DESC LIMIT 1""",
            (branch.value, actor, since),
        ).fetchone()
    return {"checkpoint_id": row[0]} if row else None


def _restored_anyway(registry: Registry, branch: Branch, actor: str, since: datetime) -> dict | None:
    with registry.connection(CONTROL) as conn:
        row = conn.execute(
            """SELECT checkpoint_id, step, previous FROM restore_journal
               WHERE branch = %s AND started_at >= %s ORDER BY id DESC LIMIT 1""",
            (branch.value, since),
        ).fetchone()
    if row is None or row[1] in ("building", "rolled back"):
        return None
    if row[1] == "swapping":  # killed around the renames, which commit together: the server says which
        with server_admin.maintenance(registry.url(branch)) as conn:
            if not server_admin.exists(conn, row[2]):
                return None
    with registry.connection(CONTROL) as conn:
        kept = conn.execute(
            "SELECT id FROM admin_checkpoints WHERE branch = %s AND reference = %s", (branch.value, row[2])
        ).fetchone()
    return {
        "checkpoint_id": row[0],
        "pre_restore_checkpoint_id": kept[0] if kept else None,
        # What the normal end does after the swap (DDL capture and the guard put back as they were) did not run.
        "capture_put_back": "unknown: dbadmin stopped before it could; check with 'dbadmin capture status'",
    }


oplock.when_abandoned(actions.CHECKPOINT_CREATE, _created_anyway)
oplock.when_abandoned(actions.CHECKPOINT_RESTORE, _restored_anyway)
