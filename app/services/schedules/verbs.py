"""Checkpoint schedules: show and set them, and run what is due, once, whatever the number of processes.

A branch's schedule comes from its setting (``PROD_SCHEDULE``, ``PROD_SCHEDULE_KEEP``) when
that is set, and cannot then be changed from a front end; otherwise from the control store,
set by an admin (audited).  Either way it is kept in ``schedules``, so every replica runs the
same one and the time it took effect is known (times before it are never "missed").

``run_due`` is one look at the clock: for each branch, the latest time due since the last
one handled is claimed and run (a checkpoint, its restore drill, then retention) unless it
is older than the grace period; every other is recorded as missed; and a run whose process died is taken
over once its lease runs out.  APScheduler calls it every few seconds in the console
(``runner``); ``dbadmin schedule run`` calls it once, from a crontab say.  The clock is a
parameter, so tests drive it without waiting.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

from .. import actions
from .. import checkpoints, dburl, recovery
from ..branch import Branch
from ..checkpoints import catalog, drills
from ..checkpoints.strategies.base import Drillable
from ..context import Context
from ..errors import BranchBusy, Cancelled, DBAdminError, DrillFailed, OperationRefused
from ..operations import oplock
from ..operations.access import Principal, Role
from ..operations.frame import operation
from ..registry import CONTROL
from ..webhooks import Event
from . import claims, retention
from .claims import Run
from .spec import Keep, Schedule

SCHEDULER = Principal("dbadmin schedule", Role.ADMIN, "system")
CATCH_UP = 100  # at most this many past times are looked at in one go (the rest were missed long ago)
_log = logging.getLogger("dbadmin")


def process_name() -> str:
    """Who claims runs from this process, in the control store: host, pid and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class BranchSchedule:
    """A branch's schedule as the front ends show it."""

    branch: Branch
    schedule: Schedule
    source: str  # settings | console
    updated_by: str
    updated_at: datetime
    next_at: datetime | None
    runs: list[Run] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.source == "console"


def configured(context: Context, branch: Branch) -> Schedule | None:
    """The schedule ``branch``'s settings declare, or None when they declare none."""
    settings = context.settings
    crontab = getattr(settings, f"{branch.value}_schedule")
    if not (crontab or "").strip():
        return None
    return Schedule.parse(crontab, getattr(settings, f"{branch.value}_schedule_keep"))


def sync_settings(context: Context) -> None:
    """Make the control store hold what the settings declare (at start-up, and before each look)."""
    for branch in Branch:
        declared = configured(context, branch)
        if declared is None:
            with context.registry.connection(CONTROL) as conn:
                conn.execute("DELETE FROM schedules WHERE branch = %s AND source = 'settings'", (branch.value,))
            continue
        _store(context, branch, declared, source="settings", actor="settings")


def get(context: Context, branch: Branch | str, *, now: datetime | None = None) -> BranchSchedule | None:
    """``branch``'s schedule, its next time and its recent runs, or None when it has none."""
    branch = Branch.parse(branch)
    with context.registry.connection(CONTROL) as conn:
        row = conn.execute(
            "SELECT crontab, keep, strategy, source, updated_by, updated_at FROM schedules WHERE branch = %s",
            (branch.value,),
        ).fetchone()
    if row is None:
        return None
    schedule = Schedule(tuple(row[0]), Keep.parse(row[1]), row[2])
    return BranchSchedule(
        branch,
        schedule,
        source=row[3],
        updated_by=row[4],
        updated_at=row[5],
        next_at=schedule.next_time(now or datetime.now(UTC)),
        runs=claims.recent(context.registry, branch),
    )


def set_schedule(
    context: Context,
    branch: Branch | str,
    crontab: str | list[str] | None,
    *,
    keep: str | None = None,
    strategy: str | None = None,
    actor: Principal,
    reason: str | None = None,
) -> BranchSchedule | None:
    """Set ``branch``'s schedule (None or "off": no schedule), as an audited admin operation.

    Refused when the branch's settings declare its schedule: they would put it back at the
    next start, so the change must be made there.
    """
    text = "; ".join(crontab) if isinstance(crontab, list) else (crontab or "")
    with operation(
        context,
        actions.SCHEDULE_SET,
        branch,
        actor=actor,
        reason=reason,
        details={"crontab": text[:200] or "off", "keep": (keep or "")[:100] or None, "strategy": strategy},
        locked=False,  # a checkpoint running meanwhile keeps going; the next look uses the new schedule
    ) as (branch, running):
        if configured(context, branch) is not None:
            raise OperationRefused(
                f"{branch.label}'s schedule is set by {branch.name}_SCHEDULE in the settings: change it there"
            )
        if text.strip().lower() in ("", "off"):
            with context.registry.connection(CONTROL) as conn:
                conn.execute("DELETE FROM schedules WHERE branch = %s", (branch.value,))
            return None
        schedule = Schedule.parse(text, keep or getattr(context.settings, f"{branch.value}_schedule_keep"), strategy)
        if schedule.strategy is not None:
            checkpoints.strategies.choose(context.checkpoint_strategies, context.settings, branch, schedule.strategy)
        _store(context, branch, schedule, source="console", actor=actor.name)
        running.details.update(crontab=schedule.describe(), keep=schedule.keep.describe())
    return get(context, branch)


