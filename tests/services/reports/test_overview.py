"""The branch summary: health, tables, last migration (name, when, by whom), last checkpoint, busy holder."""

from __future__ import annotations

from dbadmin.services import checkpoints, migrations
from dbadmin.services.operations import oplock
from dbadmin.services.reports import overview
from dbadmin.services.startup import open_context
from tests.helpers import admin


def test_summary_of_a_working_branch(shop):
    migrations.upgrade(shop, "dev", actor=admin("alice"))
    checkpoints.create(shop, "dev", actor=admin("bob"), label="safe point", strategy="clone")
    card = overview.branch_overview(shop, "dev")
    assert (card.status.state, card.revision, card.migrations) == ("reachable", "0005", "up to date")
    assert card.last_migration.revision.message == "add users.email_verified_at"
    assert card.last_migration.applied_by == "alice" and card.last_migration.applied_at is not None
    assert (card.last_checkpoint.label, card.last_checkpoint.created_by) == ("safe point", "bob")
    assert card.summary.tables_by_kind["table"] == 4 and card.summary.size_bytes > 0
    assert card.busy is None
    with oplock.hold(shop.registry, "dev", operation="checkpoint.create", actor="carol"):
        assert (
            overview.branch_overview(shop, "dev").busy.describe().startswith("busy: checkpoint.create by carol since")
        )


def test_summary_of_an_empty_and_of_a_missing_branch(databases, make_settings):
    settings = make_settings(dev_database_url=databases.new(), admin_database_url=databases.new("control"))
    with open_context(settings) as context:
        dev, prod = overview.overviews(context)
        assert (dev.migrations, dev.migrations_problem) == ("not under migrations yet (0 tables)", None)
        assert "run 'dbadmin init'" in dev.next_step  # no project yet: the card says how to start one
        assert dev.last_checkpoint is None
        assert dev.summary.tables_by_kind["table"] == 0
        assert (prod.status.state, prod.summary, prod.migrations) == ("missing", None, None)


def test_a_branch_not_under_migrations_says_what_to_do_next(shop):
    dev, prod = overview.overviews(shop)  # both empty, five revisions pending
    assert dev.next_step == "Empty: Run pending builds it from the first revision."
    assert prod.next_step == "Empty: Promote from Development builds it."
    with shop.registry.connection("prod") as conn:
        conn.execute("CREATE TABLE users (id int)")  # made by hand, as create_all() would
    migrations.upgrade(shop, "dev", actor=admin("ada"))
    dev, prod = overview.overviews(shop)
    assert dev.next_step is None
    assert prod.next_step.startswith("Development is at 0005: baseline Production there once its schema matches")
