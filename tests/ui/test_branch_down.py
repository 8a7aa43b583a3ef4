"""A branch that does not answer never stops the console (security finding F5, availability): with
Dev's database missing and Prod's port refusing connections, the pages answer at once and each branch
card says why, the branch list asks both branches side by side, and nothing is a traceback."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from dbadmin.services import dburl
from dbadmin.services.embedded import example_migrations
from dbadmin.services.registry import STATUS_TIMEOUT
from tests.helpers import free_port, serve
from tests.ui.browser import screenshot

pytestmark = pytest.mark.ui


@pytest.fixture
def console_with_branches_down(databases, tmp_path):
    control = databases.new("control")
    urls = {
        "DEV_DATABASE_URL": dburl.with_database(control, "no_such_database"),
        "PROD_DATABASE_URL": f"postgresql://app:secret@127.0.0.1:{free_port()}/shop",
        "ADMIN_DATABASE_URL": control,
    }
    served = serve(urls | {"MIGRATIONS": str(example_migrations()), "POOL_TIMEOUT": "3"}, tmp_path / "serve.log")
    yield served
    assert served.stop() == 0
    assert "Traceback" not in served.output()


def test_pages_answer_at_once_and_say_which_branch_is_down(page: Page, console_with_branches_down):
    served = console_with_branches_down
    served.sign_in(page)
    for path in ("/admin/", "/admin/?branch=prod", "/admin/compare", "/admin/history"):  # History: finding F7
        started = time.monotonic()
        answer = page.goto(served.base_url + path)
        assert answer.status == 200 and time.monotonic() - started < 2.5, (path, answer.status)
    page.goto(served.base_url + "/admin/")
    expect(page.get_by_test_id("state-dev")).to_contain_text("unreachable", timeout=15000)
    expect(page.get_by_test_id("state-prod")).to_contain_text("unreachable")
    expect(page.get_by_test_id("branch-problem")).to_contain_text('database "no_such_database" does not exist')
    screenshot(page, "branches-down")
    page.goto(served.base_url + "/admin/history")  # the control store's timeline, whatever the branches say
    expect(page.get_by_test_id("history")).to_contain_text("Signed in as admin (local)")


def test_the_branch_list_asks_both_branches_side_by_side(console_with_branches_down):
    served = console_with_branches_down
    client = served.client()
    started = time.monotonic()
    answer = client.get("/api/admin/db/branches")
    took = time.monotonic() - started
    client.close()
    assert (
        answer.status_code == 200 and [(b["configured"], b["reachable"]) for b in answer.json()] == [(True, False)] * 2
    )
    assert took < STATUS_TIMEOUT + 1.5, took  # one short wait for both, not a POOL_TIMEOUT per branch
    assert "secret" not in answer.text