@dataclass(frozen=True)
class Handled:
    """What one look at the schedule did for one time of one branch."""

    branch: Branch
    due_at: datetime
    outcome: str  # ok | failed | missed | busy | lost (another process took it over)
    detail: str = ""
    checkpoint_id: int | None = None


def run_due(
    context: Context,
    *,
    now: datetime | None = None,
    owner: str | None = None,
    branches: tuple[Branch, ...] = tuple(Branch),
    stop: threading.Event | None = None,
) -> list[Handled]:
    """Run what is due at ``now`` (default: the time now) for ``owner`` (this process), once.

    Returns what was done, in order; an empty list when nothing was due.  Setting ``stop``
    cancels the checkpoint running then and leaves its run to be taken over.
    """
    stop = stop or threading.Event()
    now = now or datetime.now(UTC)
    owner = owner or process_name()
    lease = context.settings.schedule_lease_seconds
    grace = timedelta(minutes=context.settings.schedule_grace_minutes)
    handled: list[Handled] = []
    sync_settings(context)
    for run in claims.abandon_exhausted(context.registry):
        handled.append(Handled(Branch(run.branch), run.due_at, "failed", run.error or ""))
    while not stop.is_set() and (taken := claims.take_over(context.registry, owner, lease, branches)) is not None:
        branch = Branch(taken.branch)
        current = get(context, branch, now=now)
        if current is None:
            claims.finish(context.registry, taken, owner, state="failed", error="its schedule was removed")
            continue
        if taken.started_at is None and now - taken.due_at > grace:  # given back unstarted, and now too late
            why = f"not started within {_minutes(grace)} of its time"
            claims.finish(context.registry, taken, owner, state="missed", error=why)
            handled.append(Handled(branch, taken.due_at, "missed", why))
            continue
        handled.append(_execute(context, taken, current.schedule, owner, lease, stop, recover=True))
        if handled[-1].outcome == "busy":  # given back: its lease ended now, so take_over would hand it back at once
            break
    for branch in branches:
        current = get(context, branch, now=now)
        if current is None:
            continue
        after = max(filter(None, (claims.latest_due(context.registry, branch), current.updated_at)))
        due = list(current.schedule.times(after, now))[-CATCH_UP:]
        for number, moment in enumerate(due):
            superseded = number < len(due) - 1  # a later time is due too: only the latest runs
            if superseded or now - moment > grace:
                why = (
                    "a later time was due before it started"
                    if superseded and now - moment <= grace
                    else (f"not started within {_minutes(grace)} of its time")
                )
                missed = claims.miss(context.registry, branch, moment, why)
                if missed is not None:
                    handled.append(Handled(branch, moment, "missed", why))
                continue
            if (holder := oplock.holder(context.registry, branch)) is not None:  # asked again next look, unaudited
                handled.append(Handled(branch, moment, "busy", holder.describe()))
                continue
            claimed = None if stop.is_set() else claims.claim(context.registry, branch, moment, owner, lease)
            if claimed is not None:
                handled.append(_execute(context, claimed, current.schedule, owner, lease, stop))
    _tell(context, handled)
    return handled


def _tell(context: Context, handled: list[Handled]) -> None:
    """Tell the webhooks of each scheduled checkpoint that failed, and of the times missed (one notice a branch)."""
    if context.webhooks is None or not context.webhooks.targets:
        return
    for item in handled:
        if item.outcome == "failed":
            context.webhooks.notify(
                Event(
                    actions.SCHEDULE_FAILED.name,
                    f"dbadmin · {item.branch.label}: the scheduled checkpoint of {item.due_at:%Y-%m-%d %H:%M} UTC "
                    f"failed: {item.detail}",
                    branch=item.branch.value,
                    actor=SCHEDULER.name,
                    outcome="failed",
                    details={"due_at": item.due_at.isoformat(), "checkpoint_id": item.checkpoint_id},
                )
            )
    for branch in Branch:
        missed = [item for item in handled if item.branch is branch and item.outcome == "missed"]
        if missed:
            times = f"{missed[0].due_at:%Y-%m-%d %H:%M}" + (
                f" to {missed[-1].due_at:%Y-%m-%d %H:%M}" if len(missed) > 1 else ""
            )
            context.webhooks.notify(
                Event(
                    actions.SCHEDULE_MISSED.name,
                    f"dbadmin · {branch.label}: {len(missed)} scheduled checkpoint(s) missed ({times} UTC): "
                    f"{missed[-1].detail}",
                    branch=branch.value,
                    actor=SCHEDULER.name,
                    outcome="missed",
                    details={"due_at": [item.due_at.isoformat() for item in missed]},
                )
            )


