"""The ``dbadmin`` command as users run it: serve on the embedded default, doctor, clear errors."""

from __future__ import annotations

import signal
import socket

import httpx
import psycopg
import pytest

from tests.helpers import run_cli, serve

SECRET = "hunter2-secret"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_on_embedded_default_then_stop(tmp_path, signum):
    data = tmp_path / "data"
    served = serve({"DBADMIN_DATA_DIR": str(data)}, tmp_path / "serve.log")
    try:
        anonymous = httpx.get(f"{served.base_url}/", timeout=10, follow_redirects=True)
        assert anonymous.status_code == 200 and "Sign in · dbadmin" in anonymous.text
        assert anonymous.url.path == "/admin/login"
        signed_in = served.client()  # the one-time link printed at start
        page = signed_in.get("/admin/", timeout=10)
        assert page.status_code == 200 and "Database · dbadmin" in page.text
        signed_in.close()
        lines = (data / "pgdata" / "postmaster.pid").read_text().splitlines()
        port = int(lines[3])
    finally:
        code = served.stop(signum)
    output = served.output()
    assert code == 0, output
    assert "on embedded PostgreSQL: http://127.0.0.1:" in output
    password = (data / "superuser-password").read_text().strip()
    assert password not in output
    assert not (data / "pgdata" / "postmaster.pid").exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres", connect_timeout=3)


def test_bad_configuration_is_one_line_without_secret():
    result = run_cli("serve", env={"DEV_DATABASE_URL": f"mysql://app:{SECRET}@h/db", "DBADMIN_PORT": "x"})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("dbadmin: error: DEV_DATABASE_URL: is not a PostgreSQL URL")
    assert "DBADMIN_PORT: " in result.stderr and result.stderr.count("\n") == 1
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 2
    assert f"DBADMIN_PORT: 127.0.0.1:{port} is already in use" in result.stderr
    assert not (tmp_path / "d").exists()  # refused before anything was started


def test_serve_refuses_same_database_at_start(databases):
    url = databases.new()
    other = url.replace("@127.0.0.1:", "@localhost:")
    result = run_cli(
        "serve", env={"DEV_DATABASE_URL": url, "PROD_DATABASE_URL": other, "ADMIN_DATABASE_URL": databases.new()}
    )
    assert result.returncode == 2
    assert "PROD_DATABASE_URL and DEV_DATABASE_URL lead to the same database" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_reports_and_exits_nonzero_on_failure(databases):
    ok = run_cli(
        "doctor",
        env={
            "DEV_DATABASE_URL": databases.new(),
            "PROD_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
        },
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ok    Development branch:" in ok.stdout and ", 0 failed" in ok.stdout
    bad = run_cli(
        "doctor",
        env={
            "DEV_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": f"postgresql://x:{SECRET}@127.0.0.1:1/none",
            "POOL_TIMEOUT": "1",
        },
    )
    assert bad.returncode == 1
    assert "FAIL  control store:" in bad.stdout and "fix: check that the server in ADMIN_DATABASE_URL" in bad.stdout
    assert SECRET not in bad.stdout + bad.stderr


def test_doctor_sees_what_a_crash_left_and_recover_settles_it(databases, tmp_path):
    """A killed dbadmin's lock row, a checkpoint still 'creating' and a partial archive: doctor fails naming each
    and the command that settles them; 'dbadmin recover' says what it settled; doctor is clean after."""
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
        "CHECKPOINT_DIR": str(tmp_path / "store"),
    }
    first = run_cli("recover", env=env)  # makes the control store; nothing to settle yet
    assert first.returncode == 0 and "Development: nothing left half-done" in first.stdout, first.stdout + first.stderr
    (tmp_path / "store" / "dev").mkdir(parents=True)
    (tmp_path / "store" / "dev" / "killed.partial").write_bytes(b"PGDMP half")
    (tmp_path / "store" / "dev" / "another.partial").write_bytes(b"another dbadmin's dump, being written")
    with psycopg.connect(env["ADMIN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "INSERT INTO branch_locks (branch, operation, actor, pid) VALUES ('dev', 'checkpoint.create', 'ann', 2147483)"
        )
        (checkpoint,) = conn.execute(
            """INSERT INTO admin_checkpoints (label, created_by, branch, strategy, status, reference)
               VALUES ('killed', 'ann', 'dev', 'dump', 'creating', %s) RETURNING id""",
            [str(tmp_path / "store" / "dev" / "killed.dump")],
        ).fetchone()
    found = run_cli("doctor", env=env)
    assert found.returncode == 1, found.stdout
    line = next(line for line in found.stdout.splitlines() if "dev: after a crash" in line)
    assert line.startswith("FAIL") and "the lock of 'checkpoint.create' by ann" in line
    assert f"checkpoint #{checkpoint} still 'creating'" in line and "a partial archive killed.partial" in line
    assert "fix: dbadmin recover" in found.stdout
    settled = run_cli("recover", env=env)
    assert settled.returncode == 0, settled.stdout + settled.stderr
    assert f"checkpoint #{checkpoint} marked failed" in settled.stdout, settled.stdout
    after = run_cli("doctor", env=env)
    assert "ok    dev: after a crash: nothing left half-done" in after.stdout, after.stdout
    assert not (tmp_path / "store" / "dev" / "killed.partial").exists()
    assert (tmp_path / "store" / "dev" / "another.partial").exists()  # no catalog row of ours leads to it


def test_recover_reopens_a_branch_a_killed_fence_left_closed(databases):
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    assert run_cli("recover", env=env).returncode == 0
    database = env["DEV_DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(env["DEV_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')  # what a watchdog killed too would leave
    closed = run_cli("doctor", env=env)
    assert closed.returncode == 1 and "fix: a killed clone or restore left the branch closed" in closed.stdout
    reopened = run_cli("recover", env=env)
    assert reopened.returncode == 0 and "Development was closed to connections: reopened" in reopened.stdout
    with psycopg.connect(env["DEV_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
