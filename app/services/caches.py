"""What a process keeps between calls: each branch's table listing, and what env.py runs taught.

The listing: a short-lived copy of each branch's table listing, so browsing does not re-read the catalog.

Paging, searching and sorting 5,000 tables in SQL cost the branch's server 11-70 ms of
catalog work per click (sorting by size needs every table's toast and index page counts),
and twenty people browsing spent its CPU on that (bench/load.py: p95 359 ms).  So the
listing is read whole (one query, about 35 ms), searched, sorted and paged in memory, and
read again when:

- it is older than LISTING_CACHE_SECONDS (0: not kept; each call waits for a read),
- dbadmin itself changed the branch: every locked operation forgets it on its way out,
  whatever the outcome, so a migration's tables show at once,
- a reader asks for a fresh one (the console on each visit, the API with ``fresh=true``).

A change made outside dbadmin therefore shows at the latest LISTING_CACHE_SECONDS later.
Callers that ask while a read runs share it rather than pile the same query onto the
server (except one asking fresh, who needs a read that begins after asking).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from .branch import Branch

T = TypeVar("T")


@dataclass
class _Read(Generic[T]):
    """One read of the catalog, shared by every caller that asks while it runs."""

    started: float  # time.monotonic() when it began: it shows the branch as of then or later
    generation: int
    value: T | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class ListingCache(Generic[T]):
    """One value per branch, kept for a caller-given age and dropped by ``forget``."""

    def __init__(self) -> None:
        self._kept: dict[Branch, _Read[T]] = {}
        self._reading: dict[Branch, _Read[T]] = {}
        self._generations = dict.fromkeys(Branch, 0)
        self._guard = threading.Lock()

    def get(self, branch: Branch, read: Callable[[], T], *, max_age: float, fresh: bool = False) -> T:
        """The value read at most ``max_age`` seconds before this call, or by a read under way.

        ``fresh``: only a read that begins after this call will do.  Callers that arrive
        while a read runs wait for it and share its value or its error, so the catalog is
        read once per branch at a time, and a branch that is down answers everyone within
        one pool timeout.
        """
        now = time.monotonic()
        oldest = now if fresh else now - max_age
        with self._guard:
            kept = self._kept.get(branch)
            if kept is not None and kept.started >= oldest and kept.generation == self._generations[branch]:
                return cast(T, kept.value)  # a kept read has no error, so it has its value
            under_way = self._reading.get(branch)
            leads = under_way is None or (fresh and under_way.started < oldest)
            if under_way is None or leads:
                under_way = self._reading[branch] = _Read(time.monotonic(), self._generations[branch])
            current: _Read[T] = under_way
        if not leads:
            current.done.wait()
            if current.error is not None:
                raise current.error
            return cast(T, current.value)
        try:
            current.value = read()
        except BaseException as exc:
            current.error = exc
            raise
        finally:
            with self._guard:
                if self._reading.get(branch) is current:
                    del self._reading[branch]
                # forgotten meanwhile: the value may predate the change, so it goes to the
                # callers who asked before the change, and is kept for nobody else
                if current.error is None and current.generation == self._generations[branch]:
                    self._kept[branch] = current
            current.done.set()
        return cast(T, current.value)

    def forget(self, *branches: Branch) -> None:
        """Drop what is kept for ``branches``; a read under way is then kept for nobody."""
        with self._guard:
            for branch in branches:
                self._generations[branch] += 1
                self._kept.pop(branch, None)
                self._reading.pop(branch, None)


class ProjectCache:
    """What env.py runs taught this process: the revision graph (with the fingerprint of the project
    files it was read from) and each branch's version table (or why env.py was refused there).
    ``revisions.bound`` fills and reads it; it is kept while the project's files stay as they were."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.graph: tuple | None = None  # (files, fingerprint, Graph)
        self.tables: dict[tuple, object] = {}  # (branch, fingerprint) -> VersionTable or WrongDatabase

    def forget(self) -> None:
        with self.lock:
            self.graph = None
            self.tables.clear()