def _execute(
    context: Context,
    run: Run,
    schedule: Schedule,
    owner: str,
    lease: float,
    stop: threading.Event,
    *,
    recover: bool = False,
) -> Handled:
    """Take the checkpoint of ``run``, drill it, apply retention; holding the lease from the start.

    ``recover``: the run was taken over from a process that stopped, so what it left on the
    branch is settled first.  Whatever stops the run, it is given back (to be taken over),
    recorded as failed, or found to be no longer ours (``lost``): then nothing more is recorded.
    """
    branch = Branch(run.branch)
    registry = context.registry
    lost = threading.Event()  # set when the lease is no longer ours: the checkpoint is cancelled
    with _renewing(context, run, owner, lease, lost, stop):
        if recover:
            try:
                recovery.recover(context, branch)  # what the dead process left half-way
            except BranchBusy as busy:
                claims.give_back(registry, run, owner)
                return Handled(branch, run.due_at, "busy", str(busy))
            except (DBAdminError, psycopg.Error) as exc:
                claims.give_back(registry, run, owner)
                return Handled(branch, run.due_at, "busy", f"the branch could not be settled: {dburl.reason(exc)}")
        checkpoint = _made_before(context, run)  # taken over after its checkpoint was made: resume from there
        if checkpoint is None:
            try:
                checkpoint = checkpoints.create(
                    context,
                    branch,
                    actor=SCHEDULER,
                    label=f"scheduled {run.due_at:%Y-%m-%d %H:%M} UTC",
                    strategy=schedule.strategy,
                    reason=f"schedule: {schedule.describe()}",
                    cancel=lost,
                )
            except BranchBusy as busy:
                claims.give_back(registry, run, owner)
                return Handled(branch, run.due_at, "busy", str(busy))
            except Cancelled:
                return _ended(context, run, owner, "failed", "cancelled", lost)
            except Exception as exc:  # a driver's error too: the look goes on, the run is recorded
                return _ended(context, run, owner, "failed", f"the checkpoint failed: {_said(exc, context)}", lost)
            if not claims.note(registry, run, owner, checkpoint_id=checkpoint.id):
                lost.set()  # taken over meanwhile: this checkpoint keeps its ordinary expiry, and is not ours to record
                return _ended(context, run, owner, "failed", None, lost, checkpoint.id)
            catalog.update(registry, checkpoint.id, expires_at=None)  # kept or pruned by the schedule's keep rule
        problem = _drill(context, run, owner, checkpoint, lost)
        if lost.is_set():
            return _ended(context, run, owner, "failed", None, lost, checkpoint.id)
        prune(context, branch, schedule.keep)
        return _ended(context, run, owner, "failed" if problem else "ok", problem, lost, checkpoint.id)


def _drill(context: Context, run: Run, owner: str, checkpoint: catalog.Checkpoint, lost: threading.Event) -> str | None:
    """Drill ``run``'s checkpoint (when its strategy can be); what went wrong, or None."""
    if not checkpoints.can_drill(context, checkpoint):
        _log.info("scheduled checkpoint #%s: its strategy (%s) is not drilled", checkpoint.id, checkpoint.strategy)
        return None
    try:
        drilled = checkpoints.drill(
            context, run.branch, checkpoint.id, actor=SCHEDULER, reason="after a scheduled checkpoint", cancel=lost
        )
        claims.note(context.registry, run, owner, drill_id=drilled.id)
        return None
    except DrillFailed as exc:
        drill = drills.last_of(context, [checkpoint.id]).get(checkpoint.id)
        if drill is not None:
            claims.note(context.registry, run, owner, drill_id=drill.id)
        return str(exc)
    except Exception as exc:  # busy, cancelled, the server away: the checkpoint stays unverified, and that is said
        return f"the drill could not run: {_said(exc, context)}"


def _said(exc: BaseException, context: Context) -> str:
    return (
        str(exc)
        if isinstance(exc, DBAdminError)
        else f"{type(exc).__name__}: {dburl.reason(exc, context.settings.secrets())}"
    )


