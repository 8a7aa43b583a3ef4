"""Fault injection: the dbadmin process is SIGKILLed at each step of checkpoint create, restore
(build aside, then every step of the swap), migrate up/down and promote; dbadmin is started
again and must leave the branch in its old or its new state, the catalog, migration runs and
audit log truthful, nothing temporary behind, and the branch lock free.

The kill is injected by wrapping one of dbadmin's own functions in the child process (the
step is named by module, function and the call to kill at), so each case hits its step
exactly; the child is a separate process killed by the kernel, as a crash or an OOM kill is.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from dbadmin.services.checkpoints import catalog
from dbadmin.services import checkpoints, migrations, server_admin
from dbadmin.services.schema import introspection
from dbadmin.services.operations import oplock
from dbadmin.services.startup import open_context
from dbadmin.services.branch import Branch
from tests.alembic_projects import five_steps
from tests.helpers import actions, admin, version

CHILD = r"""
import json, os, signal, sys
from dbadmin.config import load_settings
from dbadmin.services import checkpoints, migrations, server_admin
from dbadmin.services.checkpoints import catalog as checkpoint_catalog
from dbadmin.services.checkpoints.strategies import clone, dump
from dbadmin.services.migrations import runs as migration_runs
from dbadmin.services.operations.access import Principal, Role
from dbadmin.services.startup import open_context

case = json.loads(sys.argv[1])
module = {"catalog": checkpoint_catalog, "clone": clone, "dump": dump, "server_admin": server_admin,
          "runs": migration_runs}[case["module"]]
original = getattr(module, case["function"])
seen = 0

def kill_at_step(*args, **kwargs):
    global seen
    hit = case.get("match") is None or case["match"] in [str(a) for a in list(args) + list(kwargs.values())]
    if hit:
        seen += 1
    if hit and seen == case["nth"] and case["when"] == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if hit and seen == case["nth"] and case["when"] == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(module, case["function"], kill_at_step)
me = Principal("doomed", Role.ADMIN, "test")
with open_context(load_settings(_env_file=None, **case["settings"])) as context:
    operation = case["operation"]
    if operation == "create":
        checkpoints.create(context, case["branch"], actor=me, label="killed", strategy=case["strategy"])
    elif operation == "restore":
        checkpoints.restore(context, case["branch"], case["checkpoint"], actor=me, confirm=f"RESTORE {case['checkpoint']}")
    elif operation == "up":
        migrations.upgrade(context, "dev", actor=me)
    elif operation == "down":
        migrations.downgrade(context, "dev", actor=me, steps=2)
    elif operation == "promote":
        migrations.promote(context, actor=me, confirm=case["confirm"])
