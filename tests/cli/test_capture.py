"""``dbadmin capture install|status|remove dev``: as a person runs it, and refused in one line where the
branch's role may not create event triggers."""

from __future__ import annotations

import re
import uuid

import psycopg
from psycopg import sql

from dbadmin.services import dburl
from tests.helpers import run_cli


def test_install_status_remove(databases):
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    installed = run_cli("capture", "install", "dev", "--reason", "find hand edits", env=env)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.strip() == "Development: capturing schema changes"
    with psycopg.connect(env["DEV_DATABASE_URL"], autocommit=True, application_name="psql") as conn:
        conn.execute("CREATE TABLE hand_made (id int)")
    status = run_cli("capture", "status", "dev", env=env)
    assert status.returncode == 0, status.stderr
    assert "CREATE TABLE" in status.stdout and "public.hand_made" in status.stdout
    assert "no: outside migrations" in status.stdout and "psql" in status.stdout
    removed = run_cli("capture", "remove", "dev", env=env)
    assert removed.returncode == 0 and "not capturing" in removed.stdout


def test_a_branch_whose_role_is_no_superuser_is_refused_in_one_line(databases, pg_server):
    role = f"app_{uuid.uuid4().hex[:8]}"
    dev = databases.new()
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(role)))
    try:
        env = {
            "DEV_DATABASE_URL": "postgresql://{u}:pw@{host}:{port}/{dbname}".format(u=role, **dburl.parts(dev)),
            "PROD_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
        }
        done = run_cli("capture", "install", "dev", env=env)
        assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
        assert "creating event triggers needs a superuser" in done.stderr and "Traceback" not in done.stderr
        doctor = run_cli("doctor", env=env)
        assert (
            "warn  Development DDL capture: not capturing: creating event triggers needs a superuser" in doctor.stdout
        )
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_guard_on_bypass_off(databases):
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    refused = run_cli("guard", "on", "prod", env=env)
    assert refused.returncode == 1 and refused.stderr.strip().splitlines() == [
        "dbadmin: error: Production: the guard works through DDL capture, which is not installed: "
        "dbadmin capture install prod first"
    ]
    assert run_cli("capture", "install", "prod", env=env).returncode == 0
    on = run_cli("guard", "on", "prod", "--reason", "migrations only", env=env)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "Production: capturing schema changes; guard on: only migrations change the schema"

    def hand_edit() -> None:
        with psycopg.connect(env["PROD_DATABASE_URL"], autocommit=True, application_name="psql") as conn:
            conn.execute("CREATE TABLE hand_made (id int)")

    try:
        hand_edit()
        raise AssertionError("the guard let a hand edit through")
    except psycopg.errors.InsufficientPrivilege as exc:
        assert "refused outside a migration" in str(exc)
    wrong = run_cli("guard", "bypass", "prod", "--minutes", "5", "--confirm", "BYPASS GUARD", env=env)
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
    assert "needs the exact phrase 'BYPASS GUARD 5'" in wrong.stderr
    bypassed = run_cli("guard", "bypass", "prod", "--minutes", "5", "--confirm", "BYPASS GUARD 5", env=env)
    assert bypassed.returncode == 0, bypassed.stderr
    assert "guard bypassed until" in bypassed.stdout
    hand_edit()
    status = run_cli("capture", "status", "prod", env=env)
    assert "public.hand_made" in status.stdout and "under a bypass of the guard" in status.stdout
    unconfirmed = run_cli("guard", "off", "prod", env=env)
    assert unconfirmed.returncode == 1 and unconfirmed.stderr.strip().splitlines() == [
        "dbadmin: error: turning Production's guard off needs the exact phrase 'GUARD OFF'"
    ]
    off = run_cli("guard", "off", "prod", "--confirm", "GUARD OFF", env=env)
    assert off.returncode == 0 and off.stdout.strip() == "Production: capturing schema changes"


def test_sql_prints_a_table_or_csv_and_cannot_write(databases):
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    as_csv = run_cli("sql", "dev", "SELECT 'a,b' AS pair, NULL AS nothing, '[red]x' AS markup", "--csv", env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines() == ["pair,nothing,markup", '"a,b",,[red]x']
    assert re.fullmatch(r"1 row in \d+ ms", as_csv.stderr.strip())
    table = run_cli("sql", "dev", "SELECT '[red]x' AS markup", env=env)
    assert table.returncode == 0 and "[red]x" in table.stdout  # data is never rich markup
    refused = run_cli("sql", "dev", "CREATE TABLE planted (id int)", env=env)
    assert refused.returncode == 2 and refused.stderr.strip().splitlines() == [
        "dbadmin: error: cannot execute CREATE TABLE in a read-only transaction"
    ]
