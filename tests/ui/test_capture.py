"""Schema changes made outside migrations, in the console: the branch card warns with a count, and
History lists each with who, from where and the statement."""

from __future__ import annotations

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.test_cli import run_cli
from tests.ui.test_admin import screenshot

pytestmark = pytest.mark.ui


def test_a_change_made_in_psql_shows_on_the_card_and_in_history(page: Page, databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    assert run_cli("capture", "install", "dev", env=urls).returncode == 0
    with psycopg.connect(urls["DEV_DATABASE_URL"], autocommit=True, application_name="psql") as conn:
        conn.execute("CREATE TABLE hotfix_flags (id int PRIMARY KEY, on_off boolean)")
    served = serve(urls | {"CHECKPOINT_DIR": str(tmp_path / "store")}, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("outside-dev")).to_contain_text("2 schema changes outside migrations")
        expect(page.get_by_test_id("outside-prod")).to_have_count(0)
        screenshot(page, "capture-card")
        page.goto(f"{served.base_url}/admin/history")
        table = page.get_by_test_id("outside-migrations")
        expect(table).to_contain_text("public.hotfix_flags")
        expect(table).to_contain_text("CREATE TABLE hotfix_flags (id int PRIMARY KEY, on_off boolean)")
        expect(table).to_contain_text("psql")
        screenshot(page, "capture-history")
    finally:
        assert served.stop() == 0
