"""dbadmin inside a host shaped like the usual FastAPI project (``tests/jwt_host``, issue 20).

The host logs people in with JWT bearer tokens, allows a frontend on another origin
(CORS), reads its database from its own settings in env.py and configures logging there.
Mounted with ``identity=`` (async) and ``login_url=``, dbadmin must take the host's
tokens, open the console through its bridge, connect to nothing before the host starts,
stay out of the host's OpenAPI, leave the host's logging alone, and migrate only the
branch, never the host's own database.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect
from psycopg.conninfo import conninfo_to_dict

from tests.helpers import SETTINGS_ENV, Served, serve_host, stop_host
from tests.ui.browser import screenshot

HOST = Path(__file__).resolve().parents[1] / "jwt_host"
FRONTEND = "http://127.0.0.1:5173"  # the host's frontend, on another origin (CORS allows it)
MAPPING = (
    "POSTGRES_SERVER={host},POSTGRES_PORT={port},POSTGRES_DB={database},POSTGRES_USER={user},"
    "POSTGRES_PASSWORD={password}"
)


def host_settings(url: str) -> dict[str, str]:
    """The host's own settings (``app/core/config.py``) for the database at ``url``."""
    parts = conninfo_to_dict(url)
    return {
        "POSTGRES_SERVER": parts["host"],
        "POSTGRES_PORT": str(parts.get("port", 5432)),
        "POSTGRES_USER": parts.get("user", "postgres"),
        "POSTGRES_PASSWORD": parts.get("password", ""),
        "POSTGRES_DB": parts["dbname"],
        "FRONTEND_ORIGIN": FRONTEND,
    }


