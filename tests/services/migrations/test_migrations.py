"""Migrations on real databases: status, history, up/down, preview, lint, promote, new, guardrails, failures."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from alembic import command

from dbadmin.services import checkpoints, migrations
from dbadmin.services.migrations import runs as migration_runs
from dbadmin.services.operations import oplock
from dbadmin.services.embedded import example_migrations
from dbadmin.services.recovery import recover_all as recover
from dbadmin.services.startup import open_context
from dbadmin.services.errors import (
    BranchBusy,
    BranchUnavailable,
    ConfigError,
    ConfirmationRequired,
    InvalidInput,
    MigrationFailed,
    OperationRefused,
    UnknownBranch,
)
from dbadmin.services.branch import Branch
from dbadmin.services.schema import introspection
from tests.alembic_projects import branched, copy_shop, five_steps, plain_config, write_project
from tests.helpers import actions, admin, free_port, tables, version

ME = admin("tester")


# -- status and history ----------------------------------------------------------------------


def test_status_of_a_database_not_under_migrations(shop):
    status = migrations.status(shop, "dev")
    assert (status.state, status.summary, status.managed) == ("unmanaged", "not under migrations yet (0 tables)", False)
    assert status.heads == ("0005",) and status.current == ()
    assert [r.id for r in status.pending] == ["0001", "0002", "0003", "0004", "0005"]
    assert status.pending[0].message == "create users"
    assert status.pending[0].file == "20260105_0001_create_users.py"


def test_upgrade_in_steps_then_to_head(shop):
    result = migrations.upgrade(shop, "dev", actor=ME, steps=2, reason="first two")
    assert result.revisions == ("0001", "0002") and result.before == () and result.after == ("0002",)
    status = migrations.status(shop, "dev")
    assert (status.state, status.summary, status.current) == ("pending", "3 pending", ("0002",))
    migrations.upgrade(shop, "dev", actor=ME)
    assert migrations.status(shop, "dev").summary == "up to date"
    assert version(shop, "dev") == ["0005"]
    last = actions(shop)[-1]
    assert (last.action, last.branch, last.actor, last.outcome) == ("migrate.up", "dev", ME.name, "ok")
    assert last.details["revisions"] == ["0003", "0004", "0005"] and last.details["before"] == ["0002"]
    with pytest.raises(OperationRefused, match="up to date: nothing to apply"):
        migrations.upgrade(shop, "dev", actor=ME)
    assert actions(shop)[-1].outcome == "refused"


def test_history_lists_who_applied_what_and_what_came_from_outside(shop):
    migrations.upgrade(shop, "dev", actor=admin("alice"), steps=3)
    # someone runs plain alembic against Dev, outside dbadmin
    command.upgrade(plain_config(example_migrations(), shop.registry.url("dev")), "0004")
    history = migrations.history(shop, "dev")
    assert [a.revision.id for a in history.applied] == ["0004", "0003", "0002", "0001"]
    outside, *by_us = history.applied
    assert (outside.by_dbadmin, outside.applied_by, outside.applied_at) == (False, None, None)
    assert all(a.by_dbadmin and a.applied_by == "alice" and a.applied_at and a.duration_ms >= 0 for a in by_us)
    assert [(r.revision, r.direction, r.outcome) for r in history.runs] == [
        ("0003", "up", "ok"),
        ("0002", "up", "ok"),
        ("0001", "up", "ok"),
    ]


def test_ahead_of_the_code(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    with shop.registry.connection("dev") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff0000'")
    status = migrations.status(shop, "dev")
    assert status.state == "ahead" and status.unknown == ("ffff0000",) and "ahead of the code" in status.summary
    assert migrations.history(shop, "dev").applied[0].revision.message == "(not in the project)"


# -- down, guardrails, bad input --------------------------------------------------------------


def test_downgrade_dev_and_prod_with_phrase(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    result = migrations.downgrade(shop, "dev", actor=ME, steps=2)
    assert result.revisions == ("0005", "0004") and version(shop, "dev") == ["0003"]
    assert "products" not in tables(shop, "dev")
    migrations.promote(shop, actor=ME, confirm="PROMOTE 3")
    with pytest.raises(ConfirmationRequired, match="needs the exact phrase 'ROLLBACK 1'"):
        migrations.downgrade(shop, "prod", actor=ME, steps=1)
    with pytest.raises(ConfirmationRequired, match="got 'ROLLBACK 2'"):
        migrations.downgrade(shop, "prod", actor=ME, steps=1, confirm="ROLLBACK 2")
    assert version(shop, "prod") == ["0003"]
    migrations.downgrade(shop, "prod", actor=ME, steps=1, confirm="ROLLBACK 1", reason="bad index")
    assert version(shop, "prod") == ["0002"]
    refused = [a for a in actions(shop) if a.outcome == "refused"]
    assert [(a.action, a.branch) for a in refused] == [("migrate.down", "prod")] * 2
    assert actions(shop)[-1].reason == "bad index"


def test_a_rollback_of_several_steps_counts_them_as_one_operation(shop):
    """Each step is its own env.py run; the progress a front end shows counts the whole rollback ("1 of 2")."""
    migrations.upgrade(shop, "dev", actor=ME)
    said: list[tuple[int, int, str]] = []
    migrations.downgrade(
        shop, "dev", actor=ME, steps=2, progress=lambda done, total, message: said.append((done, total, message))
    )
    steps = [message for _, _, message in said if message.startswith("reverting")]
    assert steps == ["reverting 0005 (1 of 2) on Development", "reverting 0004 (2 of 2) on Development"], said
    assert all(total == 2 for done, total, message in said if "reverting" in message or "done" in message)
    assert [count for count, _, message in said if message.endswith(" done")] == [1, 2]


def test_plans_carry_the_phrase_every_front_end_shows(shop):
    """Front ends ask for what the plan says; the verb checks the same phrase (no front end builds one)."""
    migrations.upgrade(shop, "dev", actor=ME)
    dev = migrations.plan_rollback(shop, "dev", 2)
    assert dev.phrase is None and [rev.id for rev in dev.removes] == ["0005", "0004"] and dev.destination == "0003"
    assert dev.stepwise is None and dev.commits == (
        "All or nothing: the 2 revisions run in one transaction; if one fails or dbadmin stops, Development stays "
        "at 0005."
    )
    migrations.promote(shop, actor=ME, confirm=migrations.plan_promotion(shop).phrase)
    prod = migrations.plan_rollback(shop, "prod", 1)
    assert (prod.phrase, prod.what, [rev.id for rev in prod.removes]) == (
        "ROLLBACK 1",
        "rolling back 1 revision(s) on Production",
        ["0005"],
    )
    assert version(shop, "prod") == ["0005"]  # a plan changes nothing
    migrations.downgrade(shop, "prod", actor=ME, steps=1, confirm=prod.phrase)
    assert version(shop, "prod") == ["0004"]
    assert migrations.plan_baseline(shop, "prod", "0003").phrase == "BASELINE 0003"
    assert migrations.plan_baseline(shop, "dev", "0003").phrase is None
    with pytest.raises(InvalidInput, match="unknown revision 'nope'"):
        migrations.plan_baseline(shop, "dev", "nope")
    checkpoint = checkpoints.create(shop, "prod", actor=ME, label="plan", strategy="dump")
    restore = checkpoints.plan_restore(shop, "prod", checkpoint.id)
    assert (restore.phrase, restore.what) == (
        f"RESTORE {checkpoint.id}",
        f"restoring checkpoint #{checkpoint.id} on Production",
    )
    with pytest.raises(InvalidInput):
        checkpoints.plan_restore(shop, "dev", checkpoint.id)  # another branch's


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (0, "at least 1"),
        (-2, "at least 1"),
        ("two", "whole number"),
        ("", "whole number"),
        (99, "at most 3"),
        (4, "at most 3"),
    ],
)
def test_bad_step_counts_are_refused_and_change_nothing(shop, steps, message):
    migrations.upgrade(shop, "dev", actor=ME, steps=3)
    with pytest.raises(InvalidInput, match=message):
        migrations.downgrade(shop, "dev", actor=ME, steps=steps)
    with pytest.raises(InvalidInput):
        migrations.upgrade(shop, "dev", actor=ME, steps=steps if steps != 4 else 3 + 99)
    assert version(shop, "dev") == ["0003"]
    assert [a.outcome for a in actions(shop)[-2:]] == ["refused", "refused"]


def test_unknown_branch_is_refused_and_audited(shop):
    with pytest.raises(UnknownBranch):
        migrations.upgrade(shop, "staging", actor=ME)
    last = actions(shop)[-1]
    assert (last.branch, last.outcome, last.details["branch"]) == (None, "refused", "staging")
    with pytest.raises(UnknownBranch):
        migrations.status(shop, "x'; drop table users; --")


def test_prod_changes_only_by_promotion(shop):
    with pytest.raises(OperationRefused, match="promotion from Development only"):
        migrations.upgrade(shop, "prod", actor=ME)
    assert version(shop, "prod") == []
    assert actions(shop)[-1].outcome == "refused"


def test_unreachable_branch_applies_nothing(make_context, databases, make_settings):
    settings = make_settings(
        dev_database_url=f"postgresql://u:pw@127.0.0.1:{free_port()}/gone",
        prod_database_url=databases.new(),
        admin_database_url=databases.new("control"),
        migrations=example_migrations(),
        pool_timeout=1,
    )
    with open_context(settings) as context:
        with pytest.raises(BranchUnavailable, match="Development branch .* is unavailable"):
            migrations.upgrade(context, "dev", actor=ME)
        assert actions(context)[-1].outcome == "failed"


def test_missing_migrations_setting_is_a_clear_error(databases, make_settings):
    settings = make_settings(dev_database_url=databases.new(), admin_database_url=databases.new("control"))
    with open_context(settings) as context:
        with pytest.raises(ConfigError, match="^MIGRATIONS: not set"):
            migrations.status(context, "dev")


def test_revision_file_with_a_syntax_error(make_context, tmp_path):
    ini = write_project(tmp_path / "p", [{"id": "a1", "down": None, "up": "SELECT 1"}])
    (ini.parent / "migrations" / "versions" / "b1.py").write_text(
        "revision = 'b1'\ndown_revision = 'a1'\ndef upgrade(:\n"
    )
    context = make_context(ini)
    with pytest.raises(ConfigError, match="cannot be loaded: SyntaxError"):
        migrations.status(context, "dev")
    with pytest.raises(ConfigError):
        migrations.upgrade(context, "dev", actor=ME)
    assert version(context, "dev") == [] and actions(context)[-1].outcome == "refused"


def test_broken_env_py(make_context, tmp_path):
    ini = write_project(
        tmp_path / "p", [{"id": "a1", "down": None}], env_py="raise RuntimeError('no settings module')\n"
    )
    context = make_context(ini)
    with pytest.raises(ConfigError, match="env.py failed: RuntimeError: no settings module"):
        migrations.status(context, "dev")


# -- preview and lint ---------------------------------------------------------------------------


def test_sql_preview_of_pending_revisions(shop):
    migrations.upgrade(shop, "dev", actor=ME, steps=2)
    sql = migrations.preview_sql(shop, "dev")
    assert "CREATE INDEX orders_user_id_created_at" in sql and "CREATE TABLE products" in sql
    assert "CREATE TABLE users" not in sql
    assert version(shop, "dev") == ["0002"]  # a preview changes nothing
    migrations.upgrade(shop, "dev", actor=ME)
    assert migrations.preview_sql(shop, "dev") == ""


def test_lint_flags_risky_operations_per_revision(shop):
    """Lint reads the SQL as it runs, in one transaction: an index on a table made in the same transaction locks
    nobody out, one on a table already there does."""
    fresh = {(f.revision, f.rule) for f in migrations.lint_pending(shop, "dev")}
    assert ("0003", "require-concurrent-index-creation") not in fresh and fresh  # orders is made by 0002, same run
    migrations.upgrade(shop, "dev", actor=ME, steps=2)
    findings = migrations.lint_pending(shop, "dev")
    rules = {(f.revision, f.rule) for f in findings}
    assert ("0003", "require-concurrent-index-creation") in rules
    assert not any(f.rule in ("require-lock-timeout", "require-statement-timeout") for f in findings)


# -- promotion -------------------------------------------------------------------------------


def test_promote_prod_to_exactly_devs_revision(shop):
    migrations.upgrade(shop, "dev", actor=ME, steps=4)
    migrations.promote(shop, actor=ME, confirm="PROMOTE 4")
    migrations.upgrade(shop, "dev", actor=ME)
    migrations.downgrade(shop, "dev", actor=ME, steps=1)  # Dev back to 0004: Prod must get nothing beyond it
    with pytest.raises(OperationRefused, match="already at Development's revision"):
        migrations.plan_promotion(shop)
    migrations.upgrade(shop, "dev", actor=ME)
    plan = migrations.plan_promotion(shop)
    assert (plan.phrase, [r.id for r in plan.revisions], plan.prod, plan.dev) == (
        "PROMOTE 1",
        ["0005"],
        ("0004",),
        ("0005",),
    )
    assert "ALTER TABLE users ADD COLUMN email_verified_at" in plan.sql
    for wrong in (None, "", "promote 1", "PROMOTE 2"):
        with pytest.raises(ConfirmationRequired):
            migrations.promote(shop, actor=ME, confirm=wrong)
    assert version(shop, "prod") == ["0004"]
    result = migrations.promote(shop, actor=ME, confirm="PROMOTE 1", reason="release 42")
    assert result.revisions == ("0005",) and version(shop, "prod") == ["0005"]
    last = actions(shop)[-1]
    assert (last.action, last.branch, last.outcome, last.details["revisions"]) == (
        "migrate.promote",
        "prod",
        "ok",
        ["0005"],
    )
    auto = checkpoints.list_for_branch(shop, "prod")[0]  # taken before Prod changed, with the default Prod strategy
    assert (auto.id, auto.label, auto.strategy, auto.status, auto.revision) == (
        last.details["checkpoint_id"],
        "auto: before migrate.promote",
        "dump",
        "ready",
        "0004",
    )


def _prod_at_p0_with_rows(context) -> None:
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    migrations.promote(context, actor=ME, confirm="PROMOTE 1")
    with context.registry.connection("prod") as conn:
        conn.execute("INSERT INTO users (email) SELECT 'u' || i || '@x.test' FROM generate_series(1, 25) i")
    migrations.upgrade(context, "dev", actor=ME)


def test_a_promotion_failing_in_revision_3_of_5_leaves_production_exactly_where_it_was(make_context, tmp_path):
    context = make_context(five_steps(tmp_path / "p"))
    _prod_at_p0_with_rows(context)
    with context.registry.connection("prod") as conn:
        conn.execute("CREATE TABLE no_room (id int)")  # r3 fails on Production only
    before = introspection.snapshot(context, "prod")
    plan = migrations.plan_promotion(context)
    assert plan.stepwise is None and plan.commits == (
        "All or nothing: the 5 revisions run in one transaction; if one fails or dbadmin stops, Production stays at p0."
    )
    assert plan.sql.count("BEGIN;") == plan.sql.count("COMMIT;") == 1  # the preview shows the one transaction
    with pytest.raises(MigrationFailed) as caught:
        migrations.promote(context, actor=ME, confirm=plan.phrase)
    said = "migration r3 failed: no room on this branch; nothing was changed: Production is still at p0"
    assert str(caught.value) == said
    assert version(context, "prod") == ["p0"] and introspection.snapshot(context, "prod") == before
    with context.registry.connection("prod") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 25
    runs = {
        r.revision: r.outcome for r in migration_runs.list_runs(context.registry, Branch.PROD) if r.revision != "p0"
    }
    assert runs == {"r1": "failed", "r2": "failed", "r3": "failed"}  # r1 and r2 rolled back with r3; r4, r5 never ran
    last = actions(context)[-1]
    assert (last.action, last.outcome, last.details["error"], last.details["stopped_at"]) == (
        "migrate.promote",
        "failed",
        said,
        ["p0"],
    )


def test_a_promotion_that_cannot_be_one_transaction_says_so_before_the_phrase_and_where_it_stopped(
    make_context, tmp_path
):
    context = make_context(five_steps(tmp_path / "p", concurrently=True))
    _prod_at_p0_with_rows(context)
    with context.registry.connection("prod") as conn:
        conn.execute("ALTER TABLE users ADD COLUMN nick text")  # r4 fails on Production only, after r3 committed
    plan = migrations.plan_promotion(context)
    assert plan.commits == (
        "Runs revision by revision (r3 uses autocommit_block(), which commits what ran before it): if interrupted, "
        "Production may stop at an intermediate revision; the checkpoint taken first is the way back."
    )
    assert plan.sql.count("COMMIT;") > 1
    with pytest.raises(MigrationFailed) as caught:
        migrations.promote(context, actor=ME, confirm=plan.phrase)
    last = actions(context)[-1]
    checkpoint = last.details["checkpoint_id"]
    assert str(caught.value) == (
        'migration r4 failed: column "nick" of relation "users" already exists; Production is now at r3; '
        f"checkpoint #{checkpoint} (taken before the run) is the way back"
    )
    assert version(context, "prod") == ["r3"] and last.details["transaction"] == "per revision"
    runs = {
        r.revision: r.outcome for r in migration_runs.list_runs(context.registry, Branch.PROD) if r.revision != "p0"
    }
    assert runs == {"r1": "ok", "r2": "ok", "r3": "ok", "r4": "failed"}


def test_promotion_refused_when_prod_is_ahead(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    migrations.promote(shop, actor=ME, confirm="PROMOTE 5")
    migrations.downgrade(shop, "dev", actor=ME, steps=2)
    with pytest.raises(OperationRefused, match="Production is ahead of Development"):
        migrations.promote(shop, actor=ME, confirm="PROMOTE 0")
    assert version(shop, "prod") == ["0005"] and actions(shop)[-1].outcome == "refused"


def test_promotion_refused_when_dev_is_on_a_revision_the_code_lacks(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    with shop.registry.connection("dev") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'abc123'")
    with pytest.raises(OperationRefused, match="Development is on abc123, which the code does not have"):
        migrations.plan_promotion(shop)


def test_branches_merges_and_divergence(make_context, tmp_path):
    context = make_context(branched(tmp_path / "p"))
    status = migrations.status(context, "dev")
    assert status.heads == ("m1",) and [r.id for r in status.pending][0] == "a1" and len(status.pending) == 4
    migrations.upgrade(context, "dev", actor=ME)
    assert version(context, "dev") == ["m1"]
    # Prod on the 'right' branch only, Dev on 'left' only: diverged
    migrations.downgrade(context, "dev", actor=ME, steps=1)  # undo the merge: Dev at b1 + c1
    assert version(context, "dev") == ["b1", "c1"]
    with context.registry.connection("prod") as conn:
        conn.execute(
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('c1')"
        )
    with context.registry.connection("dev") as conn:
        conn.execute("DELETE FROM alembic_version WHERE version_num = 'c1'")
    with pytest.raises(OperationRefused, match="diverged"):
        migrations.plan_promotion(context)


def test_promotion_of_several_heads(make_context, tmp_path):
    context = make_context(branched(tmp_path / "p"))
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    with context.registry.connection("dev") as conn:  # Dev at both branch heads, not merged
        conn.execute("UPDATE alembic_version SET version_num = 'b1'; INSERT INTO alembic_version VALUES ('c1')")
    plan = migrations.plan_promotion(context)
    assert sorted(r.id for r in plan.revisions) == ["a1", "b1", "c1"] and plan.phrase == "PROMOTE 3"
    migrations.promote(context, actor=ME, confirm="PROMOTE 3")
    assert version(context, "prod") == ["b1", "c1"]


def test_a_rollback_plan_past_a_merge_names_only_what_goes(make_context, tmp_path):
    context = make_context(branched(tmp_path / "p"))
    migrations.upgrade(context, "dev", actor=ME)  # a1, b1, c1, m1
    assert [rev.id for rev in migrations.plan_rollback(context, "dev", 1).removes] == ["m1"]  # b1 and c1 stay
    with pytest.raises(OperationRefused, match="several heads"):
        migrations.plan_rollback(context, "dev", 2)
    with context.registry.connection("dev") as conn:  # a revision the code does not have (deployed elsewhere)
        conn.execute("UPDATE alembic_version SET version_num = 'zz9'")
    with pytest.raises(OperationRefused, match="is at zz9, which this project does not have"):
        migrations.plan_rollback(context, "dev", 1)


# -- failures, timeouts, concurrency ------------------------------------------------------------


def test_a_failing_migration_leaves_the_branch_where_it_was(make_context, tmp_path):
    """The pending revisions run in one transaction: a failure in the last of five leaves nothing of the four before
    it, and the records and the audit row say so."""
    context = make_context(branched(tmp_path / "p", failing=True))
    with pytest.raises(MigrationFailed) as caught:
        migrations.upgrade(context, "dev", actor=ME)
    assert caught.value.revision == "f1"
    said = "migration f1 failed: division by zero; nothing was changed: Development is still at no revision"
    assert str(caught.value) == said
    assert version(context, "dev") == [] and "a" not in tables(context, "dev")
    runs = {r.revision: r for r in migration_runs.list_runs(context.registry, Branch.DEV)}
    assert runs["f1"].outcome == "failed" and "division by zero" in runs["f1"].error
    assert {rev: (runs[rev].outcome, runs[rev].error) for rev in ("a1", "b1", "c1", "m1", "g1")} == {
        rev: ("failed", "rolled back together with f1 (one transaction for the whole run)")
        for rev in ("a1", "b1", "c1", "m1", "g1")
    }
    last = actions(context)[-1]
    assert (last.outcome, last.details["error"], last.details["transaction"]) == (
        "failed",
        said,
        "one for the whole run",
    )


def test_an_env_that_runs_each_revision_alone_keeps_the_last_good_one_and_the_plan_said_so(make_context, tmp_path):
    context = make_context(branched(tmp_path / "p", failing=True, env_options=", transaction_per_migration=True"))
    with pytest.raises(MigrationFailed) as caught:
        migrations.upgrade(context, "dev", actor=ME)
    assert str(caught.value) == "migration f1 failed: division by zero; Development is now at g1"
    assert version(context, "dev") == ["g1"] and "f" not in tables(context, "dev")
    runs = {r.revision: r for r in migration_runs.list_runs(context.registry, Branch.DEV)}
    assert runs["g1"].outcome == "ok" and runs["f1"].outcome == "failed"
    assert actions(context)[-1].details["transaction"] == "per revision (env.py's choice)"
    plan = migrations.plan_rollback(context, "dev", 2)
    assert plan.commits == (
        "Runs revision by revision (env.py runs each revision in its own transaction "
        "(transaction_per_migration=True)): if interrupted, Development may stop at an intermediate revision; "
        "roll back or restore a checkpoint."
    )


def test_one_transaction_env_rolls_back_the_whole_run_and_says_so(make_context, tmp_path):
    context = make_context(branched(tmp_path / "p", failing=True, env_options=", transaction_per_migration=False"))
    with pytest.raises(MigrationFailed, match="f1"):
        migrations.upgrade(context, "dev", actor=ME)
    assert version(context, "dev") == []
    runs = migration_runs.list_runs(context.registry, Branch.DEV)
    assert {r.outcome for r in runs} == {"failed"}
    assert any("rolled back together with f1" in (r.error or "") for r in runs)


def test_statement_timeout_is_reported(make_context, tmp_path):
    ini = write_project(tmp_path / "p", [{"id": "s1", "down": None, "up": "SELECT pg_sleep(3)"}])
    context = make_context(ini, migration_statement_timeout=0.5)
    with pytest.raises(
        MigrationFailed,
        match=r"s1 failed: canceling statement due to statement timeout \(MIGRATION_STATEMENT_TIMEOUT=0.5s was hit\)",
    ):
        migrations.upgrade(context, "dev", actor=ME)


def test_lock_timeout_is_reported(make_context, tmp_path):
    ini = write_project(
        tmp_path / "p",
        [
            {"id": "t1", "down": None, "up": "CREATE TABLE t (id int)"},
            {"id": "t2", "down": "t1", "up": "ALTER TABLE t ADD COLUMN x int"},
        ],
    )
    context = make_context(ini, migration_lock_timeout=0.5)
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    with psycopg.connect(context.registry.url("dev")) as blocker:
        blocker.execute("LOCK TABLE t IN ACCESS SHARE MODE")  # an open transaction reading t
        with pytest.raises(MigrationFailed, match=r"t2 failed: .*lock timeout.*MIGRATION_LOCK_TIMEOUT=0.5s was hit"):
            migrations.upgrade(context, "dev", actor=ME)
    assert version(context, "dev") == ["t1"]


def test_two_runs_at_once_exactly_one_proceeds(make_context, tmp_path):
    ini = write_project(tmp_path / "p", [{"id": "s1", "down": None, "up": "SELECT pg_sleep(2)"}])
    context = make_context(ini)
    outcomes: list[str] = []

    def run(actor: str) -> None:
        try:
            migrations.upgrade(context, "dev", actor=admin(actor))
            outcomes.append("ran")
        except BranchBusy as exc:
            outcomes.append(str(exc))

    first = threading.Thread(target=run, args=("alice",))
    first.start()
    deadline = time.monotonic() + 10
    while oplock.holder(context.registry, "dev") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = threading.Thread(target=run, args=("bob",))
    second.start()
    first.join()
    second.join()
    assert sorted(outcomes, key=len) == ["ran", outcomes[1] if outcomes[0] == "ran" else outcomes[0]]
    busy = next(o for o in outcomes if o != "ran")
    assert busy.startswith("busy: migrate.up by alice since 20")
    assert version(context, "dev") == ["s1"]
    assert oplock.holder(context.registry, "dev") is None  # released


def test_a_killed_run_is_settled_at_next_start(shop):
    # simulate what a SIGKILL mid-run leaves: a 'running' row and no lock holder
    run_id = migration_runs.start(shop.registry, branch=Branch.DEV, revision="0001", direction="up", actor=ME.name)
    recover(shop)
    [run] = [r for r in migration_runs.list_runs(shop.registry, Branch.DEV) if r.id == run_id]
    assert run.outcome == "interrupted" and run.finished_at is not None


# -- new revision ----------------------------------------------------------------------------


def test_new_revision_writes_a_timestamped_reversible_file(shop, tmp_path):
    ini = copy_shop(tmp_path)
    settings = shop.settings.model_copy(update={"migrations": ini})
    revision = migrations.new_revision(settings, "add customer status")
    path = ini.parent / "migrations" / "versions" / revision.file
    text = path.read_text()
    assert path.name.endswith("_add_customer_status.py") and path.name[:8].isdigit()
    assert "def upgrade()" in text and "def downgrade()" in text
    assert "down_revision = '0005'" in text or 'down_revision = "0005"' in text
    assert revision.message == "add customer status"
    for bad in ("", "   ", "x" * 201, "two\nlines"):
        with pytest.raises(InvalidInput):
            migrations.new_revision(settings, bad)
    assert (
        len(list((ini.parent / "migrations" / "versions").glob("*.py"))) == 6
    )  # 5 + the new one: refusals wrote nothing


def test_drift_between_branches_on_the_same_revision(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    assert migrations.drift(shop) is None  # different revisions: differences are expected, not drift
    migrations.promote(shop, actor=ME, confirm="PROMOTE 5")
    assert migrations.drift(shop) is None  # same revision, same schema
    with shop.registry.connection("prod") as conn:  # a hotfix made by hand on Prod
        conn.execute("CREATE INDEX users_name ON users (name)")
    found = migrations.drift(shop)
    assert found is not None and {c.describe() for c in found.changes} == {"index public.users.users_name removed"}


DEFERRED = [
    {
        "id": "d1",
        "down": None,
        "up": "CREATE TABLE parent (id int PRIMARY KEY); "
        "CREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)",
    },
    {"id": "d2", "down": "d1", "up": "INSERT INTO child VALUES (5)"},  # checked only at COMMIT
]


@pytest.mark.parametrize("per_revision", [False, True], ids=["one-transaction", "per-revision"])
def test_a_commit_that_fails_is_named_as_such(make_context, tmp_path, per_revision):
    """A deferred constraint fails at COMMIT, after every statement ran: the error says the commit failed, and
    which transaction; nothing it held is recorded as applied."""
    options = ", transaction_per_migration=True" if per_revision else ""
    context = make_context(write_project(tmp_path / "p", DEFERRED, env_options=options))
    with pytest.raises(MigrationFailed) as caught:
        migrations.upgrade(context, "dev", actor=ME)
    said = str(caught.value)
    assert said.startswith('migration d2 failed: the commit failed: insert or update on table "child" violates')
    runs = {r.revision: (r.outcome, r.error or "") for r in migration_runs.list_runs(context.registry, Branch.DEV)}
    if per_revision:
        assert said.endswith("; Development is now at d1") and version(context, "dev") == ["d1"]
        assert runs["d1"] == ("ok", "") and runs["d2"][0] == "failed"
    else:
        assert said.endswith("; nothing was changed: Development is still at no revision")
        assert version(context, "dev") == [] and {outcome for outcome, _ in runs.values()} == {"failed"}
    assert runs["d2"][1].startswith("its transaction's commit failed")


ENV_WITHOUT_TRANSACTION = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    context.run_migrations()
else:
    engine = engine_from_config({"sqlalchemy.url": config.get_main_option("sqlalchemy.url")}, prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        context.run_migrations()  # no context.begin_transaction(): Alembic commits each revision for it
"""


