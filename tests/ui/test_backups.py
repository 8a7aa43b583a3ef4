"""Backups in Chromium: the schedule editor (and one the settings own), a drill from the
Checkpoints tab, its result on the checkpoint, the last verified backup on the branch card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dbadmin.services.embedded import example_migrations
from tests.helpers import serve
from tests.helpers import run_cli
from tests.ui.browser import screenshot

pytestmark = pytest.mark.ui


@pytest.fixture
def console(databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    env = urls | {"MIGRATIONS": str(example_migrations()), "CHECKPOINT_DIR": str(tmp_path / "store")}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 5", env=env).returncode == 0
    assert run_cli("checkpoint", "create", "prod", "nightly", env=env).returncode == 0
    served = serve(env | {"DEV_SCHEDULE": "0 4 * * *"}, tmp_path / "serve.log")
    yield served
    assert served.stop() == 0


def test_schedule_a_branch_drill_a_checkpoint_and_see_it_verified(page: Page, console):
    base = console.base_url
    console.sign_in(page)
    page.goto(f"{base}/admin/?branch=prod&tab=checkpoints")
    expect(page.get_by_test_id("schedule-summary")).to_have_text(  # the first page of a new server: it may be slow
        "No schedule: checkpoints are taken by hand and before Production migrations.", timeout=20000
    )
    expect(page.get_by_test_id("last-verified")).to_contain_text("No verified backup yet")

    page.get_by_test_id("edit-schedule").click()
    page.get_by_test_id("schedule-crontab").fill("0 3 * *")
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_text("needs five fields")).to_be_visible()  # refused in one line, nothing set
    expect(page.get_by_test_id("schedule-summary")).to_contain_text("No schedule")

    page.get_by_test_id("edit-schedule").click()
    page.get_by_test_id("schedule-crontab").fill("0 3 * * *; 0 9-17 * * 1-5")
    page.get_by_test_id("schedule-keep").fill("daily=7 weekly=4")
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_test_id("schedule-summary")).to_contain_text(
        "Scheduled: 0 3 * * *; 0 9-17 * * 1-5 UTC · keep daily=7 weekly=4 · set in the console · next "
    )

    row = page.get_by_test_id("checkpoints").locator("tbody tr").first  # "nightly", of Prod's four tables
    checkpoint_id = re.match(r"\d+", row.locator("td").first.inner_text())[0]
    page.get_by_test_id(f"drill-{checkpoint_id}").click()
    expect(row).to_contain_text("passed just now", timeout=60000)
    expect(page.get_by_text(f"drill of checkpoint #{checkpoint_id} passed: restored in ")).to_contain_text(
        "schema and rows of 4 table(s) as recorded"
    )
    expect(page.get_by_test_id("last-verified")).to_contain_text(f"Last verified backup: #{checkpoint_id} nightly")
    page.reload()
    expect(page.get_by_test_id("last-verified")).to_contain_text("drilled just now")
    screenshot(page, "backups")

    page.goto(f"{base}/admin/?branch=prod")
    expect(page.get_by_test_id("verified-prod")).to_have_text(f"#{checkpoint_id} · just now (drilled just now)")
    expect(page.get_by_test_id("verified-dev")).to_have_text("none yet")
    expect(page.get_by_test_id("overdue-prod")).to_have_count(0)

    page.goto(f"{base}/admin/?branch=dev&tab=checkpoints")  # DEV_SCHEDULE owns Dev's schedule
    expect(page.get_by_test_id("schedule-summary")).to_contain_text(
        "Scheduled: 0 4 * * * UTC · keep daily=7 weekly=4 · from the settings"
    )
    expect(page.get_by_test_id("edit-schedule")).to_be_disabled()
