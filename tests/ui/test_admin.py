"""The /admin page in a real Chromium: both branch cards, their states, no secrets on the page.

Set DBADMIN_SCREENSHOTS=docs/screenshots to refresh the README's screenshots from these runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import serve

pytestmark = pytest.mark.ui


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DBADMIN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def embedded_console(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-embedded")
    served = serve({"DBADMIN_DATA_DIR": str(folder / "data")}, folder / "serve.log")
    yield served, (folder / "data" / "superuser-password").read_text().strip()
    served.stop()


def test_admin_shows_both_branch_cards_on_the_embedded_default(page: Page, embedded_console):
    served, password = embedded_console
    page.goto(f"{served.base_url}/admin")
    dev, prod = page.get_by_test_id("branch-dev"), page.get_by_test_id("branch-prod")
    expect(dev).to_contain_text("Development")
    expect(prod).to_contain_text("Production")
    expect(prod).to_contain_text("PROD")
    expect(page.get_by_test_id("state-dev")).to_have_text(re.compile("reachable"))
    expect(page.get_by_test_id("state-prod")).to_have_text(re.compile("reachable"))
    expect(page.get_by_test_id("location-dev")).to_have_text(re.compile(r"^127\.0\.0\.1:\d+/dev$"))
    expect(page.get_by_test_id("location-prod")).to_have_text(re.compile(r"^127\.0\.0\.1:\d+/prod$"))
    expect(dev).to_contain_text("PostgreSQL 18")
    expect(page.get_by_test_id("schema-dev")).to_have_text("0005 · up to date")
    expect(page.get_by_test_id("schema-prod")).to_have_text("0004 · 1 pending")
    expect(page.get_by_test_id("checkpoint-prod")).to_contain_text("auto: before migrate.promote")
    expect(page.get_by_test_id("checkpoint-dev")).to_have_text("none yet")
    assert password not in page.content()
    screenshot(page, "admin")


def test_root_leads_to_admin(page: Page, embedded_console):
    served, _ = embedded_console
    page.goto(served.base_url)
    expect(page).to_have_url(f"{served.base_url}/admin")
    expect(page.get_by_test_id("branch-prod")).to_be_visible()


def test_missing_branch_is_shown_as_missing_with_the_variable_to_set(page: Page, databases, tmp_path):
    served = serve({"DEV_DATABASE_URL": databases.new(), "ADMIN_DATABASE_URL": databases.new()}, tmp_path / "serve.log")
    try:
        page.goto(f"{served.base_url}/admin")
        expect(page.get_by_test_id("state-dev")).to_have_text(re.compile("reachable"))
        expect(page.get_by_test_id("state-prod")).to_have_text(re.compile("missing"))
        expect(page.get_by_test_id("branch-prod")).to_contain_text("Set PROD_DATABASE_URL")
        expect(page.get_by_test_id("schema-dev")).to_have_text("MIGRATIONS: not set; point it at your application's alembic.ini")
        screenshot(page, "admin-missing-prod")
    finally:
        assert served.stop() == 0
