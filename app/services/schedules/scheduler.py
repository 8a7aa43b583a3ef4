"""The console's scheduler: APScheduler's background thread looks at the schedules every few seconds.

One interval job, not a job per crontab line: the schedules live in the control store, where
another replica may change them at any moment, and each look (``verbs.run_due``) reads them
afresh, claims what is due through the control store and runs it.  APScheduler supplies the
thread, never runs two looks at once (``max_instances=1``) and folds looks a long run delayed
into one (``coalesce``); the crontab arithmetic is its ``CronTrigger`` too (``spec``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ..context import Context
from ..errors import DBAdminError
from . import verbs

LOOK_EVERY_SECONDS = 15
_log = logging.getLogger("dbadmin")


class Runner:
    """Runs ``run_due`` on the context ``current()`` gives (the console's, which a restart replaces)."""

    def __init__(self, current: Callable[[], Context], every: float = LOOK_EVERY_SECONDS) -> None:
        self.current = current
        self.every = every
        self.owner = verbs.process_name()
        self.stopping = threading.Event()
        self.scheduler = BackgroundScheduler(timezone=UTC)

    def start(self) -> None:
        self.scheduler.add_job(
            self.look,
            IntervalTrigger(seconds=self.every, timezone=UTC),
            id="dbadmin-schedules",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def look(self) -> None:
        try:
            context = self.current()
        except DBAdminError:  # not started yet, or stopping
            return
        try:
            for handled in verbs.run_due(context, owner=self.owner, stop=self.stopping):
                _log.info(
                    "dbadmin schedule: %s %s at %s %s",
                    handled.branch.label,
                    handled.outcome,
                    f"{handled.due_at:%Y-%m-%d %H:%M}",
                    handled.detail,
                )
        except Exception:  # the next look tries again; the console never depends on it
            _log.exception("dbadmin: the schedule look failed")

    def stop(self) -> None:
        """Stop looking; a checkpoint running now is cancelled, and another process (or the next
        start) takes its run over once the lease runs out."""
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
