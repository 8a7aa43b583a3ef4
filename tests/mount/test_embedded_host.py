"""dbadmin mounted into a host FastAPI application (examples/host, whose own package is also
named ``app``): host routes and middleware keep working, the console and the API live under the
prefix, and the host's identity decides: its admins act, its other users are refused; its cookie
login opens a live console."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dbadmin.services.embedded import example_migrations
from playwright.sync_api import Page, expect

from tests.helpers import SETTINGS_ENV, serve_host, stop_host

HOST_APP = Path(__file__).resolve().parents[2] / "examples" / "host"


@pytest.fixture
def host(databases, tmp_path) -> Iterator[str]:
    served = serve_host(
        HOST_APP,
        {
            "DEV_DATABASE_URL": databases.new(),
            "PROD_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
            "MIGRATIONS": str(example_migrations()),
            "CHECKPOINT_DIR": str(tmp_path / "store"),
            "DBADMIN_DATA_DIR": str(tmp_path / "data"),
        },
        tmp_path / "host.log",
    )
    try:
        yield served.base_url
    finally:
        stop_host(served)


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
        csrf = alice.get("/admin/auth/whoami").json()["csrf_token"]  # as in standalone mode
        with_token = alice.post("/api/admin/db/dev/checkpoints", json={"label": "y"}, headers={"X-CSRF-Token": csrf})
        assert with_token.status_code == 201
        assert (
            alice.post(
                "/api/admin/db/dev/checkpoints", json={"label": "z"}, headers={"X-CSRF-Token": "0" * 64}
            ).status_code
            == 403
        )


def test_other_host_users_and_anonymous_are_refused(host):
    with as_user(host, "bob") as bob:
        page = bob.get("/admin/")
        assert page.status_code == 403 and "bob is signed in to the application but has no dbadmin role" in page.text
        api = bob.get("/api/admin/db/branches")
        assert api.status_code == 403 and api.json()["error"] == "not_allowed"
    with as_user(host, None) as anonymous:
        sent = anonymous.get("/admin/")
        assert sent.status_code == 303 and sent.headers["location"] == "/admin/login?next=%2Fadmin%2F"
        told = anonymous.get(sent.headers["location"])
        assert told.status_code == 200 and "uses the application's own login" in told.text
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
    with httpx.Client(
        base_url=host, headers={"Authorization": "Bearer dbadmin_not-a-real-token"}, timeout=30
    ) as forged:
        assert forged.get("/api/admin/db/branches").status_code == 401  # dbadmin's prefix: checked as ours


@pytest.mark.ui
def test_the_hosts_cookie_login_opens_a_live_console(host, page: Page):
    """The console's socket carries the host's cookie too: the identity reads it from the connection."""
    page.goto(f"{host}/login?user=alice")
    page.goto(f"{host}/admin/?branch=dev&tab=checkpoints")
    expect(page.get_by_test_id("who")).to_contain_text("alice")
    expect(page.get_by_test_id("logout")).to_have_count(0)  # signing out is the host's
    page.get_by_test_id("create-checkpoint").click()  # only a live page (its socket admitted) opens the dialog
    page.get_by_label("Label").fill("made through the host's cookie")
    page.get_by_test_id("create-ok").click()
    expect(page.get_by_test_id("checkpoints")).to_contain_text("made through the host's cookie", timeout=30000)


STATE_READING_HOST = """
from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from dbadmin import mount_admin

app = FastAPI()


class Login(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        request.state.user = request.cookies.get("demo_user")
        return await call_next(request)


app.add_middleware(Login)
mount_admin(app, identity=lambda request: (request.state.user, "admin") if getattr(request.state, "user", None) else None)
"""


@pytest.mark.ui
def test_an_identity_that_reads_middleware_state_is_told_why_the_console_is_dead(databases, tmp_path, page: Page):
    """The console's socket is a websocket: HTTP middleware never sets request.state there."""
    (tmp_path / "host" / "app").mkdir(parents=True)
    (tmp_path / "host" / "app" / "__init__.py").write_text("")
    (tmp_path / "host" / "app" / "main.py").write_text(STATE_READING_HOST)
    served = serve_host(
        tmp_path / "host",
        {
            "DEV_DATABASE_URL": databases.new(),
            "PROD_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
            "MIGRATIONS": str(example_migrations()),
            "DBADMIN_DATA_DIR": str(tmp_path / "data"),
        },
        tmp_path / "host.log",
        ready="/admin/login",
    )
    try:
        page.context.add_cookies([{"name": "demo_user", "value": "carol", "url": served.base_url}])
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("who")).to_contain_text("carol")  # the page request was recognised
        deadline = time.monotonic() + 30
        while "identity= recognised a page's request but not its socket" not in served.output():
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.2)
    finally:
        stop_host(served)
    assert served.output().count("identity= recognised") == 1  # said once, not for every retry


def test_the_bridge_takes_a_cookie_login_from_the_hosts_own_pages_only(host):
    with as_user(host, "alice") as alice:
        forged = alice.post("/admin/auth/session", headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403 and forged.json()["error"] == "not_allowed"  # a login CSRF, refused
        assert alice.post("/admin/auth/session").status_code == 403  # no Origin at all: not provably this site
        bridged = alice.post("/admin/auth/session", headers={"Origin": host})
        assert bridged.status_code == 200 and bridged.json()["name"] == "alice"
        assert bridged.headers["cache-control"] == "no-store"
    with as_user(host, "bob") as bob:
        refused = bob.post("/admin/auth/session", headers={"Origin": host})
        assert refused.status_code == 403 and "no dbadmin role" in refused.json()["detail"]
    with as_user(host, None) as anonymous:
        assert anonymous.post("/admin/auth/session", headers={"Origin": host}).status_code == 401


HOST_STARTED_TWICE = """
import json, logging, sys
from fastapi import FastAPI
from fastapi.testclient import TestClient
from dbadmin import mount_admin

logging.basicConfig(level=logging.ERROR)
app = FastAPI()


def identity(connection):
    shape = connection.headers.get("x-shape")
    return {"name": "ann", "role": "admin"} if shape == "dict" else ("ann", "admin")


mount_admin(app, identity=identity)
answers = []
for start in range(2):  # a test suite opens its client once per test: each start opens dbadmin anew
    with TestClient(app) as client:
        answers.append(client.get("/api/admin/db/branches").status_code)
        wrong = client.get("/api/admin/db/branches", headers={"x-shape": "dict"})
        answers.append([wrong.status_code, wrong.json()])
print(json.dumps(answers))
"""


def test_a_host_started_twice_in_one_process_serves_both_times_on_the_embedded_default(tmp_path):
    """The embedded server's URLs from the first start must not become the second start's settings."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV} | {"DBADMIN_DATA_DIR": str(tmp_path / "data")}
    ran = subprocess.run(
        [sys.executable, "-c", HOST_STARTED_TWICE], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr
    wrong = [500, {"error": "identity_failed", "detail": "the application's login check failed; its log says why"}]
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == [200, wrong, 200, wrong]
    assert "identity= returned a dict; it must return None, a Principal or (name, 'admin' | 'viewer')" in ran.stderr
