"""A process that runs the schedules on a fast clock, for the tests that need two of them.

``python -m tests.schedule_worker OWNER`` with the settings in the environment, and
``CLOCK_START`` (ISO time the fake clock starts at), ``CLOCK_REAL_START`` (the wall-clock
seconds it starts at) and ``CLOCK_SPEED`` (fake seconds per real second), so that every
worker reads the same fake time.  ``HANG_IN_CHECKPOINT=1`` makes the first checkpoint it
takes hang half-made (its catalog row written, the branch locked), as a process does that
is about to be killed.  It prints a line per time it handled.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta

from dbadmin.config import load_settings
from dbadmin.services import schedules
from dbadmin.services.checkpoints.strategies.dump import DumpStrategy
from dbadmin.services.startup import open_context


def main(owner: str) -> None:
    start = datetime.fromisoformat(os.environ["CLOCK_START"])
    real_start = float(os.environ["CLOCK_REAL_START"])
    speed = float(os.environ["CLOCK_SPEED"])
    if os.environ.get("HANG_IN_CHECKPOINT"):

        def hang(self, job, checkpoint):
            print(f"hanging in checkpoint #{checkpoint.id}", flush=True)
            time.sleep(3600)

        DumpStrategy.create = hang  # type: ignore[method-assign]
    with open_context(load_settings()) as context:
        print("ready", flush=True)
        while True:
            now = start + timedelta(seconds=(time.time() - real_start) * speed)
            for handled in schedules.run_due(context, now=now, owner=owner):
                print(handled.outcome, handled.due_at.isoformat(), handled.checkpoint_id, flush=True)
            time.sleep(0.1)


if __name__ == "__main__":
    main(sys.argv[1])