def test_an_env_that_never_begins_a_transaction_still_commits_each_revision(make_context, tmp_path):
    revisions = [
        {"id": "n1", "down": None, "up": "CREATE TABLE n (id int)"},
        {"id": "n2", "down": "n1", "up": "INSERT INTO n VALUES (1)"},
    ]
    context = make_context(write_project(tmp_path / "p", revisions, env_py=ENV_WITHOUT_TRANSACTION))
    result = migrations.upgrade(context, "dev", actor=ME)
    assert result.after == ("n2",) and version(context, "dev") == ["n2"]
    with context.registry.connection("dev") as conn:
        assert conn.execute("SELECT count(*) FROM n").fetchone()[0] == 1
    assert {r.outcome for r in migration_runs.list_runs(context.registry, Branch.DEV)} == {"ok"}
    assert actions(context)[-1].details["transaction"] == "per revision"


def test_leftover_steps_are_judged_only_once_the_dead_runs_sessions_are_gone(shop):
    """A step left 'applied' by a killed run is judged from the version table only after the run's own sessions
    ended (a COMMIT the server was finishing cannot land after the judgement)."""
    migrations.upgrade(shop, "dev", actor=ME, steps=1)
    run_id = migration_runs.start(shop.registry, branch=Branch.DEV, revision="0002", direction="up", actor="doomed")
    migration_runs.finish(shop.registry, run_id, outcome="applied")
    orphan = psycopg.connect(shop.registry.url("dev"), application_name="dbadmin-migrate")
    orphan.execute("UPDATE alembic_version SET version_num = '0002'")  # the dead run's transaction, not committed
    with oplock.hold(shop.registry, "dev", operation="recover", actor="test"):
        [said] = migrations.settle_leftovers(shop, Branch.DEV)[0]
    assert said.endswith("none committed, 0002 not; Development is at 0001")
    with pytest.raises(psycopg.OperationalError):
        orphan.execute("COMMIT")  # ended before the judgement: it can no longer commit
    orphan.close()
    assert version(shop, "dev") == ["0001"]
    [run] = [r for r in migration_runs.list_runs(shop.registry, Branch.DEV) if r.id == run_id]
    assert run.outcome == "interrupted" and "rolled back" in run.error


