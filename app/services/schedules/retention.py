"""Which scheduled checkpoints a keep rule keeps: the rules restic and sanoid made familiar.

``last=N`` keeps the newest N; ``daily=N`` the newest of each of the last N days that have
one (likewise hourly, weekly (ISO weeks), monthly), counting only good ones (ready, and
not failed by their last drill); ``within=7d`` every one younger than that.  A checkpoint kept by any rule stays; and the newest *good* one (ready, and its last
drill, if any, passed) always stays, so retention can never leave a branch with no backup
that restores, and neither do the failed ones newer than it (someone will want to look at
them; they go once a good one follows).  Pure: given the checkpoints and the time, it only
decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .spec import Keep

_PERIODS: dict[str, Callable[[datetime], object]] = {
    "hourly": lambda moment: (moment.date(), moment.hour),
    "daily": lambda moment: moment.date(),
    "weekly": lambda moment: moment.isocalendar()[:2],
    "monthly": lambda moment: (moment.year, moment.month),
}


@dataclass(frozen=True)
class Candidate:
    id: int
    created_at: datetime
    good: bool  # ready, and not failed by its last drill


def kept(candidates: Sequence[Candidate], keep: Keep, now: datetime) -> dict[int, str]:
    """The ids ``keep`` keeps, each with the first rule that keeps it."""
    newest_first = sorted(candidates, key=lambda c: (c.created_at, c.id), reverse=True)
    good = [c for c in newest_first if c.good]  # a checkpoint its drill failed fills no slot
    reasons: dict[int, str] = {good[0].id: "the newest good checkpoint"} if good else {}
    for candidate in newest_first:  # failed since the last good one: kept to be looked into, until one passes
        if good and candidate is good[0]:
            break
        reasons.setdefault(candidate.id, "newer than the newest good checkpoint")
    for candidate in good[: keep.last]:
        reasons.setdefault(candidate.id, f"last={keep.last}")
    for name, period in _PERIODS.items():
        wanted = getattr(keep, name)
        seen: set[object] = set()
        for candidate in good:
            if len(seen) >= wanted:
                break
            bucket = period(candidate.created_at)
            if bucket not in seen:
                seen.add(bucket)
                reasons.setdefault(candidate.id, f"{name}={wanted}")
    if keep.within is not None:
        for candidate in newest_first:
            if candidate.created_at > now - keep.within:
                reasons.setdefault(candidate.id, f"within={keep.describe().split('within=')[1]}")
    return reasons
