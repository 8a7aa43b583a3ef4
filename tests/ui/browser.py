"""What the browser tests share: screenshots, confirming a dialog, signing in through the OpenID provider."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.fakes.oidc_provider import login
from tests.helpers import Served


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DBADMIN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page draws the fixed header mid-page
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def confirm_with(page: Page, phrase: str | None, *, production: bool) -> None:
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    if phrase:
        expect(page.get_by_test_id("confirm-ok")).to_be_disabled()
        page.get_by_placeholder(phrase).fill(phrase)
    page.get_by_test_id("confirm-ok").click()
    if production:
        page.get_by_test_id("sure-yes").click()


def sign_in_as(page: Page, served: Served, user: str, target: str = "/admin/") -> None:
    page.goto(served.base_url + target)
    expect(page.get_by_test_id("login")).to_contain_text("Sign in with your account at 127.0.0.1")
    page.get_by_test_id("sign-in").click()
    login(page, user)