def test_a_revision_that_commits_by_itself_and_then_fails_says_it_may_have_left_part_of_its_work(
    make_context, tmp_path
):
    revisions = [
        {"id": "k1", "down": None, "up": "CREATE TABLE k (x int)"},
        {
            "id": "k2",
            "down": "k1",
            "up_py": "with op.get_context().autocommit_block():\n"
            '    op.execute("CREATE INDEX CONCURRENTLY k_x ON k (x)")\n'
            'op.execute("SELECT 1 / 0")',
        },
    ]
    context = make_context(write_project(tmp_path / "p", revisions))
    with pytest.raises(MigrationFailed) as caught:
        migrations.upgrade(context, "dev", actor=ME)
    assert str(caught.value) == (
        "migration k2 failed: division by zero; Development is at k1, but k2 may have committed part of its work "
        "before it failed"
    )
    with context.registry.connection("dev") as conn:  # the index the version table does not show
        assert conn.execute("SELECT to_regclass('k_x') IS NOT NULL").fetchone()[0]


ENV_OPTIONS_DICT = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
OPTIONS = {"transaction_per_migration": True}  # the application's own settings, say
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config({"sqlalchemy.url": config.get_main_option("sqlalchemy.url")}, prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
"""


def test_a_promotion_plan_learns_env_pys_own_choice_of_transactions_from_its_preview(make_context, tmp_path):
    revisions = [
        {"id": "o1", "down": None, "up": "CREATE TABLE o (id int)"},
        {"id": "o2", "down": "o1", "up": "INSERT INTO o VALUES (1)"},
    ]
    context = make_context(write_project(tmp_path / "p", revisions, env_py=ENV_OPTIONS_DICT))
    migrations.upgrade(context, "dev", actor=ME)
    plan = migrations.plan_promotion(context)
    assert plan.stepwise == "env.py runs each revision in its own transaction (transaction_per_migration=True)"
    assert plan.commits.startswith("Runs revision by revision (env.py runs each revision")
    migrations.promote(context, actor=ME, confirm=plan.phrase)
    assert actions(context)[-1].details["transaction"] == "per revision (env.py's choice)"


def test_a_run_waits_until_the_steps_a_stopped_run_left_can_be_judged(shop):
    """A step left 'applied' while the branch's head is one the code lacks (the graph cannot say what is applied):
    recovery keeps it for later instead of failing to start, and a run refuses before it moves the branch (a later
    judgement against a moved version table could call a rolled-back step ok)."""
    migrations.upgrade(shop, "dev", actor=ME, steps=1)
    run_id = migration_runs.start(shop.registry, branch=Branch.DEV, revision="0002", direction="up", actor="doomed")
    migration_runs.finish(shop.registry, run_id, outcome="applied")
    with shop.registry.connection("dev") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zz9'")
    assert recover(shop)["dev"][0].startswith("migration steps a stopped dbadmin left: none committed, none not")
    with pytest.raises(OperationRefused, match="1 migration step\\(s\\) a stopped dbadmin left on Development cannot"):
        migrations.upgrade(shop, "dev", actor=ME)
    assert [r.outcome for r in migration_runs.list_runs(shop.registry, Branch.DEV) if r.id == run_id] == ["applied"]
    with shop.registry.connection("dev") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    migrations.upgrade(shop, "dev", actor=ME)  # judged first (rolled back), then the run
    assert [r.outcome for r in migration_runs.list_runs(shop.registry, Branch.DEV) if r.id == run_id] == ["interrupted"]
    assert actions(shop)[-1].details["settled"][0].startswith("migration steps a stopped dbadmin left: none committed")
