"""History pages its entries (security finding F2: a fixed 200, the older ones out of reach but by filters)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dbadmin.config import load_settings
from dbadmin.services.operations import audit
from dbadmin.services.startup import open_context

pytestmark = pytest.mark.ui


def test_history_pages_back_to_the_oldest_entry(page: Page, console):
    served, urls = console
    served.sign_in(page)  # its own audit row first, so the count below is the whole log
    settings = load_settings(
        _env_file=None,
        dev_database_url=urls["DEV_DATABASE_URL"],
        prod_database_url=urls["PROD_DATABASE_URL"],
        admin_database_url=urls["ADMIN_DATABASE_URL"],
    )
    with open_context(settings) as context:
        for n in range(70):
            audit.record(context.registry.control_pool(), actor=f"robot {n}", action="test.paging", outcome="ok")
        total = len(audit.list_actions(context.registry.control_pool(), limit=500))
    page.goto(f"{served.base_url}/admin/history")
    entries = page.locator("[data-testid^=history-entry-]")
    expect(entries).to_have_count(50)
    expect(page.get_by_text("test.paging", exact=True).first).to_be_visible()  # a name not registered: as it is
    expect(page.get_by_test_id("history-newest")).to_be_hidden()
    seen = 50
    while page.get_by_test_id("history-older").count():
        page.get_by_test_id("history-older").click()
        expect(page.get_by_test_id("history-newest")).to_be_visible()
        seen += entries.count()
    assert seen == total  # every entry reached, none twice
    page.goto(f"{served.base_url}/admin/history?before=abc")
    expect(page.get_by_test_id("history-error")).to_contain_text("before must be an entry number")
