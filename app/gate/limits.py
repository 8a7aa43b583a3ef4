"""Limits for requests nobody is logged in for: a rate per client address, refusals counted by minute."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from threading import Lock

from ..services.errors import RateLimited

ANONYMOUS_PER_MINUTE = 120  # API requests without a login that one client address may make a minute
TICKETS_PER_MINUTE = 10  # local login links one client address may try a minute (a person uses one)


@dataclass
class RateLimiter:
    """At most ``limit`` requests per client address in any 60 seconds, in this process.

    For requests nobody is logged in for: counting them in the control store would give
    anyone a way to make it write.  The limit on changes, which people ask for, holds
    across processes (``Gate.check_rate``, ``services.operations.rates``).
    """

    limit: int
    window: float = 60.0
    what: str = "changes"
    _seen: dict[str, deque] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    MAX_KEYS = 10_000  # keys whose window has passed are forgotten past this many

    def check(self, actor: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > self.MAX_KEYS:
                self._seen = {
                    key: times for key, times in self._seen.items() if times and times[-1] > now - self.window
                }
            times = self._seen.setdefault(actor, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                retry = max(1, int(times[0] + self.window - now) + 1)
                raise RateLimited(
                    f"too many {self.what}: at most {self.limit} per minute; try again in {retry} s", retry
                )
            times.append(now)


class RefusalCounter:
    """How often each (route, reason, client) was refused, by minute, so that one row a minute tells it all.

    ``count(key)`` answers how many refusals of ``key`` were counted since the last recorded
    one, when this one should be recorded (the first of its minute), else None.  Keys expire
    with their minute, and at most ``MAX_KEYS`` are held: a flood of distinct keys is
    recorded, a row each minute per key, not remembered without limit.
    """

    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._minute = -1
        self._seen: dict[tuple, int] = {}
        self._carried: dict[tuple, int] = {}  # last minute's extra refusals, told with the next row
        self._lock = Lock()

    def count(self, key: tuple) -> int | None:
        minute = int(time.time() // 60)
        with self._lock:
            if minute != self._minute:
                self._carried = {k: n - 1 for k, n in self._seen.items() if n > 1} if minute == self._minute + 1 else {}
                self._seen, self._minute = {}, minute
            if key in self._seen:
                self._seen[key] += 1
                return None
            if len(self._seen) < self.MAX_KEYS:
                self._seen[key] = 1
            return self._carried.pop(key, 0)
