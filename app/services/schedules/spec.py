"""What a schedule says: when to take a checkpoint (crontab lines, in UTC) and which to keep.

Parsing is strict and every mistake is a one-line ``InvalidInput`` naming the part that is
wrong, so a schedule typed in the console, the CLI or a setting is never half taken.  The
times come from APScheduler's ``CronTrigger``: cron's own rules, not ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from ..errors import InvalidInput
from ..text import refuse_nul

MAX_LINES = 10
MAX_WITHIN = timedelta(days=3660)  # ten years: a keep rule reads back as it was written (within=3660d at most)
MAX_LENGTH = 500  # of the whole crontab text, and of a keep rule
BUCKETS = ("last", "hourly", "daily", "weekly", "monthly")
_DURATION = re.compile(r"(\d{1,5})([hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


@dataclass(frozen=True)
class Keep:
    """Which scheduled checkpoints retention keeps: the newest ``last``, the newest of each of the
    last ``hourly`` hours, ``daily`` days... that have one, and all younger than ``within``."""

    last: int = 0
    hourly: int = 0
    daily: int = 0
    weekly: int = 0
    monthly: int = 0
    within: timedelta | None = None

    @classmethod
    def parse(cls, text: str | None) -> Keep:
        text = (refuse_nul(text, "the keep rule") or "").strip()
        if len(text) > MAX_LENGTH:
            raise InvalidInput(f"a keep rule has at most {MAX_LENGTH} characters")
        values: dict[str, object] = {}
        for part in text.replace(",", " ").split():
            name, equals, value = part.partition("=")
            if not equals or name not in (*BUCKETS, "within") or name in values:
                raise InvalidInput(
                    f"{part[:40]!r} is not a keep rule: use last=N hourly=N daily=N weekly=N monthly=N within=7d, "
                    "each at most once"
                )
            if name == "within":
                if not (found := _DURATION.fullmatch(value)):
                    raise InvalidInput(f"within={value[:20]} is not a duration: use hours, days or weeks (36h, 7d, 2w)")
                within = int(found[1]) * _UNITS[found[2]]
                if within > MAX_WITHIN:
                    raise InvalidInput(f"within={value} is more than {MAX_WITHIN.days} days")
                values[name] = within
            elif not value.isdigit() or not 0 <= int(value) <= 1000:
                raise InvalidInput(f"{name}={value[:20]} must be a whole number from 0 to 1000")
            else:
                values[name] = int(value)
        keep = cls(**values)  # type: ignore[arg-type]
        if not any(getattr(keep, name) for name in BUCKETS) and not keep.within:
            raise InvalidInput("a keep rule must keep something: daily=7 weekly=4, say")
        return keep

    def describe(self) -> str:
        parts = [f"{name}={getattr(self, name)}" for name in BUCKETS if getattr(self, name)]
        if self.within:
            hours = int(self.within.total_seconds() // 3600)
            parts.append(f"within={hours // 24}d" if hours % 24 == 0 else f"within={hours}h")
        return " ".join(parts)


@dataclass(frozen=True)
class Schedule:
    """A branch's schedule: its crontab lines (UTC), what to keep, and the strategy (None: the branch's own)."""

    crontab: tuple[str, ...]
    keep: Keep
    strategy: str | None = None

    @classmethod
    def parse(
        cls, crontab: str | list[str] | tuple[str, ...], keep: str | None, strategy: str | None = None
    ) -> Schedule:
        """From ``crontab`` (lines, or one text with lines separated by ';' or newlines) and ``keep``."""
        if isinstance(crontab, str):
            text = refuse_nul(crontab, "the schedule") or ""
            if len(text) > MAX_LENGTH:
                raise InvalidInput(f"a schedule has at most {MAX_LENGTH} characters")
            lines = [line.strip() for line in re.split(r"[;\n]", text) if line.strip()]
        else:
            lines = [str(line).strip() for line in crontab if str(line).strip()]
        if not lines:
            raise InvalidInput("a schedule needs at least one crontab line (0 3 * * * is every day at 03:00 UTC)")
        if len(lines) > MAX_LINES or sum(len(line) for line in lines) > MAX_LENGTH:
            raise InvalidInput(f"a schedule has at most {MAX_LINES} crontab lines and {MAX_LENGTH} characters")
        for line in lines:
            _triggers(line)
        return cls(tuple(dict.fromkeys(lines)), Keep.parse(keep), (strategy or "").strip() or None)

    def times(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The times it fires strictly after ``after`` up to ``until`` included, in order (UTC)."""
        triggers = [trigger for line in self.crontab for trigger in _triggers(line)]
        upcoming = {trigger: trigger.get_next_fire_time(after, after) for trigger in triggers}
        while True:
            live = [moment for moment in upcoming.values() if moment is not None and moment <= until]
            if not live:
                return
            moment = min(live)
            yield moment.astimezone(UTC)
            for trigger, next_time in upcoming.items():
                if next_time == moment:
                    upcoming[trigger] = trigger.get_next_fire_time(moment, moment)

    def next_time(self, after: datetime) -> datetime | None:
        """The first time it fires after ``after``."""
        found = [trigger.get_next_fire_time(after, after) for line in self.crontab for trigger in _triggers(line)]
        return min((moment for moment in found if moment is not None), default=None)

    def interval(self, around: datetime) -> timedelta:
        """The longest gap between two of its times after ``around`` (over its next 500 times, or
        400 days): how long a branch may go without a new checkpoint before it is overdue."""
        times = list(islice(self.times(around, around + timedelta(days=400)), 500))
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        return max(gaps, default=timedelta(days=400))

    def describe(self) -> str:
        return "; ".join(self.crontab)


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _triggers(line: str) -> list[CronTrigger]:
    """The triggers of one crontab line, with cron's meaning where APScheduler 3 differs from it.

    APScheduler numbers weekdays from Monday (0) where cron starts at Sunday (0 or 7), so
    weekdays are passed by name; and when neither the day of the month nor the weekday
    starts with ``*``, cron fires on either (``0 3 1 * 1``: the 1st and every Monday), so
    that is two triggers.
    """
    fields = line.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"{line[:60]!r} is not a crontab line: it needs five fields, minute hour day month weekday (0 3 * * *)"
        )
    minute, hour, day, month, weekday = fields
    try:
        names = _weekday_names(weekday)
        both = not day.startswith("*") and not weekday.startswith("*")  # cron's own test, on the text
        shapes = [(day, "*"), ("*", names)] if both else [(day, names)]
        return [
            CronTrigger(minute=minute, hour=hour, day=d, month=month, day_of_week=w, timezone=UTC) for d, w in shapes
        ]
    except ValueError as exc:
        raise InvalidInput(f"{line[:60]!r} is not a crontab line: {str(exc)[:120]}") from None


def _weekday_names(field: str) -> str:
    """Cron's weekday field (numbers 0-7 with 0 and 7 Sunday, names, ranges, lists, steps) as APScheduler names."""
    days: set[int] = set()
    for item in field.lower().split(","):
        part, _, step_text = item.partition("/")
        if not step_text.isdigit() and step_text:
            raise ValueError(f"weekday step {step_text[:10]!r} is not a number")
        step = int(step_text or 1)
        if part == "*":
            first, last = 0, 6
        else:
            low, _, high = part.partition("-")
            first = _weekday(low)
            last = _weekday(high) if high else (6 if step_text else first)
        if step < 1 or last < first:
            raise ValueError(f"weekday {item[:20]!r} is not a range cron allows")
        days.update(number % 7 for number in range(first, last + 1, step))
    return "*" if len(days) == 7 else ",".join(_WEEKDAYS[number] for number in sorted(days))


def _weekday(text: str) -> int:
    if text in _WEEKDAYS:
        return _WEEKDAYS.index(text)
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)  # 7 is Sunday again: taken modulo 7 once the range is expanded
    raise ValueError(f"weekday {text[:10]!r} is not 0-7 or sun-sat")
