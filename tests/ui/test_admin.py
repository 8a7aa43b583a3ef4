"""The Database tab in a real Chromium: branch cards and selection, summary, tables grid, details, errors.

Set DBADMIN_SCREENSHOTS=docs/screenshots to refresh the README's screenshots from these runs.
"""

from __future__ import annotations

import re
import time

import psycopg
import pytest
from playwright.sync_api import Page, expect

from dbadmin.services.embedded import example_migrations
from tests.helpers import serve
from tests.ui.browser import screenshot

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def embedded_console(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-embedded")
    served = serve({"DBADMIN_DATA_DIR": str(folder / "data")}, folder / "serve.log")
    yield served, (folder / "data" / "superuser-password").read_text().strip()
    served.stop()


def test_admin_shows_both_branch_cards_on_the_embedded_default(page: Page, embedded_console):
    served, password = embedded_console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/")
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
    expect(page.get_by_test_id("prod-banner")).to_have_count(0)
    expect(page.get_by_test_id("stat-tables")).to_contain_text("4 tables")
    expect(page.get_by_test_id("stat-migration")).to_contain_text("add users.email_verified_at")
    expect(page.get_by_test_id("stat-migration")).to_contain_text("by dbadmin")
    assert password not in page.content()
    screenshot(page, "admin")


def test_root_leads_to_admin(page: Page, embedded_console):
    served, _ = embedded_console
    served.sign_in(page)
    page.goto(served.base_url)
    expect(page).to_have_url(f"{served.base_url}/admin/")
    expect(page.get_by_test_id("branch-prod")).to_be_visible()


def test_selecting_production_is_in_the_url_and_unmistakable(page: Page, embedded_console):
    served, _ = embedded_console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/")
    page.get_by_test_id("branch-prod").click()
    expect(page).to_have_url(f"{served.base_url}/admin/?branch=prod")
    expect(page.get_by_test_id("prod-banner")).to_contain_text("Production")
    expect(page.get_by_test_id("stat-migrations")).to_contain_text("1 pending")
    page.reload()
    expect(page.get_by_test_id("prod-banner")).to_be_visible()
    screenshot(page, "admin-prod")


def test_tables_grid_search_and_details(page: Page, embedded_console):
    served, _ = embedded_console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/?branch=dev")
    grid = page.get_by_test_id("tables-grid")
    expect(grid).to_contain_text("orders")
    expect(grid).to_contain_text("600")  # the example shop's orders, analyzed: a count, not "unknown"
    expect(grid).not_to_contain_text("unknown")
    expect(page.get_by_test_id("tables-range")).to_have_text("1–4 of 4")
    page.get_by_placeholder("Search schema.table").fill("ord")
    expect(page.get_by_test_id("tables-range")).to_have_text("1–1 of 1")
    grid.get_by_text("orders", exact=True).click()
    details = page.get_by_test_id("details")
    expect(page.get_by_test_id("details-title")).to_have_text("public.orders")
    expect(page.get_by_test_id("details-columns")).to_contain_text("total_cents")
    expect(page.get_by_test_id("details-indexes")).to_contain_text("orders_user_id_created_at")
    expect(page.get_by_test_id("details-constraints")).to_contain_text("REFERENCES users(id)")
    expect(details.get_by_test_id("details-diagram")).to_be_visible()
    screenshot(page, "table-details")
    page.keyboard.press("Escape")
    page.get_by_placeholder("Search schema.table").fill("no such table")
    expect(page.get_by_test_id("tables-empty")).to_have_text("No tables match.")


def test_unknown_branch_in_the_url_is_a_readable_error(page: Page, embedded_console):
    served, _ = embedded_console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/?branch=staging")
    expect(page.get_by_test_id("page-error")).to_contain_text("unknown branch 'staging': use 'dev' or 'prod'")


def test_grid_pages_through_many_tables(page: Page, databases, tmp_path):
    dev = databases.new()
    with psycopg.connect(dev, autocommit=True) as conn:
        conn.execute("".join(f"CREATE TABLE t{i:03d} (id int PRIMARY KEY);" for i in range(60)))
    served = serve(
        {
            "DEV_DATABASE_URL": dev,
            "ADMIN_DATABASE_URL": databases.new(),
            "MIGRATIONS": str(example_migrations()),
            "LISTING_CACHE_SECONDS": "3600",
        },
        tmp_path / "serve.log",
    )
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("tables-range")).to_have_text("1–25 of 60")
        expect(page.get_by_test_id("tables-read-at")).to_have_text(re.compile(r"^as of \d\d:\d\d:\d\d UTC$"))
        page.get_by_test_id("tables-next").click()
        expect(page.get_by_test_id("tables-range")).to_have_text("26–50 of 60")
        expect(page.get_by_test_id("tables-grid")).to_contain_text("t025")
        expect(page.get_by_test_id("tables-grid")).not_to_contain_text("t024")
        # a table made outside dbadmin: the kept listing does not have it, a refresh or a visit does
        with psycopg.connect(dev, autocommit=True) as conn:
            conn.execute("CREATE TABLE made_in_psql (id int)")
        page.get_by_test_id("tables-prev").click()
        expect(page.get_by_test_id("tables-range")).to_have_text("1–25 of 60")
        page.get_by_test_id("tables-refresh").click()
        expect(page.get_by_test_id("tables-range")).to_have_text("1–25 of 61")
        with psycopg.connect(dev, autocommit=True) as conn:
            conn.execute("CREATE TABLE made_in_psql_too (id int)")
        page.reload()
        expect(page.get_by_test_id("tables-range")).to_have_text("1–25 of 62")
    finally:
        assert served.stop() == 0