print("the step was never reached")
"""


@dataclass(frozen=True)
class Step:
    """Kill when ``module.function`` is called for the ``nth`` time (with ``match`` among its arguments)."""

    module: str
    function: str
    when: str = "before"
    nth: int = 1
    match: str | None = None

    def __str__(self) -> str:
        return f"{self.when}-{self.function}{'-' + self.match if self.match else ''}{'-' + str(self.nth) if self.nth > 1 else ''}"


def state(context, branch: str) -> tuple:
    """What must be old or new: the revision, the schema, and the rows in users."""
    with context.registry.connection(branch) as conn:
        users = (
            conn.execute("SELECT count(*) FROM users").fetchone()[0]
            if conn.execute("SELECT to_regclass('users') IS NOT NULL").fetchone()[0]
            else None
        )
    return tuple(version(context, branch)), introspection.snapshot(context, branch), users


def kill(context, tmp_path: Path, step: Step, **case: object) -> None:
    settings = context.settings
    values = {
        "dev_database_url": settings.dev_database_url.get_secret_value(),
        "prod_database_url": settings.prod_database_url.get_secret_value(),
        "admin_database_url": settings.admin_database_url.get_secret_value(),
        "migrations": str(settings.migrations),
        "checkpoint_dir": str(settings.checkpoint_dir),
    }
    payload = json.dumps(case | step.__dict__ | {"settings": values})
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    child = subprocess.run([sys.executable, "-c", CHILD, payload], capture_output=True, text=True, env=env, timeout=120)
    assert child.returncode == -signal.SIGKILL, (
        f"not killed at {step}: {child.returncode}\n{child.stdout}\n{child.stderr}"
    )


def settled(context, branch: str, *, allowed: list[tuple], action: str, done: bool = False) -> None:
    """After the restart: old or new state, truthful records, nothing left behind, lock free.

    ``done``: the killed operation had finished its work (a restore swapped in): its audit row says ok, recovered,
    as the catalog does; otherwise it says interrupted."""
    assert state(context, branch) in allowed
    registry = context.registry
    assert catalog.list_for_branch(registry, Branch(branch), statuses=("creating",)) == []
    assert catalog.unfinished_journal(registry, Branch(branch)) == []
    assert oplock.holder(registry, branch) is None
    job_database = server_admin.database_of(registry.url(branch))
    with psycopg.connect(registry.url(branch)) as conn:  # the branch takes connections again
        conn.execute("SELECT 1")
        databases = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert not [name for name in databases if name.startswith(job_database[:40] + "__restore_")]
    for row in catalog.list_for_branch(registry, Branch(branch), statuses=("failed",)):
        if row.strategy == "clone":
            assert row.reference not in databases
        elif row.reference:
            assert not Path(row.reference).exists()
    assert list(Path(context.settings.checkpoint_dir).rglob("*.partial")) == []
    mine = [a for a in actions(context) if a.action == action and a.actor == "doomed" and a.branch == branch]
    assert [a.outcome for a in mine] == ["ok" if done else "interrupted"], [(a.action, a.outcome) for a in mine]
    assert ("recovered" in mine[0].details) == done


def restart(context):
    """Start dbadmin again on the same databases (its recovery runs at start)."""
    return open_context(context.settings)


def test_a_checkpoint_killed_after_it_was_complete_is_ok_in_the_audit_log_as_in_the_catalog(shop, tmp_path):
    """Killed after the catalog said ready, before the audit row: History says ok (recovered), not interrupted."""
    migrations.upgrade(shop, "dev", actor=admin("setup"))
    kill(
        shop,
        tmp_path,
        Step("catalog", "update", "after", match="ready"),
        operation="create",
        branch="dev",
        strategy="dump",
    )
    with restart(shop) as again:
        [row] = [c for c in catalog.list_for_branch(again.registry, Branch.DEV) if c.label == "killed"]
        [audit_row] = [a for a in actions(again) if a.action == "checkpoint.create" and a.actor == "doomed"]
        assert (row.status, audit_row.outcome) == ("ready", "ok")
        assert audit_row.details["checkpoint_id"] == row.id and "recovered" in audit_row.details


CREATE_STEPS = [
    ("clone", Step("catalog", "update")),  # the catalog row exists, nothing copied yet
    ("clone", Step("clone", "_copy", "after")),  # copied, the branch still fenced off
    ("clone", Step("catalog", "store_snapshot")),  # copy done, not yet marked ready
    ("dump", Step("dump", "sha256_of")),  # dumped, the archive not yet kept
    ("dump", Step("catalog", "store_snapshot")),  # archive kept, not yet marked ready
]


@pytest.mark.parametrize(("strategy", "step"), CREATE_STEPS, ids=[f"{s}-{step}" for s, step in CREATE_STEPS])
def test_killed_during_checkpoint_create(shop, tmp_path, strategy, step):
    migrations.upgrade(shop, "dev", actor=admin("setup"))
    before = state(shop, "dev")
    kill(shop, tmp_path, step, operation="create", branch="dev", strategy=strategy)
    with restart(shop) as again:
        settled(again, "dev", allowed=[before], action="checkpoint.create")
        [row] = [c for c in catalog.list_for_branch(again.registry, Branch.DEV, statuses=("failed",))]
        assert row.label == "killed" and "interrupted" in row.error


RESTORE_STEPS = [
    Step("clone", "_copy"),  # before the restored copy is built
    Step("clone", "_copy", "after"),  # built aside, not checked yet
    Step("catalog", "journal_step", "after", match="swapping"),  # about to fence the branch off
    Step("server_admin", "terminate_sessions", "after"),  # fenced off, sessions ended, names not swapped
    Step("server_admin", "swap", "after"),  # swapped, the branch still fenced off
    Step("catalog", "journal_step", "after", match="swapped"),  # swapped and journaled, not finished
]


@pytest.mark.parametrize("step", RESTORE_STEPS, ids=[str(s) for s in RESTORE_STEPS])
def test_killed_during_restore(shop, tmp_path, step):
    migrations.upgrade(shop, "dev", actor=admin("setup"))
    with shop.registry.connection("dev") as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('a@x.test', 'a')")
    checkpoint = checkpoints.create(shop, "dev", actor=admin("setup"), label="good", strategy="clone")
    restored = state(shop, "dev")
    migrations.downgrade(shop, "dev", actor=admin("setup"), steps=1)
    with shop.registry.connection("dev") as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('b@x.test', 'b')")
    current = state(shop, "dev")
    kill(shop, tmp_path, step, operation="restore", branch="dev", checkpoint=checkpoint.id)
    swapped = step.function in ("swap",) or step.match == "swapped"  # the renames commit together
    with restart(shop) as again:
        settled(again, "dev", allowed=[current, restored], action="checkpoint.restore", done=swapped)
        assert swapped == (state(again, "dev") == restored)
        before = [
            c for c in checkpoints.list_for_branch(again, "dev") if c.label == f"before restore of #{checkpoint.id}"
        ]
        assert [c.status for c in before] == ["ready" if swapped else "failed"]  # the undo exists when it happened


MIGRATION_STEPS = [
    ("up", Step("runs", "finish")),  # inside the run's transaction, the first revision done
    ("up", Step("runs", "finish", nth=3)),  # two revisions done, the third finishing
    ("down", Step("runs", "finish")),  # the first of two downgrades done
    ("down", Step("runs", "start", nth=2)),  # between the two downgrades
    ("promote", Step("runs", "start")),  # after the automatic checkpoint, before the first revision
    ("promote", Step("runs", "finish", nth=2)),
    ("promote", Step("runs", "start", nth=3)),  # between revisions 2 and 3 of 5
    ("promote", Step("runs", "finish", "after", nth=5, match="applied")),  # every revision done, not committed
]


@pytest.mark.parametrize(("operation", "step"), MIGRATION_STEPS, ids=[f"{o}-{s}" for o, s in MIGRATION_STEPS])
def test_killed_during_a_migration(shop, tmp_path, operation, step):
    """The shop's revisions run in one transaction: killed anywhere before it commits, the branch is exactly where
    it was (revision, schema, rows), and every step of the run is recorded as not done."""
    branch, action, confirm = "dev", f"migrate.{operation}", None
    if operation != "up":
        migrations.upgrade(shop, "dev", actor=admin("setup"))
    if operation == "promote":
        branch, confirm = "prod", migrations.plan_promotion(shop).phrase
    before = state(shop, branch)
    kill(shop, tmp_path, step, operation=operation, confirm=confirm)
    with restart(shop) as again:
        settled(again, branch, allowed=[before], action=action)
        mine = [a.branch for a in actions(again) if a.action == action and a.actor == "doomed"]
        assert mine == [branch]  # one row: a promotion's hold on Development is not a second operation
        outcomes = [run.outcome for run in migrations.history(again, branch).runs if run.actor == "doomed"]
        assert set(outcomes) == ({"interrupted"} if step != Step("runs", "start") else set()), outcomes
        if outcomes:  # the steps a run left: where the branch is, said once by recovery
            [recovered] = [a for a in actions(again) if a.action == "checkpoint.recover" and a.branch == branch]
            at = ", ".join(before[0]) or "no revision"
            assert any(f"is at {at}" in line for line in recovered.details["settled"]), recovered.details


COMMITTED_STEPS = [
    Step("runs", "finish", match="ok"),  # committed, no step marked ok yet
    Step("runs", "finish", "after", nth=5, match="ok"),  # every step marked ok, the audit row not written
]


@pytest.mark.parametrize("step", COMMITTED_STEPS, ids=[str(s) for s in COMMITTED_STEPS])
def test_killed_after_the_run_committed_is_ok_in_both_records(shop, tmp_path, step):
    """Killed after the transaction committed, before the run was recorded as done: the steps are ok from the
    version table, and the promotion is ok (recovered) in the audit log, naming its revisions."""
    migrations.upgrade(shop, "dev", actor=admin("setup"))
    dev = state(shop, "dev")
    kill(shop, tmp_path, step, operation="promote", confirm="PROMOTE 5")
    with restart(shop) as again:
        assert state(again, "prod")[0] == dev[0]
        settled(again, "prod", allowed=[state(again, "prod")], action="migrate.promote", done=True)
        outcomes = [run.outcome for run in migrations.history(again, "prod").runs if run.actor == "doomed"]
        assert outcomes == ["ok"] * 5
        [row] = [a for a in actions(again) if a.action == "migrate.promote" and a.actor == "doomed"]
        assert row.details["revisions"] == ["0001", "0002", "0003", "0004", "0005"]


def test_a_stepwise_promotion_killed_between_revisions_says_where_production_stopped(make_context, tmp_path):
    """A run that cannot be one transaction (an index built CONCURRENTLY): killed after r3, the audit row names the
    revision Production stopped at and the checkpoint to restore, and the steps say which committed."""
    context = make_context(five_steps(tmp_path / "p", concurrently=True))
    migrations.upgrade(context, "dev", actor=admin("setup"))
    kill(context, tmp_path, Step("runs", "start", nth=6), operation="promote", confirm="PROMOTE 6")
    with restart(context) as again:
        assert version(again, "prod") == ["r3"]  # r4 was done, its transaction not committed: rolled back
        [row] = [a for a in actions(again) if a.action == "migrate.promote" and a.actor == "doomed"]
        assert row.outcome == "interrupted" and row.details["stopped_at"] == ["r3"]
        checkpoint = row.details["checkpoint_id"]
        assert (
            f"Production is at r3; checkpoint #{checkpoint} (taken before the run) is the way back"
            in (row.details["steps"])
        )
        runs = {run.revision: run.outcome for run in migrations.history(again, "prod").runs if run.actor == "doomed"}
        assert runs == {"p0": "ok", "r1": "ok", "r2": "ok", "r3": "ok", "r4": "interrupted"}
        restored = checkpoints.restore(again, "prod", checkpoint, actor=admin("setup"), confirm=f"RESTORE {checkpoint}")
        assert restored is not None and version(again, "prod") == []


FENCE_STEPS = [
    ("create", Step("server_admin", "allow_connections", "after", match="False")),  # a clone's copy: branch closed
    ("restore", Step("server_admin", "terminate_sessions", "after")),  # the swap's fence, names not swapped yet
    ("restore", Step("server_admin", "swap", "after")),  # swapped, the fence still up
]


def _reopened_within(url: str, seconds: float) -> float | None:
    """How long until the branch takes a connection again (no dbadmin command run), or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return time.monotonic() - started
        except psycopg.OperationalError:
            time.sleep(0.05)
    return None


