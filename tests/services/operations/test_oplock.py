"""The branch lock of a process that dies is released by PostgreSQL itself (no stale locks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from dbadmin.services import checkpoints
from dbadmin.services.operations import oplock
from tests.helpers import admin

HOLDER = """
import sys, time
from dbadmin.config import load_settings
from dbadmin.services.operations import oplock
from dbadmin.services.startup import open_context
settings = load_settings(_env_file=None, dev_database_url=sys.argv[1], admin_database_url=sys.argv[2])
with open_context(settings) as context, oplock.hold(context.registry, "dev", operation="migrate.up", actor="doomed"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_lock_held_by_a_killed_process_is_released_by_the_server(shop):
    settings = shop.settings
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER,
            settings.dev_database_url.get_secret_value(),
            settings.admin_database_url.get_secret_value(),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        live = oplock.holder(shop.registry, "dev")
        assert (live.operation, live.actor) == ("migrate.up", "doomed")  # what the console shows as busy
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        while oplock.holder(shop.registry, "dev") is not None:  # the server ends the dead client's session
            assert time.monotonic() < deadline, "the dead process's lock was not released"
            time.sleep(0.1)
        made = checkpoints.create(shop, "dev", actor=admin("next"), label="after the crash", strategy="clone")
        assert made.status == "ready"
    finally:
        if holder.poll() is None:
            holder.kill()


def test_a_running_operation_shows_its_progress_to_every_process(shop):
    """The progress goes on the lock's row in the control store: what another console process reads."""
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        found = oplock.holder(shop.registry, "dev")
        seen.append(found.describe() if found else "free")

    checkpoints.create(shop, "dev", actor=admin("tester"), label="watched", strategy="dump", progress=progress)
    assert seen[0].startswith("busy: checkpoint.create by tester since") and " UTC: " not in seen[0]  # nothing told yet
    told = [line.split(" UTC: ", 1)[1] for line in seen if " UTC: " in line]  # what an earlier report said
    assert told and all(said.startswith(("pg_dump", "counting rows")) for said in told), seen
    assert oplock.holder(shop.registry, "dev") is None  # and it goes with the lock


def test_a_branch_held_for_another_branchs_operation_says_whose_and_is_recorded_once(shop):
    """A promotion holds Development too: a second caller is told it is Production's promotion; were it abandoned,
    Development's lock row is not a second audit row (Production's is the one)."""
    from dbadmin.services.branch import Branch
    from tests.helpers import actions

    with oplock.hold(shop.registry, "dev", operation="migrate.promote", actor="alice", for_branch=Branch.PROD):
        found = oplock.holder(shop.registry, "dev")
        assert found is not None and found.describe().startswith("busy: migrate.promote on Production by alice")
    with shop.registry.connection("control") as conn:  # as a killed process leaves it
        conn.execute(
            "INSERT INTO branch_locks (branch, operation, actor, pid) VALUES ('dev', 'migrate.promote@prod', 'bob', 0)"
        )
    with oplock.hold(shop.registry, "dev", operation="migrate.up", actor="alice"):
        pass
    assert not [a for a in actions(shop) if a.actor == "bob"]
