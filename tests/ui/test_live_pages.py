"""Live console pages are bound to the login that opened them (security finding F1).

The attacks, as a security probe ran them: an admin's page is open in Chromium; its ids (the
socket's query string, which used to be in the access log) are known to the attacker, who
drives it with a raw socket.io client — without any cookie, with a viewer's cookie, and after
the admin signed out. Each must fail: no connection or no handshake, no update received, the
replayed click has no effect on the admin's page, nothing is created.
"""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx
import psycopg
import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from dbadmin.gate.live import SWEEP_SECONDS
from tests.helpers import Served
from tests.ui.browser import sign_in_as

pytestmark = pytest.mark.ui
SOCKET_PATH = "/admin/_nicegui_ws/socket.io"


def open_admin_page(page: Page, served: Served) -> tuple[dict, list]:
    """Sign the admin in, open Dev's checkpoints, click "Create checkpoint" once (then cancel); return the
    page's socket ids and the event frame that click sent."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(str(payload))))
    sign_in_as(page, served, "admin", "/admin/?branch=dev&tab=checkpoints")
    expect(page.get_by_test_id("checkpoints-empty")).to_be_visible()
    ids = page.evaluate(
        "() => ({client_id: window.clientId, document_id: window.documentId, tab_id: sessionStorage.__nicegui_tab_id})"
    )
    page.get_by_test_id("create-checkpoint").click()
    expect(page.get_by_test_id("create-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("create-dialog")).to_have_count(0)
    events = [json.loads(f.lstrip("0123456789")) for f in frames if f.startswith("42") and '"event"' in f]
    click = next(message for name, message in events if name == "event")
    return ids, click


async def drive(base_url: str, ids: dict, click: dict, *, cookie: str | None, implicit: bool) -> dict:
    """A raw socket.io client that tries to take the page over and click for its owner."""
    received: list[str] = []
    attacker = socketio.AsyncClient(reconnection=False)
    refusals: list[str] = []
    attacker.on("*", lambda event, *data: received.append(event))
    attacker.on("connect_error", lambda data: refusals.append(str((data or {}).get("message", data))))
    query = {
        "client_id": ids["client_id"],
        "next_message_id": 0,
        "document_id": ids["document_id"],
        "tab_id": ids["tab_id"],
    } | ({"implicit_handshake": "true"} if implicit else {})
    try:
        await attacker.connect(
            f"{base_url}?{urlencode(query)}",
            socketio_path=SOCKET_PATH,
            transports=["websocket"],
            headers={"Cookie": cookie} if cookie else {},
            wait_timeout=5,
        )
    except socketio.exceptions.ConnectionError as exc:
        return {"connected": False, "why": "; ".join(refusals) or str(exc), "received": received}
    handshake = None
    if not implicit:
        handshake = await attacker.call(
            "handshake",
            {"client_id": ids["client_id"], "tab_id": ids["tab_id"], "document_id": ids["document_id"]},
            timeout=5,
        )
    await attacker.emit("event", click)  # the admin's own click, replayed
    await asyncio.sleep(1.5)
    await attacker.disconnect()
    return {"connected": True, "handshake": handshake, "received": received}


def attack(base_url: str, ids: dict, click: dict, *, cookie: str | None, implicit: bool) -> dict:
    """``drive`` in a thread of its own: Playwright's sync API keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, drive(base_url, ids, click, cookie=cookie, implicit=implicit)).result()


def cookie_header(page: Page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())


def assert_nothing_happened(page: Page, served: Served, result: dict) -> None:
    assert "update" not in result["received"], result  # the attacker saw nothing of the admin's page
    expect(page.get_by_test_id("create-dialog")).to_have_count(0)  # the replayed click did not reach the page
    page.reload()
    expect(page.get_by_test_id("checkpoints-empty")).to_be_visible()  # and nothing was created


def test_an_anonymous_socket_with_the_logged_ids_is_refused(page: Page, oidc_console):
    served, _ = oidc_console
    ids, click = open_admin_page(page, served)
    for implicit in (True, False):
        result = attack(served.base_url, ids, click, cookie=None, implicit=implicit)
        assert result["connected"] is False and "not signed in" in result["why"], result
    assert_nothing_happened(page, served, result)


def test_a_viewers_socket_cannot_drive_the_admins_page(page: Page, browser: Browser, oidc_console):
    served, _ = oidc_console
    ids, click = open_admin_page(page, served)
    viewer = browser.new_context().new_page()
    sign_in_as(viewer, served, "viewer", "/admin/?branch=dev&tab=checkpoints")
    expect(viewer.get_by_test_id("role")).to_have_text("viewer")
    implicit = attack(served.base_url, ids, click, cookie=cookie_header(viewer), implicit=True)
    assert implicit["connected"] is False and "another login" in implicit["why"], implicit
    explicit = attack(served.base_url, ids, click, cookie=cookie_header(viewer), implicit=False)
    assert explicit["connected"] is True and explicit["handshake"] is False, explicit  # its own login, not this page's
    assert_nothing_happened(page, served, explicit)
    viewer.context.close()


def test_a_page_left_open_after_sign_out_can_change_nothing(page: Page, browser: Browser, oidc_console):
    served, urls = oidc_console
    ids, click = open_admin_page(page, served)
    cookie = cookie_header(page)
    # The admin signs out (from another tab of the same browser); this tab stays open.
    with httpx.Client(base_url=served.base_url, headers={"Cookie": cookie, "Origin": served.base_url}) as client:
        assert client.post("/admin/auth/logout", follow_redirects=False).status_code == 303
    expect(page).to_have_url(
        f"{served.base_url}/admin/login?next=%2Fadmin%2F%3Fbranch%3Ddev%26tab%3Dcheckpoints", timeout=10000
    )  # the open page ended with the session
    for implicit in (True, False):
        result = attack(served.base_url, ids, click, cookie=cookie, implicit=implicit)
        assert result["connected"] is False, result  # the old cookie's session is over
    assert "update" not in result["received"]
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT count(*) FROM admin_checkpoints").fetchone() == (0,)  # nothing was created


def test_socket_ids_and_query_strings_stay_out_of_the_log(page: Page, oidc_console):
    served, _ = oidc_console
    ids, _ = open_admin_page(page, served)
    log = served.output()
    leaks = [
        line
        for line in log.splitlines()
        if any(
            found in line
            for found in (ids["client_id"], ids["tab_id"], ids["document_id"], "socket.io/?", "ticket=", "code=")
        )
    ]
    assert leaks == []


def test_a_page_whose_session_expired_ends_by_itself(page: Page, oidc_console):
    """Idle or absolute expiry has no sign-out request: the sweep ends the open pages of expired sessions."""
    served, urls = oidc_console
    open_admin_page(page, served)
    with psycopg.connect(urls["ADMIN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE auth_sessions SET expires_at = now() WHERE ended_at IS NULL")
    expect(page).to_have_url(re.compile(r".*/admin/login\?next=.*"), timeout=(SWEEP_SECONDS + 10) * 1000)
