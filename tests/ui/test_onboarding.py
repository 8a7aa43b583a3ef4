"""The first hour in the console: an app's databases with tables and no migrations show that state and
what to do on each card; once ``dbadmin init`` ran, Production's card says where to baseline it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.helpers import run_cli
from tests.helpers import load_legacy_shop
from tests.ui.browser import screenshot

pytestmark = pytest.mark.ui


def test_cards_say_how_to_adopt_migrations_before_and_after_init(page: Page, databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
        "CHECKPOINT_DIR": str(tmp_path / "store"),
    }
    for branch in ("DEV_DATABASE_URL", "PROD_DATABASE_URL"):
        load_legacy_shop(urls[branch])
    served = serve(urls, tmp_path / "serve.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("schema-dev")).to_have_text("not under migrations yet (10 tables)")
        expect(page.get_by_test_id("next-step-dev")).to_contain_text("In your application's folder, run 'dbadmin init'")
        expect(page.get_by_test_id("next-step-prod")).to_contain_text("'dbadmin init' starts from Development")
        screenshot(page, "onboarding-before-init")
    finally:
        assert served.stop() == 0

    folder = tmp_path / "app"
    folder.mkdir()
    done = run_cli("init", env=urls, cwd=folder)
    assert done.returncode == 0, done.stderr
    revision = re.search(r"first revision (\w+)", done.stdout)[1]

    served = serve(urls | {"MIGRATIONS": str(folder / "alembic.ini")}, tmp_path / "serve-after.log")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/")
        expect(page.get_by_test_id("schema-dev")).to_have_text(f"{revision} · up to date")
        expect(page.get_by_test_id("next-step-dev")).to_have_count(0)
        expect(page.get_by_test_id("schema-prod")).to_have_text("not under migrations yet (10 tables)")
        expect(page.get_by_test_id("next-step-prod")).to_contain_text(
            f"Development is at {revision}: baseline Production there once its schema matches"
        )
        screenshot(page, "onboarding-after-init")
    finally:
        assert served.stop() == 0
