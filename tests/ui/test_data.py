"""Data in the console: the Rows view (browse, filter, sort, foreign keys both ways, a CSV download,
JSON in full, masked Prod as viewer and admin, an admin's audited reveal) and read-only SQL (a
query on Dev shows typed columns and rows, a write is refused with the server's reason, and on Prod
a sensitive column cannot be selected: the message names it)."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.helpers import shop_at_head
from tests.ui.browser import screenshot
from tests.ui.browser import sign_in_as

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
        page.get_by_test_id("sql-save").click()
        page.get_by_test_id("sql-save-name").fill("everyone")
        page.get_by_test_id("sql-save-ok").click()
        expect(page.get_by_text("Saved as everyone")).to_be_visible()
        page.reload()
        run_query(page, "SELECT 1")
        page.get_by_test_id("sql-saved").click()
        page.get_by_role("option", name="everyone").click()  # a saved query comes back into the editor
        expect(page.get_by_test_id("sql-editor").locator(".cm-content")).to_have_text(
            "SELECT id, email, name FROM users ORDER BY id"
        )
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
        expect(page.get_by_test_id("history")).to_contain_text("Run a read-only query on Production — refused")
        expect(page.get_by_test_id("history")).to_contain_text("Ran a read-only query on Production")
    finally:
        assert served.stop() == 0


def choose(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_rows_browse_filter_follow_export_and_reveal(page: Page, databases, tmp_path):
    urls, env = shop_at_head(databases, tmp_path / "store")
    for name in ("DEV_DATABASE_URL", "PROD_DATABASE_URL"):
        with psycopg.connect(urls[name], autocommit=True) as conn:
            conn.execute(
                "INSERT INTO users (email, name) SELECT format('user%s@example.com', g), format('User %s', g) "
                "FROM generate_series(1, 60) g;"
                "INSERT INTO orders (user_id, total_cents) SELECT 1 + g % 7, g * 100 FROM generate_series(1, 40) g;"
                "CREATE TABLE docs (id int PRIMARY KEY, body jsonb);"
                """INSERT INTO docs VALUES (1, '{"items": [{"sku": "A-1", "qty": 2}], "note": "gift"}')"""
            )
    served = serve(env, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev")
        page.get_by_test_id("tables-grid").get_by_text("users", exact=True).click()
        page.get_by_test_id("details-rows").click()
        expect(page.get_by_test_id("rows-title")).to_have_text("public.users")
        grid = page.get_by_test_id("rows-grid")
        expect(grid).to_contain_text("user1@example.com")
        expect(page.get_by_test_id("rows-range")).to_contain_text("50 rows on this page · by id")
        page.get_by_test_id("rows-next").click()
        expect(grid).to_contain_text("user60@example.com")
        expect(grid).not_to_contain_text("user1@example.com")

        choose(page, "filter-column", "name")
        choose(page, "filter-op", "contains")
        page.get_by_test_id("filter-value").fill("User 4")
        page.get_by_test_id("filter-add").click()
        expect(page.get_by_test_id("rows-filter-chip")).to_contain_text("name contains User 4")
        expect(page.get_by_test_id("rows-range")).to_contain_text("11 rows on this page")  # 4 and 40–49
        choose(page, "rows-sort", "name")
        page.get_by_test_id("rows-desc").click()
        expect(grid.locator("tbody tr").first).to_contain_text("User 49")

        page.goto(f"{served.base_url}/admin/rows?branch=dev&schema=public&table=users&where=id:eq:3")
        referrers = page.get_by_test_id("row-referrers")
        expect(referrers).to_have_text("public.orders (user_id)")
        referrers.click()  # a row lists the rows that reference it
        expect(page.get_by_test_id("rows-title")).to_have_text("public.orders")
        expect(page.get_by_test_id("rows-filter-chip")).to_contain_text("user_id equals 3")
        expect(page.get_by_test_id("rows-range")).to_contain_text("6 rows on this page")
        screenshot(page, "rows")
        page.get_by_test_id("row-link").first.click()  # a value leads to the row it names
        expect(page.get_by_test_id("rows-title")).to_have_text("public.users")
        expect(page.get_by_test_id("rows-grid")).to_contain_text("user3@example.com")

        page.goto(f"{served.base_url}/admin/rows?branch=dev&schema=public&table=orders&where=user_id:eq:3")
        with page.expect_download() as download:
            page.get_by_test_id("rows-export").click()
        lines = Path(download.value.path()).read_text().splitlines()
        assert lines[0] == "id,user_id,total_cents,status,created_at"
        assert len(lines) == 7 and all(line.split(",")[1] == "3" for line in lines[1:])

        page.goto(f"{served.base_url}/admin/rows?branch=dev&schema=public&table=docs")
        page.get_by_test_id("cell-open").click()
        expect(page.get_by_test_id("value-text")).to_contain_text('"sku": "A-1"')

        page.goto(f"{served.base_url}/admin/rows?branch=prod&schema=public&table=users")
        grid = page.get_by_test_id("rows-grid")
        expect(grid).to_contain_text("u•••@example.com")
        expect(grid).not_to_contain_text("user1@example.com")
        expect(grid).to_contain_text("email (text) · masked")
        screenshot(page, "rows-prod-masked")
        grid.locator("tbody tr").first.get_by_test_id("cell-open").click()
        expect(page.get_by_test_id("confirm-dialog")).to_contain_text("recorded in the audit log")
        page.get_by_test_id("confirm-ok").click()
        expect(page.get_by_test_id("value-text")).to_have_text("user1@example.com")
        page.goto(f"{served.base_url}/admin/history?action=data.reveal")
        expect(page.get_by_test_id("history")).to_contain_text(
            "Revealed masked email of a row of public.users on Production"
        )
    finally:
        assert served.stop() == 0


def test_a_viewer_browses_prod_masked_and_cannot_reveal(page: Page, oidc_console):
    served, urls = oidc_console
    with psycopg.connect(urls["PROD_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS customers (id int PRIMARY KEY, email text, phone text, city text)")
        conn.execute(
            "INSERT INTO customers VALUES (1, 'ada@example.com', '+44 20 1234', 'London') ON CONFLICT DO NOTHING"
        )
    sign_in_as(page, served, "viewer", "/admin/rows?branch=prod&schema=public&table=customers")
    expect(page.get_by_test_id("role")).to_have_text("viewer")
    grid = page.get_by_test_id("rows-grid")
    expect(grid).to_contain_text("a•••@example.com")
    expect(grid).to_contain_text("London")
    expect(grid).not_to_contain_text("+44 20 1234")
    expect(grid.get_by_test_id("cell-open")).to_have_count(0)  # no reveal for a viewer
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    rows = httpx.get(f"{served.base_url}/api/admin/db/prod/tables/public/customers/rows", cookies=cookies).json()
    revealed = httpx.get(
        f"{served.base_url}/api/admin/db/prod/tables/public/customers/value",
        params={"column": "email", "row": rows["row_keys"][0]},
        cookies=cookies,
    )
    assert revealed.status_code == 403 and "only admins may reveal a masked value" in revealed.json()["detail"]
