"""Schedules run by several processes sharing one control store: each time runs once, and a
killed process's run is taken over when its lease runs out."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dbadmin.services import checkpoints, migrations, schedules
from dbadmin.services.branch import Branch
from dbadmin.services.schedules import claims
from tests.helpers import SETTINGS_ENV, actions, admin

ME = admin("tester")
SPEED = 20  # a fake minute every three real seconds: each minute's checkpoint and drill fit in it


@pytest.fixture
def dev(make_context, tmp_path):
    context = make_context(schedule_lease_seconds=2)
    migrations.upgrade(context, "dev", actor=ME)
    schedules.set_schedule(context, "dev", "* * * * *", keep="last=100", strategy="dump", actor=ME)
    return context


def start_worker(context, tmp_path: Path, owner: str, started: tuple[str, float], **extra: str) -> subprocess.Popen:
    settings = context.settings
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV} | {
        "DEV_DATABASE_URL": settings.dev_database_url.get_secret_value(),
        "PROD_DATABASE_URL": settings.prod_database_url.get_secret_value(),
        "ADMIN_DATABASE_URL": settings.admin_database_url.get_secret_value(),
        "MIGRATIONS": str(settings.migrations),
        "CHECKPOINT_DIR": str(settings.checkpoint_path),
        "SCHEDULE_LEASE_SECONDS": "2",
        "CLOCK_START": started[0],
        "CLOCK_REAL_START": str(started[1]),
        "CLOCK_SPEED": str(SPEED),
        **extra,
    }
    log = open(tmp_path / f"{owner}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.schedule_worker", owner],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).parents[3],
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def clock_now() -> tuple[str, float]:
    return datetime.now(UTC).isoformat(), time.time()


def each_run_made_one_checkpoint(context) -> list[claims.Run]:
    """The runs that finished, once it is checked that every ready scheduled checkpoint is the one of
    its time's run, and no time has two (a run stopped after its checkpoint may still be running)."""
    every = claims.recent(context.registry, Branch.DEV, limit=1000)
    made = [c for c in checkpoints.list_for_branch(context, "dev") if c.label.startswith("scheduled ")]
    ready = [c for c in made if c.status == "ready"]
    labels = [c.label for c in ready]
    assert len(labels) == len(set(labels)), f"a time was checkpointed twice: {sorted(labels)}"
    assert sorted(c.id for c in ready) == sorted(run.checkpoint_id for run in every if run.checkpoint_id)
    by_time = {f"scheduled {run.due_at:%Y-%m-%d %H:%M} UTC": run.checkpoint_id for run in every if run.checkpoint_id}
    assert {c.label: c.id for c in ready} == by_time
    done = [run for run in every if run.state == "ok"]
    assert all(run.checkpoint_id is not None for run in done)
    return done


def test_two_processes_run_each_scheduled_time_once(dev, tmp_path):
    started = clock_now()
    one = start_worker(dev, tmp_path, "one", started)
    two = start_worker(dev, tmp_path, "two", started)
    try:
        wait_for(
            lambda: len([r for r in claims.recent(dev.registry, Branch.DEV) if r.state == "ok"]) >= 4, 120, "4 runs"
        )
        # A run is recorded ok before its process logs it: stop them once the logs say so too (a loaded machine).
        wait_for(lambda: len(_handled(tmp_path)) >= 4, 60, "4 runs logged")
    finally:
        stop(one, two)
    done = each_run_made_one_checkpoint(dev)
    assert len(done) >= 4 and {run.owner for run in done} <= {"one", "two"}
    assert all(run.attempts == 1 for run in done)
    handled = _handled(tmp_path)
    assert len(handled) == len(set(handled)) >= 4  # and no process reported a time the other ran


def _handled(folder) -> list[str]:
    """The scheduled times the two processes logged as done ("ok <time>")."""
    logs = "".join((folder / name).read_text() for name in ("one.log", "two.log") if (folder / name).is_file())
    return re.findall(r"^ok (\S+)", logs, re.M)


def test_a_killed_process_is_replaced_when_its_lease_runs_out(dev, tmp_path):
    started = clock_now()
    leader = start_worker(dev, tmp_path, "leader", started, HANG_IN_CHECKPOINT="1")
    other = None
    try:
        wait_for(lambda: "hanging in checkpoint" in (tmp_path / "leader.log").read_text(), 90, "the leader to hang")
        hung = wait_for(
            lambda: next((r for r in claims.recent(dev.registry, Branch.DEV) if r.owner == "leader"), None),
            10,
            "its run",
        )
        other = start_worker(dev, tmp_path, "other", started)
        time.sleep(4)  # twice the lease: the leader keeps renewing, so nobody takes over yet
        assert (
            claims.recent(dev.registry, Branch.DEV)[-1:]
            and next(r for r in claims.recent(dev.registry, Branch.DEV) if r.due_at == hung.due_at).owner == "leader"
        )
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        taken = wait_for(
            lambda: next(
                (r for r in claims.recent(dev.registry, Branch.DEV) if r.due_at == hung.due_at and r.state == "ok"),
                None,
            ),
            60,
            "the other process to take the run over",
        )
        wait_for(
            lambda: len([r for r in claims.recent(dev.registry, Branch.DEV) if r.state == "ok"]) >= 2, 60, "a later run"
        )
    finally:
        stop(leader, *([other] if other else []))
    assert (taken.owner, taken.attempts) == ("other", 2)
    done = each_run_made_one_checkpoint(dev)
    assert hung.due_at in {run.due_at for run in done}
    left = [c for c in checkpoints.list_for_branch(dev, "dev") if c.status == "failed"]
    assert [c.error for c in left] == ["interrupted: dbadmin stopped before it finished"]  # the leader's, settled
    interrupted = [a for a in actions(dev) if a.outcome == "interrupted"]
    assert [(a.action, a.actor) for a in interrupted] == [("checkpoint.create", "dbadmin schedule")]