class Host:
    def __init__(self, served: Served, urls: dict[str, str]) -> None:
        self.served, self.urls = served, urls
        self.base = served.base_url

    def token(self, email: str) -> str:
        answer = httpx.post(
            f"{self.base}/api/v1/login/access-token",
            data={"username": email, "password": email.split("@")[0] + "-password"},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def client(self, email: str | None = None, **headers: str) -> httpx.Client:
        bearer = {"Authorization": f"Bearer {self.token(email)}"} if email else {}
        return httpx.Client(base_url=self.base, headers=bearer | headers, timeout=60)

    def tables(self, which: str) -> set[str]:
        with psycopg.connect(self.urls[which]) as conn:
            return {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.fixture
def start_host(databases, tmp_path) -> Iterator[Callable[..., Host]]:
    started: list[Served] = []

    def start(mapping: str | None = MAPPING) -> Host:
        urls = {
            "dev": databases.new(),
            "prod": databases.new(),
            "control": databases.new("control"),
            "host": databases.new(),
        }
        env = host_settings(urls["host"]) | {
            "DEV_DATABASE_URL": urls["dev"],
            "PROD_DATABASE_URL": urls["prod"],
            "ADMIN_DATABASE_URL": urls["control"],
            "MIGRATIONS": str(HOST / "alembic.ini"),
            "CHECKPOINT_DIR": str(tmp_path / f"store{len(started)}"),
            "DBADMIN_DATA_DIR": str(tmp_path / f"data{len(started)}"),
        }
        if mapping is not None:
            env["MIGRATIONS_ENV"] = mapping
        served = serve_host(HOST, env, tmp_path / f"host{len(started)}.log", ready="/api/v1/utils/health-check")
        started.append(served)
        return Host(served, urls)

    yield start
    for served in started:
        stop_host(served)


@pytest.fixture
def host(start_host) -> Host:
    return start_host()


def test_the_hosts_bearer_tokens_work_on_dbadmins_api(host):
    with host.client("admin@example.com") as admin:
        assert admin.get("/api/admin/db/branches").status_code == 200
        made = admin.post("/api/admin/db/dev/checkpoints", json={"label": "by the host's superuser"})
        assert made.status_code == 201 and made.json()["created_by"] == "admin@example.com"
        me = admin.get("/admin/auth/whoami").json()
        assert me == {"name": "admin@example.com", "role": "admin", "via": "host", "csrf_token": None}
    with host.client("user@example.com") as viewer:
        assert viewer.get("/api/admin/db/dev/checkpoints").status_code == 200
        refused = viewer.post("/api/admin/db/dev/checkpoints", json={"label": "by a plain user"})
        assert refused.status_code == 403 and refused.json()["error"] == "not_allowed"
    with host.client(Authorization="Bearer not-a-jwt") as forged:
        answer = forged.get("/api/admin/db/branches")
        assert answer.status_code == 403 and answer.json() == {
            "error": "not_allowed",
            "detail": "the application refused: Could not validate credentials",
        }


def test_dbadmins_own_tokens_still_work_beside_the_hosts(host):
    created = subprocess.run(
        [sys.executable, "-m", "dbadmin", "token", "create", "--name", "pipeline", "--role", "admin"],
        env=host.served.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    with host.client(Authorization=f"Bearer {created.stdout.strip()}") as pipeline:
        made = pipeline.post("/api/admin/db/dev/checkpoints", json={"label": "from the pipeline"})
        assert made.status_code == 201 and made.json()["created_by"].endswith("pipeline")


def test_the_frontend_origin_drives_the_api_with_a_bearer_token_and_a_foreign_cookie_is_refused(host):
    preflight = httpx.options(
        f"{host.base}/api/admin/db/dev/checkpoints",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == FRONTEND
    with host.client("admin@example.com", Origin=FRONTEND) as frontend:
        made = frontend.post("/api/admin/db/dev/checkpoints", json={"label": "from the frontend"})
        assert made.status_code == 201 and made.headers["access-control-allow-origin"] == FRONTEND
        bridged = frontend.post("/admin/auth/session")  # the console's cookie, for the same user
        assert bridged.status_code == 200 and bridged.json()["name"] == "admin@example.com"
        csrf = bridged.json()["csrf_token"]
        cookies = frontend.cookies
    with httpx.Client(base_url=host.base, cookies=cookies, timeout=60) as browser:
        forged = browser.post(
            "/api/admin/db/dev/checkpoints", json={"label": "x"}, headers={"Origin": "http://evil.example"}
        )
        assert forged.status_code == 403 and "X-CSRF-Token" in forged.json()["detail"]
        assert browser.get("/admin/auth/whoami").json()["csrf_token"] == csrf  # as in standalone mode
        with_token = browser.post(
            "/api/admin/db/dev/checkpoints",
            json={"label": "cookie and token"},
            headers={"Origin": FRONTEND, "X-CSRF-Token": csrf},
        )
        assert with_token.status_code == 201 and with_token.json()["created_by"] == "admin@example.com"


def test_a_failing_identity_is_a_json_error_in_the_hosts_log(host):
    with host.client("outage@example.com") as outage:
        answer = outage.get("/api/admin/db/branches")
        assert answer.status_code == 500 and answer.json() == {
            "error": "identity_failed",
            "detail": "the application's login check failed; its log says why",
        }
        page = outage.get("/admin/")
        assert page.status_code == 500 and "login check failed" in page.text
    log = host.served.output()
    assert "the application's identity callable failed" in log
    assert "ConnectionError: the user database does not answer" in log


def test_the_hosts_logging_still_writes_after_dbadmin_ran_its_env_py(host):
    with host.client("admin@example.com") as admin:
        state = admin.get("/api/admin/db/dev/migrations")  # env.py runs (and calls fileConfig) to read the graph
        assert state.status_code == 200 and len(state.json()["status"]["pending"]) == 2
        before = host.served.output()
        assert admin.get("/api/v1/utils/health-check").json() is True
    after = host.served.output()[len(before) :]
    assert "INFO [app] health check" in after  # the host's own logger
    assert '"GET /api/v1/utils/health-check HTTP/1.1" 200' in after  # uvicorn's access log


def test_a_migrate_through_the_mounted_api_changes_only_the_branch(host):
    with host.client("admin@example.com") as admin:
        ran = admin.post("/api/admin/db/dev/migrate", params={"dir": "up"}, json={"reason": "items"})
        assert ran.status_code == 200, ran.text
        assert ran.json()["revisions"] == ["h001", "h002"] and ran.json()["after"] == ["h002"]
    assert host.tables("dev") == {"alembic_version", "items"}
    assert host.tables("host") == set() and host.tables("prod") == set()  # the app's own database: untouched


def test_without_the_mapping_the_hosts_env_py_is_handed_the_branch_and_its_database_untouched(start_host):
    """env.py builds its engine from the host's POSTGRES_* settings (the host's own database): with no
    MIGRATIONS_ENV, that engine is made on the branch, and the host's database is never touched."""
    host = start_host(mapping=None)
    with host.client("admin@example.com") as admin:
        state = admin.get("/api/admin/db/dev/migrations")
        assert state.status_code == 200, state.text
        ran = admin.post("/api/admin/db/dev/migrate", params={"dir": "up"})
        assert ran.status_code == 200, ran.text
        assert not admin.get("/api/admin/db/audit", params={"outcome": "refused"}).json()
        assert admin.get("/api/admin/db/audit", params={"outcome": "ok", "action": "migrate.up"}).json()
    assert host.tables("host") == set() and "alembic_version" in host.tables("dev")


@pytest.fixture
def listener() -> Iterator[tuple[int, list]]:
    """A port where a database would be: it records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for connection in accepted:
        connection.close()


MOUNT_INTO_A_BARE_APP = """
import json
from fastapi import FastAPI
from dbadmin import mount_admin
app = FastAPI()
mount_admin(app, identity=lambda request: None, include_in_schema=True)
print(json.dumps(sorted(app.openapi()["paths"])))
"""


def test_nothing_connects_at_import_and_dbadmins_routes_stay_out_of_the_hosts_openapi(listener, tmp_path):
    port, accepted = listener
    nowhere = f"postgresql://postgres@127.0.0.1:{port}"
    env = host_settings(f"{nowhere}/host") | {
        "DEV_DATABASE_URL": f"{nowhere}/dev",
        "PROD_DATABASE_URL": f"{nowhere}/prod",
        "ADMIN_DATABASE_URL": f"{nowhere}/control",
        "MIGRATIONS": str(HOST / "alembic.ini"),
        "DBADMIN_DATA_DIR": str(tmp_path / "data"),
    }
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV} | env
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, time, app.main as m; time.sleep(1); print(json.dumps(sorted(m.app.openapi()['paths'])))",
        ],
        cwd=HOST,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    paths = json.loads(imported.stdout)
    assert "/api/v1/login/access-token" in paths and not [p for p in paths if p.startswith("/api/admin")]
    asked = subprocess.run(
        [sys.executable, "-c", MOUNT_INTO_A_BARE_APP], env=env, capture_output=True, text=True, timeout=60
    )
    assert asked.returncode == 0, asked.stderr
    assert "/api/admin/db/branches" in json.loads(asked.stdout)
    assert accepted == []  # neither import nor schema reached a database


@pytest.mark.ui
def test_a_host_user_opens_the_console_through_the_bridge(host, page: Page):
    """The host keeps its JWT in localStorage; its login page trades it for a console session (the bridge)."""
    page.goto(f"{host.base}/admin/?branch=dev&tab=checkpoints")
    expect(page).to_have_url(f"{host.base}/login?next=%2Fadmin%2F%3Fbranch%3Ddev%26tab%3Dcheckpoints")
    sign_in(page, "admin@example.com")
    expect(page).to_have_url(f"{host.base}/admin/?branch=dev&tab=checkpoints")  # back where they were going
    expect(page.get_by_test_id("who")).to_contain_text("admin@example.com")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    page.get_by_test_id("create-checkpoint").click()  # the page is live: its socket carries the console session
    page.get_by_label("Label").fill("made by the host's superuser")
    page.get_by_test_id("create-ok").click()
    expect(page.get_by_test_id("checkpoints")).to_contain_text("admin@example.com", timeout=30000)
    screenshot(page, "embedded-host-console")
    page.get_by_test_id("logout").click()  # the console session ends; signing in again is the host's login
    expect(page).to_have_url(re.compile(re.escape(f"{host.base}/login?next=%2Fadmin%2F")))
    sign_in(page, "user@example.com")
    expect(page.get_by_test_id("role")).to_have_text("viewer")
    expect(page.get_by_test_id("view-only")).to_be_visible()
    with psycopg.connect(host.urls["control"]) as conn:
        rows = conn.execute("SELECT action, actor, outcome, details->>'via' FROM admin_actions ORDER BY id").fetchall()
    assert [row for row in rows if row[0] in ("auth.login", "auth.logout", "checkpoint.create")] == [
        ("auth.login", "admin@example.com", "ok", "host"),
        ("checkpoint.create", "admin@example.com", "ok", None),
        ("auth.logout", "admin@example.com", "ok", None),
        ("auth.login", "user@example.com", "ok", "host"),
    ]


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(email.split("@")[0] + "-password")
    page.get_by_role("button", name="Sign in").click()


def test_a_bridge_session_follows_the_host_when_it_demotes_its_user(host):
    """Security finding N6: a console session made through the bridge kept its role after the host demoted
    or deleted the user (whoami still said admin, and an admin action passed)."""
    with host.client("admin@example.com") as frontend:
        bridged = frontend.post("/admin/auth/session")
        assert bridged.status_code == 200 and bridged.json()["role"] == "admin"
        cookies = frontend.cookies
    with httpx.Client(base_url=host.base, cookies=cookies, timeout=60) as browser:
        assert browser.get("/admin/auth/whoami").json()["role"] == "admin"
    with psycopg.connect(host.urls["control"]) as conn:  # it lasts HOST_SESSION_MINUTES, not hours
        lasts = conn.execute(
            "SELECT extract(epoch FROM expires_at - created_at) FROM auth_sessions WHERE via = 'host'"
        ).fetchone()[0]
    assert 15 * 60 - 5 <= lasts <= 15 * 60 + 5
    with host.client("admin@example.com") as admin_frontend:  # the host demotes the user (itself, here)
        demoted = admin_frontend.post("/api/v1/users/admin@example.com/demote")
        assert demoted.status_code == 200 and demoted.json()["console_sessions_ended"] == 1
    with httpx.Client(base_url=host.base, cookies=cookies, timeout=60) as browser:
        assert browser.get("/admin/auth/whoami").status_code == 401  # the console forgot the session at once
        refused = browser.post("/api/admin/db/dev/checkpoints", json={"label": "x"}, headers={"Origin": host.base})
        assert refused.status_code == 401
    with host.client("admin@example.com") as frontend:  # the bridge asks the host again: a viewer now
        assert frontend.post("/admin/auth/session").json()["role"] == "viewer"
