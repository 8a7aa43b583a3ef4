"""Polling: a branch whose DDL is not captured (no superuser, or capture not installed) is compared
with its last schema snapshot; what changed between two polls is one event outside migrations,
honest about not knowing who, and dbadmin's own runs are kept out of it."""

from __future__ import annotations

import psycopg

from dbadmin.services import capture, migrations
from dbadmin.services.branch import Branch
from dbadmin.services.capture import polling
from dbadmin.services.operations import oplock
from dbadmin.services.reports import compare, doctor
from tests.helpers import admin

ADA = admin("ada")


def psql(context, statement, branch="dev"):
    with psycopg.connect(context.registry.url(branch), autocommit=True, application_name="psql") as conn:
        conn.execute(statement)


def test_a_change_made_with_no_trigger_installed_is_recorded_by_the_next_poll(shop):
    migrations.upgrade(shop, "dev", actor=ADA)
    assert not capture.status(shop, "dev").installed
    first = capture.poll(shop, "dev")
    assert first is not None and first.changed == 0  # the first poll is what the next compares with
    assert capture.poll(shop, "dev") is None  # not due before SCHEMA_POLL_MINUTES have passed

    psql(shop, "CREATE TABLE notes (id int PRIMARY KEY, body text)")
    psql(shop, "ALTER TABLE users ADD COLUMN nickname text")
    found = capture.poll(shop, "dev", force=True)
    assert found is not None and found.changed == 2

    [event] = capture.recent(shop, "dev")
    assert (event.source, event.command_tag, event.role, event.by_dbadmin) == ("poll", "SCHEMA CHANGED", None, False)
    assert event.object_identity == "2 objects (between polls; who is not known)"
    assert sorted(event.statement.splitlines()) == ["column public.users.nickname added", "public.notes added"]
    [action] = capture.as_actions([event])
    assert (action.action, action.actor, action.details["source"]) == (
        capture.OUTSIDE_MIGRATIONS,
        "unknown (seen by polling)",
        "poll",
    )
    assert capture.poll(shop, "dev", force=True).changed == 0  # nothing new: nothing recorded
    assert len(capture.recent(shop, "dev")) == 1


def test_dbadmin_runs_on_a_polled_branch_are_not_reported_but_what_came_before_them_is(shop):
    migrations.upgrade(shop, "dev", actor=ADA, steps=1)
    capture.poll(shop, "dev")
    psql(shop, "CREATE INDEX users_name ON users (name)")
    migrations.upgrade(shop, "dev", actor=ADA)  # polls just before it runs, snapshots as it ends
    [event] = capture.recent(shop, "dev")
    assert "index public.users.users_name added" in event.statement
    assert capture.poll(shop, "dev", force=True).changed == 0  # the migration's own tables are not news


def test_the_watch_collects_a_captured_branch_and_polls_the_others_when_due(shop):
    migrations.upgrade(shop, "dev", actor=ADA)
    capture.install(shop, "dev", actor=ADA)
    psql(shop, "CREATE TABLE seen_by_the_trigger (id int)")
    done = capture.watch_once(shop)
    assert done["dev"].startswith("collected ") and done["dev"] != "collected 0"
    assert done["prod"] == "polled: 0 changed"  # prod has no trigger: its first poll
    assert capture.watch_once(shop)["prod"] == "not due"
    [event] = capture.recent(shop, "dev")
    assert (event.source, event.object_identity) == ("trigger", "public.seen_by_the_trigger")


def test_without_polling_the_watch_leaves_an_uncaptured_branch_alone(make_context):
    shop = make_context(schema_poll_minutes=0)
    done = capture.watch_once(shop)
    assert "prod" not in done and "dev" not in done
    assert not polling.polled(shop, Branch.PROD)


def test_doctor_says_an_uncaptured_branch_is_polled_and_fails_a_configured_guard_found_off(make_context):
    shop = make_context(guard_dev=True)
    assert capture.status(shop, "dev").guarded  # GUARD_DEV=on: start-up put the guard on
    checks = {check.name: check for check in doctor.run_checks(shop.settings)}
    assert checks["Development DDL capture"].level == "ok"
    prod = checks["Production DDL capture"]
    assert prod.level == "ok" and prod.detail == (
        "off: dbadmin capture install prod records every schema change; "
        "polled instead: a schema snapshot every 10 minutes shows what changed, not who"
    )
    psql(shop, "DROP EVENT TRIGGER dbadmin_capture_guard_ddl")  # a superuser removes it behind dbadmin's back
    dev = {check.name: check for check in doctor.run_checks(shop.settings)}["Development DDL capture"]
    assert dev.level == "fail" and dev.detail.startswith("GUARD_DEV=on but the guard is off")


def test_a_drift_is_explained_by_the_recorded_changes_that_touched_its_objects(shop):
    migrations.upgrade(shop, "dev", actor=ADA)
    migrations.promote(shop, actor=ADA, confirm=migrations.plan_promotion(shop).phrase)
    capture.install(shop, "prod", actor=ADA)
    capture.poll(shop, "dev")
    psql(shop, "CREATE INDEX users_name ON users (name)", branch="prod")  # captured: who and the statement
    psql(shop, "ALTER TABLE products ADD COLUMN hotfix text", branch="dev")  # polled: what, not who
    capture.poll(shop, "dev", force=True)
    changes = compare.diff(shop, "prod", "dev").changes
    explained = dict(zip((c.describe() for c in changes), compare.explanations(shop, changes), strict=True))
    assert set(explained) == {"index public.users.users_name removed", "column public.products.hotfix added"}
    [index] = explained["index public.users.users_name removed"]
    assert (index.branch, index.command_tag, index.role) == ("prod", "CREATE INDEX", "postgres")
    [column] = explained["column public.products.hotfix added"]
    assert (column.branch, column.source) == ("dev", "poll")


def test_the_watch_does_not_poll_a_branch_while_an_operation_holds_it(shop):
    with oplock.hold(shop.registry, "dev", operation="migrate.up", actor="ada"):
        assert capture.poll(shop, "dev") is None  # due (never polled), but a run's changes are not news
    assert capture.poll(shop, "dev") is not None


def test_migrations_made_while_capture_recorded_are_not_reported_once_polling_resumes(shop):
    migrations.upgrade(shop, "dev", actor=ADA, steps=1)
    capture.poll(shop, "dev")  # polled first
    capture.install(shop, "dev", actor=ADA)  # then recorded by triggers
    migrations.upgrade(shop, "dev", actor=ADA)
    capture.remove(shop, "dev", actor=ADA)  # and polled again
    assert capture.poll(shop, "dev").changed == 0  # a fresh start, not the snapshot from before the install
    psql(shop, "CREATE TABLE after_removal (id int)")
    assert capture.poll(shop, "dev", force=True).changed == 1
    assert [e.source for e in capture.recent(shop, "dev")] == ["poll"]
