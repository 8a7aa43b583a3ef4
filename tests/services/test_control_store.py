"""The control store: created at start, idempotent, safe from two processes, audit log append-only."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from dbadmin.services import control_store

TABLES = {
    "admin_actions",
    "admin_checkpoints",
    "migration_runs",
    "branch_locks",
    "restore_journal",
    "auth_sessions",
    "auth_tickets",
    "api_tokens",
    "ddl_events",
    "schema_polls",
    "saved_queries",
    "checkpoint_drills",
    "schedules",
    "schedule_runs",
    "action_rates",
    "webhook_deliveries",
    "dbadmin_alembic_version",
}


def public_tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_upgrade_creates_the_schema_and_is_idempotent(databases):
    url = databases.new()
    assert control_store.upgrade(url) == control_store.head()
    assert public_tables(url) == TABLES
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO admin_actions (actor, action, outcome) VALUES ('t', 'probe', 'ok')")
        conn.commit()
    assert control_store.upgrade(url) == control_store.head()  # second start: nothing to do, nothing lost
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM admin_actions").fetchone()[0] == 1
        assert control_store.current_revision(conn) == control_store.head()


def test_processes_upgrading_at_once_all_succeed(databases):
    url = databases.new()
    code = "import sys; from dbadmin.services import control_store; print(control_store.upgrade(sys.argv[1]))"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    assert [out.strip() for out, _ in outputs] == [control_store.head()] * 3


def test_threads_upgrading_at_once_all_succeed(databases):
    url = databases.new()
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(control_store.upgrade, [url] * 3)) == [control_store.head()] * 3


def test_current_revision_is_none_before_first_upgrade(databases):
    with psycopg.connect(databases.new()) as conn:
        assert control_store.current_revision(conn) is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE admin_actions SET outcome = 'ok'",
        "DELETE FROM admin_actions",
        "TRUNCATE admin_actions",
    ],
)
def test_audit_log_refuses_changes_in_the_database_itself(databases, statement):
    url = databases.new("control")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO admin_actions (actor, action, outcome) VALUES ('alice', 'checkpoint.create', 'failed')"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
        assert conn.execute("SELECT actor, outcome FROM admin_actions").fetchall() == [("alice", "failed")]


@pytest.mark.parametrize(
    ("table", "columns", "values"),
    [
        ("admin_actions", "(actor, action, outcome)", "('a', 'x', 'maybe')"),
        ("admin_actions", "(actor, action, outcome, branch)", "('a', 'x', 'ok', 'staging')"),
        ("admin_checkpoints", "(label, created_by, branch, strategy)", "('l', 'a', 'qa', 'dump')"),
        ("admin_checkpoints", "(label, created_by, branch, strategy, status)", "('l', 'a', 'dev', 'dump', 'lost')"),
        ("migration_runs", "(branch, revision, direction, actor)", "('dev', 'r1', 'sideways', 'a')"),
    ],
)
def test_catalog_checks_refuse_impossible_values(databases, table, columns, values):
    with psycopg.connect(databases.new("control"), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(f"INSERT INTO {table} {columns} VALUES {values}")


def test_measures_kept_in_audit_rows_move_into_the_catalog(databases):
    """0007: what a clone measured (read back out of audit JSON before) becomes catalog columns, old rows included."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    url = databases.new()
    config = Config()
    config.set_main_option("script_location", str(control_store.script_location()))
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=NullPool)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    engine.dispose()
    with psycopg.connect(url) as conn:
        made = conn.execute(
            "INSERT INTO admin_checkpoints (label, created_by, branch, strategy, status, size_bytes)"
            " VALUES ('old', 't', 'dev', 'clone', 'ready', 1000) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO admin_actions (actor, action, branch, outcome, details) VALUES"
            " ('t', 'checkpoint.create', 'dev', 'ok', %s)",
            (f'{{"checkpoint_id": {made}, "unavailable_ms": 250, "copy_method": "copy"}}',),
        )
    assert control_store.upgrade(url) == control_store.head()
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "SELECT unavailable_ms, copy_method FROM admin_checkpoints WHERE id = %s", (made,)
        ).fetchone() == (250, "copy")