@pytest.mark.parametrize(("operation", "step"), FENCE_STEPS, ids=[f"{o}-{s}" for o, s in FENCE_STEPS])
def test_a_branch_closed_by_a_killed_dbadmin_reopens_within_seconds_without_any_command(
    shop, tmp_path, operation, step
):
    """kill -9 while the branch refuses connections: the watchdog started before the fence reopens it, with no
    console running and no dbadmin command; the next start settles the records as before."""
    migrations.upgrade(shop, "dev", actor=admin("setup"))
    case: dict = {"operation": operation, "branch": "dev", "strategy": "clone"}
    if operation == "restore":
        case["checkpoint"] = checkpoints.create(shop, "dev", actor=admin("setup"), label="good", strategy="clone").id
    before = state(shop, "dev")
    url = shop.registry.url("dev")
    kill(shop, tmp_path, step, **case)
    took = _reopened_within(url, 10)
    assert took is not None and took < 5, f"the branch was still closed {took} s after the kill"
    print(f"\nreopened {took:.2f} s after the kill at {step}")
    with restart(shop) as again:
        action = "checkpoint.create" if operation == "create" else "checkpoint.restore"
        settled(again, "dev", allowed=[before], action=action, done=step.function == "swap")


def test_a_promotion_killed_between_revisions_leaves_production_at_its_revision_with_its_rows(make_context, tmp_path):
    """Production at p0 with 25 rows of its own; a promotion of five revisions killed between the second and the
    third: Production is at p0, its schema and its 25 rows as they were, every step recorded as not done."""
    context = make_context(five_steps(tmp_path / "p"))
    migrations.upgrade(context, "dev", actor=admin("setup"), steps=1)
    migrations.promote(context, actor=admin("setup"), confirm="PROMOTE 1")
    with context.registry.connection("prod") as conn:
        conn.execute("INSERT INTO users (email) SELECT 'u' || i || '@x.test' FROM generate_series(1, 25) i")
    migrations.upgrade(context, "dev", actor=admin("setup"))
    before = state(context, "prod")
    assert before[0] == ("p0",) and before[2] == 25
    kill(context, tmp_path, Step("runs", "start", nth=3), operation="promote", confirm="PROMOTE 5")
    with restart(context) as again:
        settled(again, "prod", allowed=[before], action="migrate.promote")
        runs = {run.revision: run.outcome for run in migrations.history(again, "prod").runs if run.actor == "doomed"}
        assert runs == {"r1": "interrupted", "r2": "interrupted"}  # r3 never started
