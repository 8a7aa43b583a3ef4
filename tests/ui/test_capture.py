"""Schema changes made outside migrations, in the console: the branch card warns with a count,
History lists each with who, from where and the statement, the Schema changes tab records, guards
and bypasses, and Dev vs Prod names the change behind a drift."""

from __future__ import annotations

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.helpers import run_cli, shop_at_head
from tests.ui.browser import screenshot
from tests.ui.browser import confirm_with

pytestmark = pytest.mark.ui


def test_a_change_made_in_psql_shows_on_the_card_and_in_history(page: Page, databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    assert run_cli("capture", "install", "dev", env=urls).returncode == 0
    psql(urls, "CREATE TABLE hotfix_flags (id int PRIMARY KEY, on_off boolean)")
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


def test_an_admin_records_guards_and_bypasses_from_the_schema_changes_tab(page: Page, databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    served = serve(urls | {"CHECKPOINT_DIR": str(tmp_path / "store")}, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=schema-changes")
        expect(page.get_by_test_id("capture-summary")).to_have_text(
            "not capturing (dbadmin capture install can add it)"
        )
        expect(page.get_by_test_id("capture-state")).to_contain_text("polled instead: a schema snapshot every 10")
        page.get_by_test_id("capture-install").click()
        expect(page.get_by_test_id("capture-summary")).to_have_text("capturing schema changes")
        page.get_by_test_id("guard-on").click()
        confirm_with(page, None, production=False)
        expect(page.get_by_test_id("capture-summary")).to_contain_text("guard on: only migrations change the schema")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="CREATE TABLE is refused outside a migration"):
            psql(urls, "CREATE TABLE refused_by_the_guard (id int)")

        page.get_by_test_id("guard-bypass").click()
        page.get_by_test_id("bypass-minutes").fill("5")
        page.get_by_test_id("bypass-reason").fill("hotfix: index for the slow report")
        page.get_by_test_id("bypass-next").click()
        confirm_with(page, "BYPASS GUARD 5", production=False)
        expect(page.get_by_test_id("capture-summary")).to_contain_text("guard bypassed until")
        psql(urls, "CREATE TABLE hotfix_notes (id int)")
        page.reload()
        events = page.get_by_test_id("capture-events")
        expect(events).to_contain_text("CREATE TABLE (guard bypassed)")
        expect(events).to_contain_text("public.hotfix_notes")
        screenshot(page, "capture-tab")
        page.goto(f"{served.base_url}/admin/history?action=guard.bypass")
        expect(page.get_by_test_id("history")).to_contain_text("Bypassed Development's guard for 5 minutes")
        expect(page.get_by_test_id("history")).to_contain_text("Why: hotfix: index for the slow report")
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=schema-changes")
        page.get_by_test_id("bypass-end").click()
        confirm_with(page, None, production=False)
        expect(page.get_by_test_id("capture-summary")).to_have_text(
            "capturing schema changes; guard on: only migrations change the schema"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="DROP TABLE is refused outside a migration"):
            psql(urls, "DROP TABLE hotfix_notes")
    finally:
        assert served.stop() == 0


def test_dev_vs_prod_names_the_change_outside_migrations_behind_a_drift(page: Page, databases, tmp_path):
    urls, env = shop_at_head(databases, tmp_path / "store")
    assert run_cli("capture", "install", "prod", env=env).returncode == 0
    psql(urls, "ALTER TABLE users ADD COLUMN hotfix_flag boolean", branch="prod")
    served = serve(env, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/compare")
        expect(page.get_by_test_id("compare-drift")).to_contain_text("a change was made outside migrations")
        changes = page.get_by_test_id("compare-changes")
        expect(changes).to_contain_text("hotfix_flag")
        expect(changes).to_contain_text("ALTER TABLE on Production by postgres")
        expect(page.get_by_test_id("compare-history")).to_be_visible()
        screenshot(page, "compare-drift")
    finally:
        assert served.stop() == 0


def psql(urls, statement, branch="dev"):
    with psycopg.connect(urls[f"{branch.upper()}_DATABASE_URL"], autocommit=True, application_name="psql") as conn:
        conn.execute(statement)
