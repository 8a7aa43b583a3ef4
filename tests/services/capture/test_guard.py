"""Guard mode: with a branch's guard on, its event triggers refuse schema changes that no dbadmin
run makes, dbadmin's own runs pass (they prove themselves with a token only dbadmin can write),
and an admin's bypass, asked for with the phrase, lets changes through for its minutes only,
each still recorded."""

from __future__ import annotations

import psycopg
import pytest

from dbadmin.services import capture, checkpoints, migrations
from dbadmin.services.errors import ConfirmationRequired, InvalidInput, OperationRefused
from dbadmin.services.startup import open_context
from tests.helpers import actions, admin, tables

ADA = admin("ada")
REFUSED = "dbadmin guards this database: CREATE TABLE is refused outside a migration"


@pytest.fixture
def guarded(shop):
    """The shop with Dev at head and its guard on."""
    migrations.upgrade(shop, "dev", actor=ADA)
    capture.install(shop, "dev", actor=ADA)
    assert capture.guard(shop, "dev", True, actor=ADA, reason="migrations only").guarded
    return shop


def psql(context, statement, branch="dev", **settings):
    with psycopg.connect(context.registry.url(branch), autocommit=True, application_name="psql") as conn:
        for name, value in settings.items():
            conn.execute("SELECT set_config(%s, %s, false)", (name, value))
        conn.execute(statement)


