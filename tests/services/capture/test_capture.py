"""DDL capture: an event trigger on the branch records every schema change (who, from where, which
statement, inside a dbadmin run or not), never makes the application's DDL fail, and its log
reaches the control store without losing a row."""

from __future__ import annotations


import psycopg
import pytest
from psycopg import sql

from dbadmin.services import capture, migrations
from dbadmin.services.errors import OperationRefused
from dbadmin.services.registry import CONTROL
from dbadmin.services.schema import introspection
from tests.helpers import actions, admin

ADA = admin("ada")


def recorded(context, branch="dev"):
    capture.collect(context, branch)
    return list(reversed(capture.events(context, branch)))


def test_every_kind_of_schema_change_is_recorded_with_who_where_and_the_statement(shop, app_role):
    role, app_url = app_role
    dev = shop.registry.url("dev")
    assert not capture.status(shop, "dev").installed and capture.status(shop, "dev").can_install
    assert capture.install(shop, "dev", actor=ADA, reason="catch hand edits").installed

    migrations.upgrade(shop, "dev", actor=ADA, steps=1)  # dbadmin's own run: recorded, and marked as such
    with psycopg.connect(dev, autocommit=True, application_name="psql") as conn:
        conn.execute("CREATE TABLE notes (id int)")
        conn.execute("CREATE TABLE drafts (id int)")
    with psycopg.connect(app_url, autocommit=True, application_name="shop-web") as conn:
        conn.execute("CREATE TABLE made_by_the_app (id int)")
    with psycopg.connect(dev, autocommit=True, application_name="psql") as conn:
        conn.execute("DROP TABLE notes, drafts")
        conn.execute(
            "CREATE FUNCTION make_table() RETURNS void LANGUAGE plpgsql AS "
            "$$ BEGIN EXECUTE 'CREATE TABLE from_a_function (id int)'; END $$"
        )
        conn.execute("SELECT make_table()")

    events = recorded(shop)
    in_run = [e for e in events if e.by_dbadmin]
    assert in_run and {e.application_name for e in in_run} == {"dbadmin-migrate"}
    assert "public.users" in {e.object_identity for e in in_run}
    outside = [(e.command_tag, e.object_identity, e.application_name) for e in events if not e.by_dbadmin]
    assert sorted(outside) == sorted(  # a DROP of two tables lists them in the server's order
        [
            ("CREATE TABLE", "public.notes", "psql"),
            ("CREATE TABLE", "public.drafts", "psql"),
            ("CREATE TABLE", "public.made_by_the_app", "shop-web"),
            ("DROP TABLE", "public.notes", "psql"),
            ("DROP TABLE", "public.drafts", "psql"),
            ("CREATE FUNCTION", "public.make_table()", "psql"),
            ("CREATE TABLE", "public.from_a_function", "psql"),
        ]
    )
    by_app = next(e for e in events if e.object_identity == "public.made_by_the_app")
    assert (by_app.role, by_app.statement) == (role, "CREATE TABLE made_by_the_app (id int)")
    assert next(e for e in events if e.object_identity == "public.from_a_function").statement == "SELECT make_table()"
    assert [(a.action, a.outcome, a.reason) for a in actions(shop) if a.action.startswith("capture.")] == [
        ("capture.install", "ok", "catch hand edits")
    ]
    assert capture.status(shop, "dev").waiting == 0  # collected rows leave the branch


def test_the_apps_ddl_still_succeeds_when_the_log_is_missing_or_refuses_rows(shop):
    capture.install(shop, "dev", actor=ADA)
    dev = shop.registry.url("dev")
    with psycopg.connect(dev, autocommit=True) as conn:
        conn.execute("ALTER TABLE dbadmin_capture.ddl_log ADD CONSTRAINT full_up CHECK (false) NOT VALID")
        conn.execute("CREATE TABLE while_full (id int)")  # the log refuses the row; the DDL goes through
        conn.execute("DROP TABLE dbadmin_capture.ddl_log")
        conn.execute("CREATE TABLE while_missing (id int)")
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'while_%'").fetchone()[0] == 2
    assert capture.collect(shop, "dev") == 0 and not capture.status(shop, "dev").installed
    assert capture.install(shop, "dev", actor=ADA).installed  # a second install repairs it


def test_rows_wait_on_the_branch_while_the_control_store_refuses_them(shop):
    capture.install(shop, "dev", actor=ADA)
    with psycopg.connect(shop.registry.url("dev"), autocommit=True) as conn:
        conn.execute("CREATE TABLE one (id int)")
    with shop.registry.connection(CONTROL) as control:
        control.execute("ALTER TABLE ddl_events ADD CONSTRAINT refuse CHECK (false) NOT VALID")
    with pytest.raises(capture.CaptureFailed, match="they wait on the branch"):
        capture.collect(shop, "dev")
    assert capture.status(shop, "dev").waiting == 1
    with shop.registry.connection(CONTROL) as control:
        control.execute("ALTER TABLE ddl_events DROP CONSTRAINT refuse")
    assert capture.collect(shop, "dev") == 1 and capture.collect(shop, "dev") == 0
    assert [e.object_identity for e in capture.events(shop, "dev")] == ["public.one"]


def test_remove_collects_first_then_takes_everything_away_and_the_schema_never_shows_it(shop):
    before = introspection.snapshot(shop, "dev")
    capture.install(shop, "dev", actor=ADA)
    assert introspection.snapshot(shop, "dev") == before  # dbadmin's log is not the app's schema
    with psycopg.connect(shop.registry.url("dev"), autocommit=True) as conn:
        conn.execute("CREATE TABLE last_one (id int)")
    assert not capture.remove(shop, "dev", actor=ADA).installed
    with psycopg.connect(shop.registry.url("dev"), autocommit=True) as conn:
        conn.execute("CREATE TABLE after_removal (id int)")
        assert conn.execute("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'dbadmin%'").fetchone() == (0,)
    assert [e.object_identity for e in capture.events(shop, "dev")] == ["public.last_one"]


def test_a_capture_schema_someone_else_made_is_not_adopted(shop, app_role):
    role, _ = app_role
    with psycopg.connect(shop.registry.url("dev"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA dbadmin_capture AUTHORIZATION {}").format(sql.Identifier(role)))
    with pytest.raises(OperationRefused, match="belongs to another role"):
        capture.install(shop, "dev", actor=ADA)
    assert not capture.status(shop, "dev").installed
    with psycopg.connect(shop.registry.url("dev"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_event_trigger").fetchone() == (0,)


def test_passwords_in_statements_never_leave_the_branch():
    assert capture.masked("CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password 'se''cret')") == (
        "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password '•••')"
    )
    assert capture.masked("CREATE SUBSCRIPTION s CONNECTION 'host=a password=secret' PUBLICATION p") == (
        "CREATE SUBSCRIPTION s CONNECTION 'host=a password=•••' PUBLICATION p"
    )
    assert capture.masked("CREATE TABLE users (password text)") == "CREATE TABLE users (password text)"
