"""``dbadmin capture install|status|remove dev``: as a person runs it, and refused in one line where the
branch's role may not create event triggers."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql

from dbadmin.services import dburl
from tests.test_cli import run_cli


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
