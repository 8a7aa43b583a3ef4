"""Read-only SQL in the console: a query on Dev shows typed columns and rows, a write is refused with
the server's reason, and on Prod a sensitive column cannot be selected (the message names it)."""

from __future__ import annotations

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.test_cli import shop_at_head
from tests.ui.test_admin import screenshot

pytestmark = pytest.mark.ui


def run_query(page: Page, text: str) -> None:
    editor = page.get_by_test_id("sql-editor").locator(".cm-content")
    editor.fill(text)
    editor.press("Escape")  # closes the completion list
    page.get_by_test_id("sql-run").click()


def test_a_query_on_dev_and_a_masked_column_on_prod(page: Page, databases, tmp_path):
    urls, env = shop_at_head(databases, tmp_path / "store")
    for name in ("DEV_DATABASE_URL", "PROD_DATABASE_URL"):
        with psycopg.connect(urls[name], autocommit=True) as conn:
            conn.execute(
                "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', 'Bob')"
            )
    served = serve(env, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=sql")
        run_query(page, "SELECT id, email, name FROM users ORDER BY id")
        expect(page.get_by_test_id("sql-summary")).to_contain_text("2 rows in")
        results = page.get_by_test_id("sql-results")
        expect(results).to_contain_text("email (text)")
        expect(results).to_contain_text("ada@example.com")
        screenshot(page, "sql-dev")
        run_query(page, "DELETE FROM users")
        expect(page.get_by_test_id("sql-error")).to_contain_text("cannot execute DELETE in a read-only transaction")

        page.goto(f"{served.base_url}/admin/?branch=prod&tab=sql")
        expect(page.get_by_test_id("sql-prod-note")).to_be_visible()
        run_query(page, "SELECT * FROM users")
        expect(page.get_by_test_id("sql-error")).to_contain_text("masked column (email) may not be selected")
        run_query(page, "SELECT id, name FROM users ORDER BY id")
        expect(page.get_by_test_id("sql-results")).to_contain_text("Bob")
        screenshot(page, "sql-prod-masked")
        page.goto(f"{served.base_url}/admin/history?action=data.sql")
        expect(page.get_by_test_id("history")).to_contain_text("data.sql — refused")
        expect(page.get_by_test_id("history")).to_contain_text("data.sql — ok")
    finally:
        assert served.stop() == 0
