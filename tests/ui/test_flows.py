"""Every change the console offers, done in Chromium as a person would: run migrations on Dev, take a
checkpoint, promote to Prod (typed phrase + "are you sure"), restore on Prod (a wrong phrase keeps
the button disabled), roll back Prod, and find each action in History."""

from __future__ import annotations

import re

import psycopg
import pytest
from playwright.sync_api import Page, expect

from dbadmin.services.embedded import example_migrations
from tests.helpers import run_cli
from tests.ui.browser import screenshot
from tests.ui.browser import confirm_with

pytestmark = pytest.mark.ui


def test_migrate_checkpoint_promote_restore_rollback_and_history(page: Page, console):
    served, urls = console
    base = served.base_url

    # Dev: run the pending migrations
    served.sign_in(page)
    page.goto(f"{base}/admin/?branch=dev&tab=migrations")
    expect(page.get_by_test_id("migrations-status")).to_have_text("not under migrations yet (0 tables)")
    expect(page.get_by_test_id("pending")).to_contain_text("create users")
    page.get_by_test_id("sql-preview").click()
    expect(page.get_by_test_id("sql-preview")).to_contain_text("prefer-bigint-over-int")
    screenshot(page, "migrations")
    page.get_by_test_id("run-up").click()
    expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
    expect(page.get_by_test_id("applied")).to_contain_text("add users.email_verified_at")

    # Dev: a checkpoint
    page.goto(f"{base}/admin/?branch=dev&tab=checkpoints")
    expect(page.get_by_test_id("checkpoints-empty")).to_be_visible()
    page.get_by_test_id("create-checkpoint").click()
    expect(page.get_by_test_id("expected-unavailability")).to_contain_text("clone: the branch takes no connections")
    page.get_by_label("Label").fill("before the demo")
    page.get_by_test_id("create-ok").click()
    expect(page.get_by_test_id("checkpoints")).to_contain_text("before the demo", timeout=30000)

    # Prod: promote, with the phrase and the second prompt
    page.goto(f"{base}/admin/?branch=prod&tab=migrations")
    page.get_by_test_id("promote").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("receiving 5 revision(s)")
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text(
        "All or nothing: the 5 revisions run in one transaction; if one fails or dbadmin stops, Production stays "
        "at no revision."
    )
    screenshot(page, "promote-confirm")
    confirm_with(page, "PROMOTE 5", production=True)
    expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)

    # Prod: restore the automatic checkpoint; a wrong phrase never enables the button
    with psycopg.connect(urls["PROD_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('late@x.test', 'late')")
    page.goto(f"{base}/admin/?branch=prod&tab=checkpoints")
    expect(page.get_by_test_id("checkpoints")).to_contain_text("auto: before migrate.promote")
    checkpoint_id = (
        page.get_by_test_id("checkpoints").locator("tbody tr").first.locator("td").first.inner_text().strip()
    )
    screenshot(page, "checkpoints")
    page.get_by_test_id(f"restore-{checkpoint_id}").click()
    page.get_by_placeholder(f"RESTORE {checkpoint_id}").fill(f"RESTORE {int(checkpoint_id) + 1}")
    expect(page.get_by_test_id("confirm-ok")).to_be_disabled()
    page.get_by_test_id("confirm-cancel").click()
    with psycopg.connect(urls["PROD_DATABASE_URL"]) as conn:  # nothing changed
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    page.get_by_test_id(f"restore-{checkpoint_id}").click()
    confirm_with(page, f"RESTORE {checkpoint_id}", production=True)
    expect(page.get_by_test_id("checkpoints")).to_contain_text(f"before restore of #{checkpoint_id}", timeout=30000)
    with psycopg.connect(urls["PROD_DATABASE_URL"]) as conn:  # back before the promotion: no users table
        assert conn.execute("SELECT to_regclass('users')").fetchone()[0] is None

    # Prod: promote again, then roll back one revision with ROLLBACK 1
    page.goto(f"{base}/admin/?branch=prod&tab=migrations")
    page.get_by_test_id("promote").click()
    confirm_with(page, "PROMOTE 5", production=True)
    expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
    page.get_by_test_id("rollback").click()
    page.get_by_test_id("rollback-next").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("0005 · add users.email_verified_at")  # what goes
    screenshot(page, "rollback-confirm")
    confirm_with(page, "ROLLBACK 1", production=True)
    expect(page.get_by_test_id("migrations-status")).to_have_text("1 pending", timeout=30000)

    # History: every action, newest first
    page.goto(f"{base}/admin/history")
    history = page.get_by_test_id("history")
    for text in (  # in words, from the actions' registry
        "Migrated Development to 0005",
        "Took checkpoint #",
        "Promoted 0001, 0002, 0003, 0004, 0005 to Production",
        "Restored Production to checkpoint #",
        "Rolled back Production to 0004 (undid 0005)",
    ):
        expect(history).to_contain_text(text)
    screenshot(page, "history")
    page.goto(f"{base}/admin/history?branch=prod&action=migrate.promote")
    expect(page.get_by_test_id("history").get_by_text(re.compile(r"^Promoted .* to Production$"))).to_have_count(2)
    expect(page.get_by_test_id("history")).not_to_contain_text("Migrated")


def test_refused_attempts_show_in_history_with_their_reason(page: Page, console):
    served, urls = console
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/?branch=prod&tab=migrations")
    page.get_by_test_id("promote").click()  # Dev has nothing applied: the plan is refused, with the reason
    expect(page.get_by_text("Development is not under migrations yet")).to_be_visible()
    env = urls | {"MIGRATIONS": str(example_migrations())}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 4", env=env).returncode == 1  # wrong count
    page.goto(f"{served.base_url}/admin/history?outcome=refused")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Promote 0001, 0002, 0003, 0004, 0005 to Production — refused")
    expect(history).to_contain_text("needs the exact phrase 'PROMOTE 5'; got 'PROMOTE 4'")
    expect(history.locator("[data-outcome]").first).to_be_visible()
    expect(history.locator("[data-outcome]:not([data-outcome=refused])")).to_have_count(0)  # refused ones only
    page.get_by_label("From").fill("2001-01-01")
    page.get_by_label("To", exact=True).fill("2001-01-31")
    page.get_by_test_id("history-filter").click()
    expect(page).to_have_url(re.compile(r"since=2001-01-01&until=2001-01-31"))
    expect(page.get_by_test_id("history-empty")).to_be_visible()  # nothing happened in January 2001
    page.goto(f"{served.base_url}/admin/history?since=last+week")
    expect(page.get_by_test_id("history-error")).to_contain_text("from must be a day written YYYY-MM-DD")


def test_a_long_operation_can_be_cancelled_from_the_page(page: Page, console):
    served, urls = console
    with psycopg.connect(urls["PROD_DATABASE_URL"], autocommit=True) as conn:  # enough data for a dump to take a while
        conn.execute("CREATE TABLE filler AS SELECT g, md5(g::text) AS m FROM generate_series(1, 3000000) g")
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/?branch=prod&tab=checkpoints")
    page.get_by_test_id("create-checkpoint").click()
    page.get_by_label("Label").fill("too slow")
    page.get_by_test_id("create-ok").click()
    # log lines as they come (a loaded machine may take seconds to start the operation)
    expect(page.get_by_test_id("operation-log")).to_contain_text("pg_dump started", timeout=30000)
    page.get_by_test_id("operation-cancel").click()
    expect(page.get_by_text("pg_dump was cancelled")).to_be_visible(timeout=30000)
    page.reload()
    expect(page.get_by_test_id("checkpoints")).to_contain_text("failed")