def test_the_guard_refuses_changes_outside_migrations_and_says_what_to_do(app_role, guarded):
    _, app_url = app_role
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED) as refused:
        psql(guarded, "CREATE TABLE notes (id int)")
    assert "Write a migration" in refused.value.diag.message_hint
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="DROP TABLE is refused"):
        psql(guarded, "DROP TABLE products, users CASCADE")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="ALTER TABLE is refused"):
        psql(guarded, "ALTER TABLE users ADD COLUMN nickname text")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):  # the application's own role
        with psycopg.connect(app_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE made_by_the_app (id int)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):  # a made-up run mark proves nothing
        psql(guarded, "CREATE TABLE sneaky (id int)", **{"dbadmin.run": "0123456789abcdef"})
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):  # nor does a function doing it
        psql(
            guarded,
            "DO $$ BEGIN EXECUTE 'CREATE TABLE from_a_function (id int)'; END $$",
        )
    assert {"notes", "made_by_the_app", "sneaky", "from_a_function"}.isdisjoint(tables(guarded, "dev"))
    assert {"products", "users"} <= tables(guarded, "dev")

    psql(guarded, "INSERT INTO users (email, name) VALUES ('still@works.test', 'Still')")  # data is not schema
    with psycopg.connect(guarded.registry.url("dev"), autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE scratch (id int)")  # nor are a session's temporary tables
        conn.execute("DROP TABLE scratch")
    outside = [e for e in capture.recent(guarded, "dev", outside_only=True)]
    assert outside == []  # a refused change is rolled back with its record


def test_dbadmin_runs_pass_the_guard_and_are_recorded_as_theirs(guarded):
    migrations.downgrade(guarded, "dev", actor=ADA, steps=2)
    migrations.upgrade(guarded, "dev", actor=ADA)
    events = capture.recent(guarded, "dev", outside_only=False)
    assert events and all(e.by_dbadmin and not e.bypass for e in events)
    assert {e.application_name for e in events} == {"dbadmin-migrate"}
    with guarded.registry.connection("dev") as conn:  # each run's token is gone once it ends
        assert conn.execute("SELECT count(*) FROM dbadmin_capture.runs").fetchone() == (0,)


def test_prod_is_guarded_through_promotion_and_a_restore_keeps_guard_and_log(shop):
    migrations.upgrade(shop, "dev", actor=ADA, steps=2)
    migrations.promote(shop, actor=ADA, confirm=migrations.plan_promotion(shop).phrase)
    capture.install(shop, "prod", actor=ADA)
    capture.guard(shop, "prod", True, actor=ADA)
    migrations.upgrade(shop, "dev", actor=ADA)
    migrations.promote(shop, actor=ADA, confirm=migrations.plan_promotion(shop).phrase)  # checkpoint, then run
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        psql(shop, "CREATE TABLE hotfix (id int)", branch="prod")

    capture.bypass(shop, "prod", 5, actor=ADA, confirm="BYPASS GUARD 5", reason="hot fix")
    psql(shop, "CREATE TABLE hotfix (id int)", branch="prod")  # recorded, not yet collected
    checkpoint = next(c for c in checkpoints.list_for_branch(shop, "prod") if c.label.startswith("auto:"))
    checkpoints.restore(shop, "prod", checkpoint.id, actor=ADA, confirm=f"RESTORE {checkpoint.id}")

    after = capture.status(shop, "prod")
    assert after.installed and after.guarded and after.bypass_until is None  # as before the restore, minus the bypass
    assert "hotfix" not in tables(shop, "prod")
    hotfix = [e for e in capture.events(shop, "prod") if e.object_identity == "public.hotfix"]
    assert [(e.command_tag, e.bypass, e.by_dbadmin) for e in hotfix] == [("CREATE TABLE", True, False)]
    restore = next(a for a in actions(shop) if a.action == "checkpoint.restore")
    assert restore.outcome == "ok" and restore.details["schema_changes_collected"] >= 1  # the hot fix, the run's
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        psql(shop, "CREATE TABLE hotfix (id int)", branch="prod")


def test_a_bypass_needs_its_phrase_and_lasts_its_minutes_only(guarded):
    with pytest.raises(ConfirmationRequired, match="BYPASS GUARD 10"):
        capture.bypass(guarded, "dev", 10, actor=ADA, confirm="BYPASS GUARD 5")
    for minutes in (0, capture.BYPASS_MINUTES + 1, "ten"):
        with pytest.raises(InvalidInput):
            capture.bypass(guarded, "dev", minutes, actor=ADA, confirm=f"BYPASS GUARD {minutes}")
    found = capture.bypass(guarded, "dev", 10, actor=ADA, confirm="BYPASS GUARD 10", reason="incident 42")
    with guarded.registry.connection("dev") as conn:
        left = conn.execute("SELECT bypass_until - clock_timestamp() FROM dbadmin_capture.meta").fetchone()[0]
    assert 9 * 60 < left.total_seconds() <= 10 * 60 and found.bypass_until is not None
    psql(guarded, "CREATE TABLE under_bypass (id int)")
    with guarded.registry.connection("dev") as conn:  # ten minutes later
        conn.execute("UPDATE dbadmin_capture.meta SET bypass_until = clock_timestamp() - interval '1 second'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        psql(guarded, "CREATE TABLE after_bypass (id int)")
    assert capture.status(guarded, "dev").bypass_until is None
    events = [(e.object_identity, e.bypass) for e in capture.recent(guarded, "dev")]
    assert events == [("public.under_bypass", True)]
    bypasses = [(a.outcome, a.reason) for a in actions(guarded) if a.action == "guard.bypass"]
    assert bypasses == [("refused", None)] * 4 + [("ok", "incident 42")]


def test_the_guard_fails_closed_when_its_state_cannot_be_read(guarded):
    with guarded.registry.connection("dev") as conn:  # a superuser, past the triggers
        conn.execute("SET session_replication_role = replica")
        conn.execute("ALTER TABLE dbadmin_capture.meta RENAME TO meta_gone")
        conn.execute("RESET session_replication_role")
    with pytest.raises(psycopg.errors.UndefinedTable):
        psql(guarded, "CREATE TABLE notes (id int)")
    assert "notes" not in tables(guarded, "dev")


def test_guard_on_off_and_remove_refuse_what_would_leave_a_branch_unguarded_by_surprise(shop):
    with pytest.raises(OperationRefused, match="capture install dev first"):
        capture.guard(shop, "dev", True, actor=ADA)
    capture.install(shop, "dev", actor=ADA)
    capture.guard(shop, "dev", True, actor=ADA)
    with pytest.raises(OperationRefused, match="turn the guard off first"):
        capture.remove(shop, "dev", actor=ADA)
    assert capture.install(shop, "dev", actor=ADA).guarded  # a repair keeps the guard
    capture.guard(shop, "dev", False, actor=ADA)
    with pytest.raises(OperationRefused, match="nothing to bypass"):
        capture.bypass(shop, "dev", 1, actor=ADA, confirm="BYPASS GUARD 1")
    psql(shop, "CREATE TABLE free_again (id int)")
    assert [(a.action, a.outcome) for a in actions(shop) if a.action.startswith("guard.")] == [
        ("guard.on", "refused"),
        ("guard.on", "ok"),
        ("guard.off", "ok"),
        ("guard.bypass", "refused"),
    ]


def test_guard_prod_on_in_the_settings_puts_the_guard_on_at_start_and_keeps_it(shop):
    migrations.upgrade(shop, "dev", actor=ADA, steps=1)
    migrations.promote(shop, actor=ADA, confirm=migrations.plan_promotion(shop).phrase)
    settings = shop.settings.model_copy(update={"guard_prod": True})
    with open_context(settings) as context:
        found = capture.status(context, "prod")
        assert found.installed and found.guarded
        with pytest.raises(OperationRefused, match="GUARD_PROD=on in the settings"):
            capture.guard(context, "prod", False, actor=ADA)
        assert not capture.status(context, "dev").guarded
    started = [
        (a.actor, a.action, a.outcome, a.reason) for a in actions(shop) if a.action.startswith(("guard", "capture"))
    ]
    assert started[:2] == [
        ("dbadmin", "capture.install", "ok", "GUARD_PROD=on in the settings"),
        ("dbadmin", "guard.on", "ok", "GUARD_PROD=on in the settings"),
    ]


def test_guard_on_repairs_a_log_an_older_dbadmin_installed(shop):
    capture.install(shop, "dev", actor=ADA)
    with shop.registry.connection("dev") as conn:  # the log as the version before the guard made it
        conn.execute("DROP TABLE dbadmin_capture.runs")
        conn.execute("ALTER TABLE dbadmin_capture.meta DROP COLUMN bypass_until")
    assert capture.guard(shop, "dev", True, actor=ADA).guarded
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        psql(shop, "CREATE TABLE notes (id int)")
    migrations.upgrade(shop, "dev", actor=ADA)  # a run still passes


def test_a_restore_leaves_capture_as_it_was_not_as_the_checkpoint_had_it(shop):
    migrations.upgrade(shop, "dev", actor=ADA)
    capture.install(shop, "dev", actor=ADA)
    capture.guard(shop, "dev", True, actor=ADA)
    made = checkpoints.create(shop, "dev", actor=ADA, label="guarded")
    capture.guard(shop, "dev", False, actor=ADA)
    capture.remove(shop, "dev", actor=ADA)
    checkpoints.restore(shop, "dev", made.id, actor=ADA, confirm=f"RESTORE {made.id}")
    found = capture.status(shop, "dev")
    assert not found.installed and not found.guarded
    assert "dbadmin_capture" not in _schemas(shop)
    psql(shop, "CREATE TABLE free_after_restore (id int)")  # no guard came back with the checkpoint


def _schemas(context) -> set[str]:
    with context.registry.connection("dev") as conn:
        return {name for (name,) in conn.execute("SELECT nspname FROM pg_namespace")}


def test_the_guard_never_blocks_dbadmins_own_reader_grants_nor_counts_them_as_changes(guarded):
    """Security probe, informational: with the guard on, read-only SQL failed in every new process (the
    reader's GRANTs were refused by dbadmin's own guard), and a fresh branch card counted dbadmin's own
    GRANT/REVOKE as 11 of its 12 'schema changes outside migrations'."""
    from dbadmin.services import data

    assert data.run(guarded, "dev", "SELECT count(*) FROM users", actor=ADA).rows == [[0]]  # grants made now
    everything = capture.recent(guarded, "dev", outside_only=False, limit=500)
    outside = capture.recent(guarded, "dev", limit=500)
    assert not [e for e in outside if e.command_tag in ("GRANT", "REVOKE")], [e.command_tag for e in outside]
    grants = [e for e in everything if e.command_tag in ("GRANT", "REVOKE")]
    assert grants and all(e.by_dbadmin for e in grants)  # recorded, as dbadmin's own run
