"""A branch's backups at a glance: its schedule, its recent scheduled runs, and its last verified
backup (the newest checkpoint kept whose last restore drill passed), flagged when it is older
than the schedule promises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ...units import span
from .. import checkpoints, schedules
from ..branch import Branch
from ..context import Context
from ..schedules.claims import Run


@dataclass(frozen=True)
class Verified:
    checkpoint_id: int
    label: str
    created_at: datetime  # how old the data it proves is
    drilled_at: datetime
    restore_ms: int | None


@dataclass(frozen=True)
class Backups:
    branch: str
    crontab: list[str]  # empty: no schedule
    keep: str | None
    strategy: str | None
    source: str | None  # settings | console | None (no schedule)
    editable: bool  # whether a front end may set it (not when the settings declare it)
    next_at: datetime | None
    last_verified: Verified | None
    overdue: str | None  # why the branch is flagged: no verified backup within its schedule's interval
    runs: list[Run] = field(default_factory=list)


def backups(context: Context, branch: Branch | str, *, now: datetime | None = None) -> Backups:
    branch = Branch.parse(branch)
    now = now or datetime.now(UTC)
    current = schedules.get(context, branch, now=now)
    found = checkpoints.last_verified(context, branch)
    verified = (
        Verified(found[0].id, found[0].label, found[0].created_at, found[1].started_at, found[1].restore_ms)
        if found is not None
        else None
    )
    overdue = None
    if current is not None:
        interval = current.schedule.interval(now)  # up to 500 of its times: read once
        allowed = interval + timedelta(minutes=context.settings.schedule_grace_minutes)
        since = verified.created_at if verified else current.updated_at  # the data's age, not the drill's
        if now - since > allowed:
            overdue = (
                f"no verified backup for {span(now - since)}: the schedule promises one every {span(interval)}"
                if verified
                else f"no verified backup yet: the schedule promises one every {span(interval)}"
            )
    return Backups(
        branch=branch.value,
        crontab=list(current.schedule.crontab) if current else [],
        keep=current.schedule.keep.describe() if current else None,
        strategy=current.schedule.strategy if current else None,
        source=current.source if current else None,
        editable=schedules.configured(context, branch) is None,
        next_at=current.next_at if current else None,
        last_verified=verified,
        overdue=overdue,
        runs=current.runs if current else [],
    )