def _made_before(context: Context, run: Run) -> catalog.Checkpoint | None:
    """The ready checkpoint an earlier attempt of ``run`` made, if any."""
    if run.checkpoint_id is None:
        return None
    try:
        found = catalog.get(context.registry, run.checkpoint_id)
    except catalog.CheckpointNotFound:
        return None
    return found if found.status == "ready" else None


def _ended(
    context: Context,
    run: Run,
    owner: str,
    state: str,
    error: str | None,
    lost: threading.Event,
    checkpoint_id: int | None = None,
) -> Handled:
    branch = Branch(run.branch)
    if lost.is_set() or claims.finish(context.registry, run, owner, state=state, error=error) is None:
        return Handled(branch, run.due_at, "lost", "another process took this run over", checkpoint_id)
    return Handled(branch, run.due_at, state, error or "", checkpoint_id)


class _renewing:
    """Renew ``owner``'s lease on ``run`` every third of it while the body runs; set ``lost`` when it
    is taken over (this process hung past its lease), when no renewal succeeded for a whole
    lease (the control store is away: another process may take the run once it is back), or
    when the process is stopping."""

    def __init__(
        self, context: Context, run: Run, owner: str, lease: float, lost: threading.Event, stop: threading.Event
    ) -> None:
        self.context, self.run, self.owner, self.lease, self.lost, self.stop = context, run, owner, lease, lost, stop
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._renew, name="dbadmin-schedule-lease", daemon=True)

    def _renew(self) -> None:
        renewed = time.monotonic()
        while not self.done.wait(min(0.5, self.lease / 3)):
            if self.stop.is_set() or time.monotonic() - renewed >= self.lease:
                self.lost.set()
                return
            if time.monotonic() - renewed < self.lease / 3:
                continue
            try:
                if not claims.renew(self.context.registry, self.run, self.owner, self.lease):
                    self.lost.set()
                    return
                renewed = time.monotonic()
            except Exception:  # the control store away, a failover: try again until the lease would be gone
                _log.warning("dbadmin schedule: the lease on %s could not be renewed", self.run.due_at, exc_info=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc_info: object) -> None:
        self.done.set()
        self.thread.join()


def prune(context: Context, branch: Branch, keep: Keep, *, now: datetime | None = None) -> list[int]:
    """Delete the scheduled checkpoints of ``branch`` that ``keep`` does not keep (each an audited delete).

    Good means proven: its last drill passed, or its strategy is not drilled and it is ready.
    One not drilled yet (the drill could not run) is not good, so it fills no slot, and the
    newest proven one is never pruned for it.
    """
    now = now or datetime.now(UTC)
    candidates = [
        retention.Candidate(
            made.id,
            made.created_at,
            good=made.drill == "passed" or (made.drill is None and made.strategy not in _drilled(context)),
        )
        for made in claims.checkpoints_of(context.registry, branch)
    ]
    kept = retention.kept(candidates, keep, now)
    deleted = []
    for candidate in candidates:
        if candidate.id in kept:
            continue
        try:
            checkpoints.delete(context, branch, candidate.id, actor=SCHEDULER, reason=f"retention: {keep.describe()}")
        except DBAdminError as exc:  # busy, or its provider keeps it for now: the next run tries again
            _log.info("scheduled checkpoint #%s of %s not pruned: %s", candidate.id, branch.label, exc)
            continue
        deleted.append(candidate.id)
    return deleted


def _drilled(context: Context) -> set[str]:
    """The strategies whose checkpoints are drilled."""
    return {name for name, strategy in context.checkpoint_strategies.items() if isinstance(strategy, Drillable)}


def _store(context: Context, branch: Branch, schedule: Schedule, *, source: str, actor: str) -> None:
    """Upsert ``branch``'s schedule; ``updated_at`` moves only when something changed."""
    with context.registry.connection(CONTROL) as conn:
        conn.execute(
            """INSERT INTO schedules (branch, crontab, keep, strategy, source, updated_by)
               VALUES (%s, %s, %s, %s, %s, %s)
               ON CONFLICT (branch) DO UPDATE
               SET crontab = excluded.crontab, keep = excluded.keep, strategy = excluded.strategy,
                   source = excluded.source, updated_by = excluded.updated_by, updated_at = clock_timestamp()
               WHERE (schedules.crontab, schedules.keep, schedules.strategy, schedules.source)
                     IS DISTINCT FROM (excluded.crontab, excluded.keep, excluded.strategy, excluded.source)""",
            (branch.value, list(schedule.crontab), schedule.keep.describe(), schedule.strategy, source, actor),
        )


def _minutes(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"
