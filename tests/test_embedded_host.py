"""dbadmin mounted into a host FastAPI application (examples/host, whose own package is also
named ``app``): host routes and middleware keep working, the console and the API live under the
prefix, and the host's identity decides: its admins act, its other users are refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dbadmin.services.context import example_migrations
from tests.conftest import SETTINGS_ENV, free_port

HOST_APP = Path(__file__).resolve().parent.parent / "examples" / "host"


@pytest.fixture
def host(databases, tmp_path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV} | {
        "DEV_DATABASE_URL": databases.new(), "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"), "MIGRATIONS": str(example_migrations()),
        "CHECKPOINT_DIR": str(tmp_path / "store"), "DBADMIN_DATA_DIR": str(tmp_path / "data")}
    log = tmp_path / "host.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
                                   cwd=HOST_APP, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        assert process.wait(30) in (0, -signal.SIGTERM), log.read_text()  # uvicorn re-raises SIGTERM after a clean shutdown
        assert "Traceback" not in log.read_text(), log.read_text()


def as_user(base: str, user: str | None) -> httpx.Client:
    return httpx.Client(base_url=base, cookies={"demo_user": user} if user else {}, timeout=30)


def test_host_routes_and_middleware_keep_working(host):
    with as_user(host, "alice") as alice:
        home = alice.get("/")
    assert home.json() == {"app": "host", "user": "alice"}
    assert home.headers["X-Host-Middleware"] == "ran"


def test_the_host_admin_is_a_dbadmin_admin(host):
    with as_user(host, "alice") as alice:
        page = alice.get("/admin/")
        assert page.status_code == 200 and "Database · dbadmin" in page.text
        assert page.headers["X-Host-Middleware"] == "ran"  # the host's middleware wraps the console too
        assert alice.get("/api/admin/db/branches").status_code == 200
        made = alice.post("/api/admin/db/dev/checkpoints", json={"label": "from the host"}, headers={"Origin": host})
        assert made.status_code == 201 and made.json()["created_by"] == "alice"
        cross_site = alice.post("/api/admin/db/dev/checkpoints", json={"label": "x"})
        assert cross_site.status_code == 403  # host cookies are ambient credentials: CSRF applies


def test_other_host_users_and_anonymous_are_refused(host):
    with as_user(host, "bob") as bob:
        page = bob.get("/admin/")
        assert page.status_code == 403 and "bob is signed in to the application but has no dbadmin role" in page.text
        api = bob.get("/api/admin/db/branches")
        assert api.status_code == 403 and api.json()["error"] == "not_allowed"
    with as_user(host, None) as anonymous:
        assert anonymous.get("/admin/").status_code == 401
        assert anonymous.get("/api/admin/db/branches").status_code == 401


def test_the_hosts_own_bearer_tokens_reach_its_identity(host):
    """Issue 20: any bearer token was taken as one of dbadmin's, so the host's JWT login got a 401."""
    alice = httpx.Client(base_url=host, headers={"Authorization": "Bearer host-token-alice"}, timeout=30)
    assert alice.get("/api/admin/db/branches").status_code == 200
    made = alice.post("/api/admin/db/dev/checkpoints", json={"label": "from the host's API login"})
    assert made.status_code == 201 and made.json()["created_by"] == "alice"  # a header is no ambient credential
    alice.close()
    with httpx.Client(base_url=host, headers={"Authorization": "Bearer host-token-bob"}, timeout=30) as bob:
        assert bob.get("/api/admin/db/branches").status_code == 403
    with httpx.Client(base_url=host, headers={"Authorization": "Bearer dbadmin_not-a-real-token"}, timeout=30) as forged:
        assert forged.get("/api/admin/db/branches").status_code == 401  # dbadmin's prefix: checked as ours
