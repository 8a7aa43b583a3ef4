"""No configured secret (database passwords, session secret, OIDC client secret, API tokens) ever
reaches a page, an API response, a log line or an error message."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from playwright.sync_api import Page
from psycopg import sql

from dbadmin.config import load_settings
from dbadmin.services.operations import access as auth
from dbadmin.services import dburl
from dbadmin.services.embedded import example_migrations
from dbadmin.services.startup import open_context
from tests.helpers import admin, free_port, serve
from tests.helpers import run_cli

API = "/api/admin/db"


@pytest.fixture
def secret_role(pg_server) -> Iterator[tuple[str, str]]:
    """A role with a password (the test server may trust everyone; the password is a secret all the same).

    Ask for it before ``databases`` so that it is removed after them.
    """
    name, password = f"dbadmin_secret_{uuid.uuid4().hex[:8]}", f"pw-{secrets.token_hex(12)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
        )
    yield name, password
    with psycopg.connect(pg_server, autocommit=True) as conn:  # what it made (checkpoint copies), then the role
        owned = conn.execute(
            "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = %s", (name,)
        ).fetchall()
        for (database,) in owned:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def with_user(url: str, user: str, password: str) -> str:
    params = dburl.conninfo_to_dict(url)
    return f"postgresql://{user}:{password}@{params['host']}:{params.get('port', 5432)}/{params['dbname']}"


def test_no_secret_in_pages_api_answers_errors_or_logs(secret_role, page: Page, databases, tmp_path):
    user, password = secret_role
    session_secret = secrets.token_urlsafe(24)
    urls = {
        name: with_user(databases.new("control" if name == "ADMIN_DATABASE_URL" else "empty"), user, password)
        for name in ("DEV_DATABASE_URL", "PROD_DATABASE_URL", "ADMIN_DATABASE_URL")
    }
    env = urls | {
        "MIGRATIONS": str(example_migrations()),
        "CHECKPOINT_DIR": str(tmp_path / "store"),
        "SESSION_SECRET": session_secret,
        "DBADMIN_DATA_DIR": str(tmp_path / "data"),
    }
    settings = load_settings(
        _env_file=None,
        dev_database_url=urls["DEV_DATABASE_URL"],
        prod_database_url=urls["PROD_DATABASE_URL"],
        admin_database_url=urls["ADMIN_DATABASE_URL"],
        migrations=example_migrations(),
    )
    with open_context(settings) as context:
        _, token = auth.create_token(context, name="scan", role="admin", created_by=admin("scan"))
    forbidden = [password, session_secret, token]
    seen: list[tuple[str, str]] = []

    served = serve(env, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        for path in (
            "/admin/",
            "/admin/?branch=prod",
            "/admin/?branch=dev&tab=migrations",
            "/admin/?branch=prod&tab=checkpoints",
            "/admin/compare",
            "/admin/history",
            "/admin/?branch=qa",
        ):
            page.goto(served.base_url + path)
            page.wait_for_load_state("networkidle")
            seen.append((path, page.content()))
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=served.base_url, headers=headers, timeout=60) as client:
            calls = [
                ("GET", f"{API}/branches", None),
                ("GET", f"{API}/dev/summary", None),
                ("GET", f"{API}/prod/migrations", None),
                ("GET", f"{API}/audit?limit=500", None),
                ("POST", f"{API}/dev/migrate?dir=up", {}),
                ("POST", f"{API}/promote", {"confirm": "nope"}),
                ("POST", f"{API}/dev/checkpoints", {"label": "scan"}),
                ("GET", f"{API}/qa/tables", None),
                ("POST", f"{API}/dev/migrate?dir=down&steps=-1", {}),
                ("GET", "/openapi.json", None),
            ]
            for method, path, body in calls:
                answer = client.request(method, path, json=body)
                assert answer.status_code < 500, answer.text
                seen.append((f"{method} {path}", answer.text))
            seen.append(("anonymous", httpx.get(served.base_url + f"{API}/branches").text))
    finally:
        assert served.stop() == 0
    seen.append(("serve log", served.output()))

    # errors with the secret in the configuration: a server that refuses, a bad setting
    refused_url = f"postgresql://{user}:{password}@127.0.0.1:{free_port()}/dev"  # nothing listens there
    for args, extra in (
        (("doctor",), {"DEV_DATABASE_URL": refused_url}),
        (("serve",), {"DBADMIN_PORT": "x"}),
        (("migrate", "status", "dev"), {"DEV_DATABASE_URL": refused_url}),
        (("audit", "verify"), {}),
    ):
        result = run_cli(*args, env=env | extra)
        seen.append((" ".join(args), result.stdout + result.stderr))

    leaks = [(where, secret) for where, text in seen for secret in forbidden if secret in text]
    assert leaks == [], leaks
    assert len(seen) >= 20 and any("127.0.0.1" in text for _, text in seen)  # the scan saw real output