def test_missing_branch_is_shown_as_missing_with_the_variable_to_set(page: Page, databases, tmp_path):
    served = serve({"DEV_DATABASE_URL": databases.new(), "ADMIN_DATABASE_URL": databases.new()}, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("state-dev")).to_have_text(re.compile("reachable"))
        expect(page.get_by_test_id("state-prod")).to_have_text(re.compile("missing"))
        expect(page.get_by_test_id("branch-prod")).to_contain_text("Set PROD_DATABASE_URL")
        expect(page.get_by_test_id("schema-dev")).to_have_text("not under migrations yet (0 tables)")
        expect(page.get_by_test_id("next-step-dev")).to_contain_text("run 'dbadmin init'")
        expect(page.get_by_test_id("tables-empty")).to_contain_text("no tables yet")
        screenshot(page, "admin-missing-prod")
        page.get_by_test_id("branch-prod").click()
        expect(page.get_by_test_id("branch-problem")).to_contain_text("set PROD_DATABASE_URL")
    finally:
        assert served.stop() == 0


def test_dev_vs_prod_shows_the_schema_and_migration_difference(page: Page, embedded_console):
    served, _ = embedded_console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/")
    page.get_by_role("link", name="Dev vs Prod").click()
    expect(page).to_have_url(f"{served.base_url}/admin/compare")
    expect(page.get_by_test_id("compare-dev")).to_contain_text("0005")
    expect(page.get_by_test_id("compare-prod")).to_contain_text("1 pending")
    expect(page.get_by_test_id("compare-promotion")).to_contain_text(
        "1 revision(s): 0005 (add users.email_verified_at)"
    )
    expect(page.get_by_test_id("compare-summary")).to_have_text("From Production to Development: 1 column added")
    expect(page.get_by_test_id("compare-changes")).to_contain_text("email_verified_at")
    screenshot(page, "compare")


def test_local_login_link_works_once_and_sign_out_ends_the_session(page: Page, embedded_console):
    served, _ = embedded_console
    page.goto(
        f"{served.base_url}/admin/?branch=prod"
    )  # anonymous: sent to the login page, which says where the link is
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    expect(page.get_by_test_id("login")).to_contain_text("dbadmin login-link")
    screenshot(page, "login")
    link = served.login_link()
    page.goto(link)
    expect(page.get_by_test_id("who")).to_contain_text("(local)")
    expect(page.get_by_test_id("role")).to_have_text("admin")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.goto(f"{served.base_url}/admin/")
    expect(page.get_by_test_id("login")).to_be_visible()  # the session is over
    page.goto(link)  # a used link does not work twice
    expect(page.get_by_text("This login link does not work")).to_be_visible()


def test_a_5000_table_branch_renders_and_pages_on_the_server(page: Page, databases, tmp_path):
    dev = databases.new()
    with psycopg.connect(dev, autocommit=True) as conn:
        for start in range(0, 5000, 500):  # batches keep each transaction's locks within the server's table
            with conn.transaction():
                conn.execute(
                    "".join(
                        f"CREATE TABLE t{i:04d} (id int PRIMARY KEY, note text);" for i in range(start, start + 500)
                    )
                )
    served = serve(
        {
            "DEV_DATABASE_URL": dev,
            "ADMIN_DATABASE_URL": databases.new("control"),
            "MIGRATIONS": str(example_migrations()),
        },
        tmp_path / "serve.log",
    )
    try:
        served.sign_in(page)
        started = time.monotonic()
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("tables-range")).to_have_text("1–25 of 5000")
        print(f"5,000-table branch: first render in {time.monotonic() - started:.2f} s")
        expect(page.get_by_test_id("stat-tables")).to_contain_text("5000 tables")
        expect(page.get_by_test_id("tables-grid").locator("tbody tr")).to_have_count(25)  # one page, not 5,000 rows
        page.get_by_test_id("tables-next").click()
        expect(page.get_by_test_id("tables-range")).to_have_text("26–50 of 5000")
        page.get_by_placeholder("Search schema.table").fill("t4999")
        expect(page.get_by_test_id("tables-range")).to_have_text("1–1 of 1")
        page.get_by_test_id("tables-grid").get_by_text("t4999", exact=True).click()
        expect(page.get_by_test_id("details-columns")).to_contain_text("note")
    finally:
        assert served.stop() == 0
