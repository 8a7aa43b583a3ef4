"""Real projects' env.py files from the console, in Chromium: an async env.py runs up on Dev (the console's
event loop is already running), a database made by create_all() is baselined after its schema is
compared, a Flask-Migrate project says how env.py got the branch, and an env.py that connects past the
handover is refused on the page."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.helpers import serve
from tests.ui.browser import screenshot
from tests.ui.browser import confirm_with

pytestmark = pytest.mark.ui
PROJECTS = Path(__file__).resolve().parents[1] / "projects"


def console_on(databases, tmp_path, project: Path, **extra: str):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    served = serve(
        urls | {"MIGRATIONS": str(project), "CHECKPOINT_DIR": str(tmp_path / "store")} | extra, tmp_path / "serve.log"
    )
    return served, urls


def test_an_async_env_py_runs_up_on_dev_from_the_console(page: Page, databases, tmp_path):
    served, urls = console_on(databases, tmp_path, PROJECTS / "async_env" / "alembic.ini")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        expect(page.get_by_test_id("pending")).to_contain_text("record the driver that ran the migration")
        page.get_by_test_id("run-up").click()
        expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
        expect(page.get_by_test_id("applied")).to_contain_text("p004")
        screenshot(page, "migrations-async-env")
    finally:
        assert served.stop() == 0
    with psycopg.connect(urls["DEV_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT driver, is_async FROM ran_with").fetchall() == [("asyncpg", True)]


def test_a_database_made_without_migrations_is_baselined_from_the_console(page: Page, databases, tmp_path):
    served, urls = console_on(databases, tmp_path, PROJECTS / "sqlalchemy_url" / "alembic.ini")
    with psycopg.connect(urls["DEV_DATABASE_URL"], autocommit=True) as conn:  # what the revisions build, by hand
        conn.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, author varchar(120))")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        expect(page.get_by_test_id("migrations-status")).to_have_text("not under migrations yet (1 table)")
        page.get_by_test_id("baseline").click()
        page.get_by_test_id("baseline-revision").click()
        page.get_by_role("option", name="p002 · add an author to notes").click()
        page.get_by_test_id("baseline-next").click()
        confirm_with(page, None, production=False)
        expect(page.get_by_test_id("migrations-status")).to_have_text("1 pending", timeout=30000)
        screenshot(page, "migrations-baselined")
    finally:
        assert served.stop() == 0
    with psycopg.connect(urls["DEV_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("p002",)]


def test_a_flask_migrate_project_says_how_env_py_got_the_branch(page: Page, databases, tmp_path):
    """`flask db init`'s own files, the app's engine from its own settings: the tab says it was pointed at the
    branch, and up runs from the console."""
    served, urls = console_on(databases, tmp_path, PROJECTS / "flask_app" / "migrations")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        expect(page.get_by_test_id("migrations-handover")).to_have_text(
            "env.py: Flask-Migrate (flask db upgrade): engine from the app's settings (db.invalid:5432/notes), "
            "pointed at Development by dbadmin",
            timeout=30000,
        )
        page.get_by_test_id("run-up").click()
        expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
        screenshot(page, "migrations-flask-handover")
    finally:
        assert served.stop() == 0
    with psycopg.connect(urls["DEV_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("f002",)]


def test_an_env_py_that_reaches_another_database_is_refused_on_the_page(page: Page, databases, tmp_path):
    served, _ = console_on(
        databases, tmp_path, PROJECTS / "creator_bypass" / "alembic.ini", APP_DATABASE_URL=databases.new()
    )
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        expect(page.get_by_test_id("migrations-error")).to_contain_text("refused: env.py connected to")
        screenshot(page, "migrations-wrong-database")
    finally:
        assert served.stop() == 0


def test_promoting_a_data_migration_shows_its_notice_before_the_phrase(page: Page, databases, tmp_path):
    served, urls = console_on(databases, tmp_path, PROJECTS / "data_migration" / "alembic.ini")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        page.get_by_test_id("sql-preview").click()
        expect(page.get_by_test_id("preview-skipped")).to_contain_text("no preview for p004: AttributeError")
        page.get_by_test_id("run-up").click()
        expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
        page.goto(f"{served.base_url}/admin/?branch=prod&tab=migrations")
        page.get_by_test_id("promote").click()
        dialog = page.get_by_test_id("confirm-dialog")
        expect(dialog).to_contain_text("no preview for p004")
        expect(page.get_by_test_id("confirm-ok")).to_be_disabled()  # the notice comes before the phrase
        screenshot(page, "promote-data-migration")
        confirm_with(page, "PROMOTE 4", production=True)
        expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=60000)
    finally:
        assert served.stop() == 0
    with psycopg.connect(urls["PROD_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("p004",)]


def test_a_rollback_through_a_revision_without_downgrade_is_refused_and_audited(page: Page, databases, tmp_path):
    """OpenStack's revisions have no downgrade(): the console refuses the rollback before asking for anything, says
    which revision, and the attempt is an audit row as it is from the CLI."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    for revision in (PROJECTS / "revisions").glob("p00*.py"):
        text = revision.read_text()
        (root / "migrations" / "versions" / revision.name).write_text(
            text.split("\ndef downgrade")[0] if revision.name.startswith("p003") else text
        )
    served, urls = console_on(databases, tmp_path, root / "migrations")
    try:
        served.sign_in(page)
        page.goto(f"{served.base_url}/admin/?branch=dev&tab=migrations")
        page.get_by_test_id("run-up").click()
        expect(page.get_by_test_id("migrations-status")).to_have_text("up to date", timeout=30000)
        page.get_by_test_id("rollback").click()
        page.get_by_test_id("rollback-next").click()
        expect(page.get_by_text("p003 cannot be rolled back: its file has no downgrade()")).to_be_visible()
        screenshot(page, "rollback-without-downgrade")
    finally:
        assert served.stop() == 0
    with psycopg.connect(urls["DEV_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("p003",)]
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT outcome, details->>'error' FROM admin_actions WHERE action = 'migrate.down'"
        ).fetchall()
    assert [row[0] for row in rows] == ["refused"] and "has no downgrade()" in rows[0][1]
