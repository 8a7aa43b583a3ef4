"""Login through a real OpenID Connect provider (panva's oidc-provider on Node.js), in Chromium:
admins act, viewers only look, unknown and unverified people are refused, forged or expired
sessions and a replayed ``state`` are refused."""

from __future__ import annotations

import re

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import free_port, serve
from tests.ui.browser import screenshot
from tests.ui.browser import sign_in_as

pytestmark = pytest.mark.ui


def test_an_admin_signs_in_through_the_provider_and_acts(page: Page, oidc_console):
    served, urls = oidc_console
    sign_in_as(page, served, "admin", "/admin/?branch=dev&tab=checkpoints")
    expect(page).to_have_url(f"{served.base_url}/admin/?branch=dev&tab=checkpoints")  # back where they were going
    expect(page.get_by_test_id("who")).to_contain_text("admin@example.test")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    assert served.output().count("ticket=") == 0  # no local login links with an identity provider
    page.get_by_test_id("create-checkpoint").click()
    page.get_by_label("Label").fill("made by a signed-in admin")
    page.get_by_test_id("create-ok").click()
    expect(page.get_by_test_id("checkpoints")).to_contain_text("admin@example.test", timeout=30000)
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT action, actor, outcome FROM admin_actions ORDER BY id").fetchall()
    assert ("auth.login", "admin@example.test", "ok") in rows
    assert ("checkpoint.create", "admin@example.test", "ok") in rows


def test_a_group_admin_is_an_admin(page: Page, oidc_console):
    served, _ = oidc_console
    sign_in_as(page, served, "group-admin-7")
    expect(page.get_by_test_id("role")).to_have_text("admin")


def test_a_viewer_sees_everything_and_no_action_buttons(page: Page, oidc_console):
    served, _ = oidc_console
    sign_in_as(page, served, "viewer", "/admin/?branch=dev&tab=migrations")
    expect(page.get_by_test_id("role")).to_have_text("viewer")
    expect(page.get_by_test_id("migrations-status")).to_be_visible()
    expect(page.get_by_test_id("run-up")).to_have_count(0)
    expect(page.get_by_test_id("view-only")).to_contain_text("changes need the admin role")
    expect(page.get_by_test_id("rollback")).to_have_count(0)
    screenshot(page, "viewer")
    page.goto(f"{served.base_url}/admin/?branch=prod&tab=checkpoints")
    expect(page.get_by_test_id("checkpoints-empty").or_(page.get_by_test_id("checkpoints"))).to_be_visible()
    expect(page.get_by_test_id("create-checkpoint")).to_have_count(0)
    expect(page.get_by_test_id("promote")).to_have_count(0)
    # the action endpoints refuse the viewer too, with a valid CSRF token: the check is in the services
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=served.base_url, cookies=cookies) as client:
        csrf = client.get("/admin/auth/whoami").json()["csrf_token"]
        answer = client.post("/api/admin/db/dev/checkpoints", json={"label": "sneaky"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 403 and "only admins may" in answer.json()["detail"]


@pytest.mark.parametrize("user", ["mallory", "unverified-admin"])
def test_unknown_and_unverified_people_are_refused_after_login(page: Page, oidc_console, user):
    served, urls = oidc_console
    sign_in_as(page, served, user)
    expect(page.get_by_text("You are signed in, but not allowed here")).to_be_visible()
    page.goto(f"{served.base_url}/admin/")
    expect(page.get_by_test_id("login")).to_be_visible()  # no session was made
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        refused = conn.execute(
            "SELECT details->>'reason' FROM admin_actions WHERE action = 'auth.refused' AND actor = %s",
            (f"{user}@example.test",),
        ).fetchall()
    assert refused and "ADMIN_EMAILS" in refused[0][0]


def test_a_replayed_state_is_refused(page: Page, oidc_console):
    served, _ = oidc_console
    callbacks: list[str] = []
    page.on("request", lambda request: callbacks.append(request.url) if "/auth/callback" in request.url else None)
    sign_in_as(page, served, "admin")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    assert len(callbacks) == 1 and "state=" in callbacks[0]
    page.goto(callbacks[0])  # the same code and state again
    expect(page.get_by_text("Login failed")).to_be_visible()
    expect(page.get_by_text(re.compile("mismatching_state|invalid_grant"))).to_be_visible()


def test_forged_and_expired_sessions_are_refused(page: Page, browser: Browser, oidc_console):
    served, urls = oidc_console
    sign_in_as(page, served, "admin")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    session = next(
        c for c in page.context.cookies() if c["name"].startswith("dbadmin_session_") and c["path"] == "/admin"
    )
    assert session["httpOnly"] and session["sameSite"] == "Lax"

    forged = browser.new_context()
    forged.add_cookies([session | {"value": session["value"][:-3] + "abc"}])
    other = forged.new_page()
    other.goto(f"{served.base_url}/admin/")
    expect(other.get_by_test_id("login")).to_be_visible()
    forged.close()

    with psycopg.connect(urls["ADMIN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE auth_sessions SET expires_at = now() WHERE actor = 'admin@example.test'")
    page.goto(f"{served.base_url}/admin/")
    expect(page.get_by_test_id("login")).to_be_visible()


def test_an_identity_provider_that_does_not_answer_is_a_clear_page(databases, tmp_path):
    secret = "client-secret-that-must-not-show"
    served = serve(
        {
            "DEV_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
            "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}",
            "OIDC_CLIENT_ID": "dbadmin",
            "OIDC_CLIENT_SECRET": secret,
            "ADMIN_EMAILS": "admin@example.test",
        },
        tmp_path / "serve.log",
    )
    try:
        answer = httpx.get(f"{served.base_url}/admin/auth/login?next=/admin/", timeout=30)
        assert answer.status_code == 503 and "The identity provider does not answer" in answer.text
        assert secret not in answer.text
    finally:
        assert served.stop() == 0
    assert "Traceback" not in served.output() and secret not in served.output()


def test_the_session_cookie_is_this_consoles_own(page: Page, oidc_console):
    """Security finding F4: a page served from another port of the host received and replayed the cookie
    (cookies ignore ports); it is now named for this instance and scoped to the console's paths."""
    served, _ = oidc_console
    sign_in_as(page, served, "admin")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    ours = [c for c in page.context.cookies() if c["name"].startswith("dbadmin_session")]
    assert sorted(c["path"] for c in ours) == ["/admin", "/api/admin"]
    assert len({c["name"] for c in ours}) == 1 and re.fullmatch(r"dbadmin_session_[0-9a-f]{10}", ours[0]["name"])
    assert all(c["httpOnly"] and c["sameSite"] == "Lax" for c in ours)
    api = page.request.get(f"{served.base_url}/api/admin/db/branches")  # the API takes the same session
    assert api.status == 200


def test_an_answer_that_names_another_issuer_is_refused(page: Page, oidc_console):
    """RFC 9207: the authorization response's ``iss`` must be this dbadmin's provider (a mix-up attack)."""
    served, urls = oidc_console
    answer = httpx.get(
        f"{served.base_url}/admin/auth/callback?code=abc&state=xyz&iss=https%3A%2F%2Fevil.example", timeout=30
    )
    assert answer.status_code == 400 and "another identity provider" in answer.text
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        reasons = [
            row[0] for row in conn.execute("SELECT details->>'reason' FROM admin_actions WHERE action = 'auth.refused'")
        ]
    assert "login failed: the answer names another issuer" in reasons
