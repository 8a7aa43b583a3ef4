"""The embedded PostgreSQL: starts, keeps its data across restarts, stops, guards its folder.

These tests always use the embedded server (they test it), whatever TEST_DATABASE_URL says.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import psycopg
import pytest

from dbadmin.services import dburl
from dbadmin.services.schema import introspection
from dbadmin.services.startup import open_context
from dbadmin.services.embedded import EmbeddedPostgres
from dbadmin.services.errors import EmbeddedServerError
from dbadmin.services.branch import Branch


def answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def test_start_restart_with_data_and_stop(tmp_path):
    server = EmbeddedPostgres(tmp_path / "data")
    with server:
        first_url = server.url("postgres")
        assert dburl.describe(first_url).startswith("127.0.0.1:")
        assert server.ensure_databases("app") == ["app"]
        assert server.ensure_databases("app") == []
        with psycopg.connect(server.url("app")) as conn:
            conn.execute("CREATE TABLE kept (n int)")
            conn.execute("INSERT INTO kept VALUES (42)")
    assert not answers(first_url)
    assert not (server.pgdata / "postmaster.pid").exists()
    with EmbeddedPostgres(tmp_path / "data") as again:
        with psycopg.connect(again.url("app")) as conn:
            assert conn.execute("SELECT n FROM kept").fetchone() == (42,)
            assert conn.execute("SHOW server_version_num").fetchone()[0].startswith("18")


def test_password_is_required_and_kept_private(tmp_path):
    with EmbeddedPostgres(tmp_path / "data") as server:
        params = dburl.conninfo_to_dict(server.url())
        assert len(params["password"]) >= 24
        assert oct((tmp_path / "data" / "superuser-password").stat().st_mode & 0o777) == "0o600"
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(server.url().replace(params["password"], "wrong"), connect_timeout=3)


def test_a_second_process_on_the_same_folder_is_refused(tmp_path):
    with EmbeddedPostgres(tmp_path / "data"):
        with pytest.raises(EmbeddedServerError, match="another dbadmin is using"):
            EmbeddedPostgres(tmp_path / "data").start()


def test_a_server_left_by_a_killed_dbadmin_is_adopted_and_stopped(tmp_path):
    data = tmp_path / "data"
    code = (
        "import os, signal, sys; from pathlib import Path; from dbadmin.services.embedded import EmbeddedPostgres;"
        "s = EmbeddedPostgres(Path(sys.argv[1])).start(); print(s.port, flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    port = int(killed.stdout.strip())
    with EmbeddedPostgres(data) as server:
        assert server.port == port
        url = server.url()
        assert answers(url)
    assert not answers(url)
    assert not (server.pgdata / "postmaster.pid").exists()


def test_wrong_major_version_folder_is_refused_with_advice(tmp_path):
    with EmbeddedPostgres(tmp_path / "data"):
        pass
    with pytest.raises(EmbeddedServerError, match="holds a PostgreSQL 18 cluster; set EMBEDDED_POSTGRES_VERSION=18"):
        EmbeddedPostgres(tmp_path / "data", version=16).start()
    # the refusal released the folder
    with EmbeddedPostgres(tmp_path / "data") as server:
        assert answers(server.url())


def test_embedded_default_context_creates_branches_and_example_history(tmp_path, make_settings):
    settings = make_settings(data_dir=tmp_path / "data")
    with open_context(settings) as context:
        assert context.embedded is not None
        assert [s.state for s in context.registry.statuses()] == ["reachable", "reachable"]
        assert context.registry.location(Branch.DEV).endswith("/dev")
        revisions = {}
        for branch in Branch:
            with context.registry.connection(branch) as conn:
                revisions[branch] = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert revisions == {Branch.DEV: "0005", Branch.PROD: "0004"}
        with context.registry.connection("control") as conn:
            actions = conn.execute("SELECT action, branch, outcome, actor FROM admin_actions ORDER BY id").fetchall()
            assert actions == [
                ("migrate.up", "dev", "ok", "dbadmin"),
                ("migrate.promote", "prod", "ok", "dbadmin"),
                ("migrate.up", "dev", "ok", "dbadmin"),
                ("example.rows", "dev", "ok", "dbadmin"),
                ("example.rows", "prod", "ok", "dbadmin"),
            ]
            runs = conn.execute(
                "SELECT branch, count(*) FROM migration_runs WHERE outcome = 'ok' GROUP BY branch ORDER BY 1"
            )
            assert runs.fetchall() == [("dev", 5), ("prod", 4)]
        for branch in Branch:  # the first screen has rows to count, analyzed: sizes and counts are known
            listed = {t.name: t for t in introspection.list_tables(context, branch, limit=10).tables}
            assert (listed["users"].estimated_rows, listed["orders"].estimated_rows) == (250, 600)
        port = context.embedded.port
    assert not answers(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    with open_context(settings) as again:  # second start: same databases, nothing re-seeded
        with again.registry.connection("control") as conn:
            assert conn.execute("SELECT count(*) FROM admin_actions").fetchone()[0] == 5
