"""Real projects' env.py patterns (tests/projects/): each is run through status, up, promote, checkpoint,
down and restore on both branches, and must land on the branch named and nowhere else.

Also: the decoy (an env.py that connects to the application's own database) is refused
before anything runs there; settings cached at import cannot carry one branch's database
into the next run; an async env.py runs on its async driver; a data migration without
offline SQL can still be previewed and promoted.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy

from dbadmin.services import checkpoints, migrations
from dbadmin.services.migrations.lint import LintUnavailable
from dbadmin.services.schema import introspection
from dbadmin.services.errors import (
    BaselineMismatch,
    ConfigError,
    ConfirmationRequired,
    DBAdminError,
    InvalidInput,
    MigrationFailed,
    OperationRefused,
    WrongDatabase,
)
from dbadmin.services.branch import Branch
from tests.helpers import actions, admin, tables

PROJECTS = Path(__file__).resolve().parents[2] / "projects"
ME = admin("tester")
POSTGRES_PARTS = (
    "POSTGRES_SERVER={host},POSTGRES_PORT={port},POSTGRES_DB={database},POSTGRES_USER={user},"
    "POSTGRES_PASSWORD={password}"
)


def heads(context, branch, table: str = "alembic_version", schema: str = "public") -> list[str]:
    """The version table's rows, read directly from the branch."""
    with context.registry.connection(branch) as conn:
        if conn.execute("SELECT to_regclass(%s) IS NULL", [f"{schema}.{table}"]).fetchone()[0]:
            return []
        return sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {schema}.{table}"))


# (project, settings, revisions in order, the table the first revision creates, version table)
PATTERNS = {
    "sqlalchemy_url": ("sqlalchemy_url/alembic.ini", {}, ["p001", "p002", "p003"], "notes", {}),
    "env_database_url": ("env_database_url/alembic.ini", {}, ["p001", "p002", "p003"], "notes", {}),
    "app_settings": (
        "app_settings/alembic.ini",
        {},
        ["p001", "p002", "p003"],
        "notes",
        {},
    ),
    "app_settings_mapped": (
        "app_settings/alembic.ini",
        {"migrations_env": POSTGRES_PARTS},
        ["p001", "p002", "p003"],
        "notes",
        {},
    ),
    "connection_attribute": ("connection_attribute/alembic.ini", {}, ["p001", "p002", "p003"], "notes", {}),
    "async_env": ("async_env/alembic.ini", {}, ["p001", "p002", "p003", "p004"], "notes", {}),
    "cached_settings": (
        "cached_settings/alembic.ini",
        {"migrations_env": "NOTES_DB_URL={sqlalchemy_url}"},
        ["p001", "p002", "p003"],
        "notes",
        {},
    ),
    "relative_paths": ("relative_paths/backend/alembic.ini", {}, ["t001", "t002"], "tasks", {}),
    "relative_paths_no_ini": ("relative_paths/backend/notes_migrations", {}, ["t001", "t002"], "tasks", {}),
    "logging_and_locations": (
        "logging_and_locations/alembic.ini",
        {},
        ["p001", "p002", "p003", "p004"],
        "notes",
        {"table": "app_versions", "schema": "meta"},
    ),
    "flask_migrate": ("flask_app/migrations", {}, ["f001", "f002"], "notes", {}),
    "data_migration": ("data_migration/alembic.ini", {}, ["p001", "p002", "p003", "p004"], "notes", {}),
}


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_every_pattern_lands_on_the_branch_named(make_context, pattern):
    project, settings, revisions, first_table, table = PATTERNS[pattern]
    context = make_context(migrations=PROJECTS / project, **settings)
    head, previous = revisions[-1], revisions[-2]

    status = migrations.status(context, "dev")
    assert (status.state, [r.id for r in status.pending]) == ("unmanaged", revisions)
    migrations.upgrade(context, "dev", actor=ME)
    assert heads(context, "dev", **table) == [head] and first_table in tables(context, "dev")
    assert migrations.status(context, "dev").state == "up to date"

    plan = migrations.plan_promotion(context)
    assert [r.id for r in plan.revisions] == revisions
    migrations.promote(context, actor=ME, confirm=plan.phrase)
    assert heads(context, "prod", **table) == [head] and first_table in tables(context, "prod")

    for branch in Branch:
        checkpoint = checkpoints.create(context, branch, actor=ME, label=f"{pattern} at head")
        confirm = "ROLLBACK 1" if branch is Branch.PROD else None
        migrations.downgrade(context, branch, actor=ME, steps=1, confirm=confirm)
        assert heads(context, branch, **table) == [previous]
        assert [r.id for r in migrations.status(context, branch).pending] == [head]
        checkpoints.restore(context, branch, checkpoint.id, actor=ME, confirm=f"RESTORE {checkpoint.id}")
        assert heads(context, branch, **table) == [head]
        assert migrations.status(context, branch).state == "up to date"

    history = migrations.history(context, "prod")
    assert [a.revision.id for a in history.applied] == list(reversed(revisions))
    outcomes = {(a.action, a.branch, a.outcome) for a in actions(context)}
    assert outcomes >= {
        ("migrate.up", "dev", "ok"),
        ("migrate.promote", "prod", "ok"),
        ("migrate.down", "dev", "ok"),
        ("migrate.down", "prod", "ok"),
    }
    assert all(a.outcome == "ok" for a in actions(context)), [
        (a.action, a.outcome, a.details) for a in actions(context)
    ]


def test_async_env_runs_on_its_async_driver(make_context):
    context = make_context(migrations=PROJECTS / "async_env" / "alembic.ini")
    migrations.upgrade(context, "dev", actor=ME)
    with context.registry.connection("dev") as conn:
        assert conn.execute("SELECT driver, is_async FROM ran_with").fetchall() == [("asyncpg", True)]
    assert "CREATE TABLE ran_with" in migrations.preview_sql(context, "prod")


def test_settings_cached_at_import_never_carry_a_branch_into_the_next_run(make_context):
    """Dev, then Prod, then Dev in one process: each run is a fresh interpreter with its branch's environment."""
    context = make_context(
        migrations=PROJECTS / "cached_settings" / "alembic.ini", migrations_env="NOTES_DB_URL={sqlalchemy_url}"
    )
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    migrations.promote(context, actor=ME, confirm="PROMOTE 1")
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    assert (heads(context, "dev"), heads(context, "prod")) == (["p002"], ["p001"])
    assert "NOTES_DB_URL" not in os.environ and "notes" not in sys.modules


def test_env_py_runs_leave_this_process_as_it_was(make_context):
    """fileConfig(), sys.path, sys.modules and the environment of the process running dbadmin stay untouched."""
    logger = logging.getLogger("host.app")
    logger.disabled = False
    before = (list(sys.path), set(sys.modules), dict(os.environ), os.getcwd())
    context = make_context(migrations=PROJECTS / "logging_and_locations" / "alembic.ini")
    migrations.upgrade(context, "dev", actor=ME)
    assert migrations.preview_sql(context, "prod").count("CREATE TABLE") == 3  # meta.app_versions, notes, tags
    assert not logger.disabled
    after = (list(sys.path), set(sys.modules), dict(os.environ), os.getcwd())
    assert after[0] == before[0] and after[2:] == before[2:]
    assert not {name for name in after[1] - before[1] if name.startswith(("backend_models", "notes", "app."))}


# -- the decoy -----------------------------------------------------------------------------------


@pytest.fixture
def decoy(databases, monkeypatch):
    """The application's own database, with a table and rows of its own; env.py reads its URL."""
    url = databases.new()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)")
        conn.execute("INSERT INTO customers VALUES (1, 'ada'), (2, 'grace')")
    monkeypatch.setenv("APP_DATABASE_URL", url)
    return url


def _decoy_state(url: str) -> tuple:
    """Every column of every table and the rows of customers: what "byte for byte unchanged" is checked by."""
    with psycopg.connect(url) as conn:
        schema = conn.execute("""SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
                                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""").fetchall()
        return schema, conn.execute("SELECT * FROM customers ORDER BY id").fetchall()


def _location(url: str) -> str:
    parts = psycopg.conninfo.conninfo_to_dict(url)
    host = parts.get("host") or "localhost"
    return f"{'localhost' if host in ('127.0.0.1', '::1') else host}:{parts.get('port') or 5432}/{parts['dbname']}"


def test_an_env_py_that_writes_through_the_apps_engine_before_configure_writes_nowhere(make_context, decoy):
    """The decoy builds its engine from the app's own variable and writes on it before context.configure() says
    which database it migrates: that engine is pointed at the branch, read-only until then, so the write fails in
    one line; neither the app's database nor a branch changed."""
    before = _decoy_state(decoy)
    context = make_context(migrations=PROJECTS / "decoy" / "alembic.ini")
    for call in (
        lambda: migrations.status(context, "dev"),
        lambda: migrations.upgrade(context, "dev", actor=ME),
        lambda: migrations.promote(context, actor=ME, confirm="PROMOTE 3"),
    ):
        with pytest.raises(ConfigError, match="before it gave Alembic its connection") as failed:
            call()
        assert "\n" not in str(failed.value)
    assert _decoy_state(decoy) == before
    for branch in Branch:
        assert introspection.snapshot(context, branch)["tables"] == {}
    assert not [a for a in actions(context) if a.outcome == "ok"]


@pytest.mark.parametrize("begin_async", ["", "1"], ids=["sync", "async"])
def test_an_apps_engine_opened_with_begin_is_handed_the_branch(make_context, decoy, monkeypatch, begin_async):
    """``with engine.begin()`` (sync, or async with run_sync): the connection is read-only until configure() says it
    is the one migrated, then writes; env.py's own transaction is left as it is."""
    monkeypatch.setenv("BEGIN_ASYNC", begin_async)
    before = _decoy_state(decoy)
    context = make_context(migrations=PROJECTS / "begin_settings" / "alembic.ini")
    assert migrations.status(context, "dev").handover.startswith("engine from the app's settings")
    migrations.upgrade(context, "dev", actor=ME)
    assert heads(context, "dev") == ["p003"] and "notes" in tables(context, "dev")
    assert _decoy_state(decoy) == before
    assert all(a.outcome == "ok" for a in actions(context))


def test_a_refusal_after_every_revision_committed_is_a_failure_that_says_so(make_context, decoy):
    """env.py migrates on the handed connection, then opens an engine on the app's database: refused before it
    connects; the branch did move, so the attempt is a failure naming the committed revisions, never 'refused'."""
    before = _decoy_state(decoy)
    context = make_context(migrations=PROJECTS / "after_all" / "alembic.ini")
    with pytest.raises(
        DBAdminError,
        match=r"every revision ran \(p001, p002, p003\), then env.py stopped: .*; Development is now at p003$",
    ):
        migrations.upgrade(context, "dev", actor=ME)
    assert heads(context, "dev") == ["p003"]
    assert _decoy_state(decoy) == before
    assert [(a.action, a.outcome) for a in actions(context) if a.action == "migrate.up"] == [("migrate.up", "failed")]


def test_an_engine_for_another_database_in_a_revision_is_refused_before_it_connects(make_context, databases):
    """env.py migrates on the connection dbadmin hands in; a revision then opens an engine on another database (an
    archive): that engine is not pointed at the branch (it would drop the branch's table) but refused; the run is
    a failure that says how far it got, and the other database is untouched."""
    archive = databases.new()
    os.environ["ARCHIVE_DATABASE_URL"] = archive
    try:
        context = make_context(migrations=PROJECTS / "archive_engine" / "alembic.ini")
        with pytest.raises(MigrationFailed, match="more than one database") as failed:
            migrations.upgrade(context, "dev", actor=ME)
        assert "a002" in str(failed.value)
    finally:
        del os.environ["ARCHIVE_DATABASE_URL"]
    assert "nothing was changed: Development is still at no revision" in str(failed.value)  # one transaction
    assert heads(context, "dev") == []
    with context.registry.connection("dev") as conn:
        assert conn.execute("SELECT to_regclass('orders')").fetchone()[0] is None
        assert conn.execute("SELECT to_regclass('archive_marker')").fetchone()[0] is None
    with psycopg.connect(archive) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    outcomes = [(a.action, a.outcome) for a in actions(context) if a.action == "migrate.up"]
    assert outcomes == [("migrate.up", "failed")]
    runs = {run.revision: run.outcome for run in migrations.history(context, "dev").runs}
    assert runs == {"a001": "failed", "a002": "failed"}  # a001 rolled back together with a002


def test_an_env_py_that_opens_two_databases_is_refused_naming_both(make_context, decoy):
    """One engine on sqlalchemy.url (the branch), one on the app's variable: dbadmin will not guess which is meant."""
    before = _decoy_state(decoy)
    context = make_context(migrations=PROJECTS / "two_databases" / "alembic.ini")
    for call in (
        lambda: migrations.status(context, "dev"),
        lambda: migrations.upgrade(context, "dev", actor=ME),
        lambda: migrations.promote(context, actor=ME, confirm="PROMOTE 3"),
    ):
        with pytest.raises(WrongDatabase) as refused:
            call()
        message = str(refused.value)
        assert "\n" not in message and "more than one database" in message
        assert _location(decoy) in message and _location(context.registry.url("dev")) in message
        assert all(secret not in message for secret in context.settings.secrets())
    assert _decoy_state(decoy) == before
    for branch in Branch:
        assert introspection.snapshot(context, branch)["tables"] == {}
    rows = actions(context)
    assert not [a for a in rows if a.outcome == "ok"], [(a.action, a.outcome) for a in rows]
    assert {(a.action, a.outcome) for a in rows} >= {("migrate.verify", "refused"), ("migrate.up", "refused")}
    assert checkpoints.list_for_branch(context, "prod") == []  # no automatic checkpoint for a refused promotion


def test_a_connection_made_past_the_handover_is_refused_by_the_identity_check(make_context, decoy):
    """``creator=`` connects with its own function, which no connection argument reaches: the server's answer to
    "who are you" (asked before any statement) is not the branch, so nothing runs, there or on the branch."""
    before = _decoy_state(decoy)
    context = make_context(migrations=PROJECTS / "creator_bypass" / "alembic.ini")
    for call in (
        lambda: migrations.status(context, "dev"),
        lambda: migrations.history(context, "prod"),
        lambda: migrations.upgrade(context, "dev", actor=ME),
        lambda: migrations.downgrade(context, "prod", actor=ME, steps=1, confirm="ROLLBACK 1"),
        lambda: migrations.promote(context, actor=ME, confirm="PROMOTE 3"),
    ):
        with pytest.raises(WrongDatabase) as refused:
            call()
        message = str(refused.value)
        assert "\n" not in message and "refused: env.py" in message
        assert decoy.rsplit("/", 1)[1].split("?")[0] in message and "connects past dbadmin's handover" in message
        assert any(context.registry.location(branch) in message for branch in Branch)
        assert all(secret not in message for secret in context.settings.secrets())
    assert _decoy_state(decoy) == before  # not even env.py's own CREATE TABLE before configure() ran there
    for branch in Branch:
        assert introspection.snapshot(context, branch)["tables"] == {}
    rows = actions(context)
    assert not [a for a in rows if a.outcome == "ok"], [(a.action, a.outcome) for a in rows]
    assert {(a.action, a.outcome) for a in rows} >= {
        ("migrate.verify", "refused"),
        ("migrate.up", "refused"),
        ("migrate.down", "refused"),
        ("migrate.promote", "refused"),
    }
    assert checkpoints.list_for_branch(context, "prod") == []


def test_status_says_how_env_py_got_its_database(make_context):
    cases = {
        # shown scrubbed like every text that may hold a secret (a PASSWORD=... part reads as ***)
        "app_settings/alembic.ini": (
            {"migrations_env": POSTGRES_PARTS},
            f"MIGRATIONS_ENV: {POSTGRES_PARTS.replace('{password}', '***')}",
        ),
        "connection_attribute/alembic.ini": ({}, "connection passed in (config.attributes['connection'])"),
        "sqlalchemy_url/alembic.ini": (
            {},
            "its own engine on the URL dbadmin gave it (sqlalchemy.url or DATABASE_URL)",
        ),
    }
    for project, (settings, expected) in cases.items():
        context = make_context(migrations=PROJECTS / project, **settings)
        assert migrations.status(context, "dev").handover == expected, project


def test_a_flask_migrate_project_runs_as_flask_db_does(make_context):
    """`flask db init`'s own files: an ini without script_location, env.py reading current_app; the app found by
    Flask's rules (app.py's create_app), its Flask-SQLAlchemy engine pointed at the branch."""
    context = make_context(migrations=PROJECTS / "flask_app" / "migrations" / "alembic.ini")
    status = migrations.status(context, "dev")
    assert [r.id for r in status.pending] == ["f001", "f002"]
    assert status.handover == (
        "Flask-Migrate (flask db upgrade): engine from the app's settings (db.invalid:5432/notes), "
        "pointed at Development by dbadmin"
    )
    migrations.upgrade(context, "dev", actor=ME)
    assert "ALTER TABLE notes ADD COLUMN title" in migrations.preview_sql(context, "prod")


def test_flask_revisions_that_need_the_application_at_import_are_read_inside_its_context(make_context, tmp_path):
    """Superset's revisions import its models, which need an application context as they load: the graph is read
    again inside the context Flask-Migrate's command pushes."""
    import shutil

    root = tmp_path / "flask_app"
    shutil.copytree(PROJECTS / "flask_app", root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "migrations" / "versions" / "f003_uses_app.py").write_text(
        "from flask import current_app\nfrom alembic import op\n\n"
        "NAME = current_app.name  # 'Working outside of application context' without one\n"
        "revision, down_revision, branch_labels, depends_on = 'f003', 'f002', None, None\n\n\n"
        "def upgrade():\n    op.execute('CREATE TABLE app_named (id int)')\n\n\n"
        "def downgrade():\n    op.execute('DROP TABLE app_named')\n"
    )
    context = make_context(migrations=root / "migrations" / "alembic.ini")
    assert [r.id for r in migrations.status(context, "dev").pending] == ["f001", "f002", "f003"]
    migrations.upgrade(context, "dev", actor=ME)
    assert "app_named" in tables(context, "dev")


def test_an_app_that_migrates_as_it_starts_changes_nothing_behind_dbadmin(make_context, monkeypatch):
    """Its factory calls flask_migrate.upgrade(): the application starts on read-only connections, so that upgrade
    fails, status says why in one line, and neither branch changed."""
    monkeypatch.setenv("NOTES_UPGRADE_ON_START", "1")
    context = make_context(migrations=PROJECTS / "flask_app" / "migrations")
    for call in (
        lambda: migrations.status(context, "dev"),
        lambda: migrations.upgrade(context, "dev", actor=ME),
    ):
        with pytest.raises(ConfigError, match="migrates as it starts") as failed:
            call()
        assert "\n" not in str(failed.value)
    for branch in Branch:
        assert tables(context, branch) == set()


def test_app_settings_need_no_mapping(make_context):
    """The app's .env names its own server (host ``db``, which does not resolve here): with no MIGRATIONS_ENV,
    the engine env.py builds from those settings is made on the branch, and status says so."""
    context = make_context(migrations=PROJECTS / "app_settings" / "alembic.ini")
    assert migrations.status(context, "dev").handover == (
        "engine from the app's settings (db:5432/app), pointed at Development by dbadmin"
    )
    migrations.upgrade(context, "dev", actor=ME)
    assert heads(context, "dev") == ["p003"] and "notes" in tables(context, "dev")
    assert migrations.status(context, "prod").handover.endswith("pointed at Production by dbadmin")


def test_a_project_folder_named_like_the_standard_library_hides_nothing(make_context, tmp_path):
    """The project root holds a package named ``types`` (as one real project's did): it goes on sys.path after the
    interpreter started, as Alembic's prepend_sys_path puts folders there, so the standard library still loads."""
    root = tmp_path / "proj"
    (root / "types").mkdir(parents=True)
    (root / "types" / "__init__.py").write_text("raise ImportError('the project types package shadowed the stdlib')\n")
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    for revision in (PROJECTS / "revisions").glob("p00*.py"):
        (root / "migrations" / "versions" / revision.name).write_text(revision.read_text())
    context = make_context(migrations=root / "migrations")  # no ini: the project root is importable
    assert migrations.status(context, "dev").pending_count >= 3
    migrations.upgrade(context, "dev", actor=ME)
    assert "notes" in tables(context, "dev")


def test_an_env_py_that_refuses_offline_mode_is_still_promoted(make_context, tmp_path):
    """OpenStack Placement's env.py raises in offline mode: no SQL preview and no lint, said as such, and the
    promotion runs (the preview is advisory)."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    env = (PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text()
    (root / "migrations" / "env.py").write_text(
        env.replace("    run_migrations_offline()\n", "    raise Exception('offline mode disabled')\n")
    )
    for revision in (PROJECTS / "revisions").glob("p00*.py"):
        (root / "migrations" / "versions" / revision.name).write_text(revision.read_text())
    context = make_context(migrations=root / "migrations")
    migrations.upgrade(context, "dev", actor=ME)
    plan = migrations.plan_promotion(context)
    assert plan.sql == "" and len(plan.revisions) >= 3
    with pytest.raises(LintUnavailable, match="offline mode disabled"):
        migrations.lint_pending(context, "prod", destination=plan.dev[0])
    migrations.promote(context, actor=ME, confirm=plan.phrase)
    assert heads(context, "prod") == heads(context, "dev")


def test_a_revision_without_downgrade_is_refused_before_a_rollback_starts(make_context, tmp_path):
    """OpenStack's projects write no downgrade() at all: a rollback through one is refused in one line naming it,
    and audited, before anything runs; the revisions after it still roll back."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    for revision in (PROJECTS / "revisions").glob("p00*.py"):
        text = revision.read_text()
        if revision.name.startswith("p002"):
            text = text.split("\ndef downgrade")[0]
        (root / "migrations" / "versions" / revision.name).write_text(text)
    context = make_context(migrations=root / "migrations")
    migrations.upgrade(context, "dev", actor=ME)
    with pytest.raises(
        OperationRefused, match=r"^p002 cannot be rolled back: its file has no downgrade\(\)"
    ) as refused:
        migrations.downgrade(context, "dev", actor=ME, steps=2)
    assert "\n" not in str(refused.value) and heads(context, "dev") == ["p003"]
    assert (actions(context)[-1].action, actions(context)[-1].outcome) == ("migrate.down", "refused")
    migrations.downgrade(context, "dev", actor=ME, steps=1)
    assert heads(context, "dev") == ["p002"]


def test_a_dotenv_the_application_loads_itself_cannot_bring_dbadmins_secrets_back(make_context, tmp_path):
    """A .env shared with dbadmin (dbadmin init's layout) loaded by the application's own settings at import
    (python-dotenv, which never overrides a variable that is set): dbadmin's URLs and secrets stay out of env.py."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / ".env").write_text("PROD_DATABASE_URL=postgresql://leaked@prod.invalid/shop\nSESSION_SECRET=leaked\n")
    env = (PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text()
    (root / "migrations" / "env.py").write_text(
        "import os\nfrom dotenv import load_dotenv\n"
        f"load_dotenv({str(root / '.env')!r})\n"
        "if os.environ.get('PROD_DATABASE_URL') or os.environ.get('SESSION_SECRET'):\n"
        "    raise RuntimeError('dbadmin secrets reached env.py')\n" + env
    )
    for revision in (PROJECTS / "revisions").glob("p00*.py"):
        (root / "migrations" / "versions" / revision.name).write_text(revision.read_text())
    context = make_context(migrations=root / "migrations")
    assert migrations.status(context, "dev").pending_count >= 3
    migrations.upgrade(context, "dev", actor=ME)
    assert "notes" in tables(context, "dev")


def test_an_import_that_fails_names_the_module(make_context, tmp_path):
    ini = tmp_path / "alembic.ini"
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("import notesapp_models\n")
    ini.write_text("[alembic]\nscript_location = migrations\n")
    context = make_context(migrations=ini)
    with pytest.raises(ConfigError, match="could not import 'notesapp_models'.*prepend_sys_path"):
        migrations.status(context, "dev")


# -- databases made without migrations: baseline ----------------------------------------------------


def _create_all(url: str) -> None:
    """What an app that never had migrations did: ``metadata.create_all()`` from its models."""
    spec = importlib.util.spec_from_file_location(
        "backend_models_for_test", PROJECTS / "relative_paths" / "backend" / "backend_models.py"
    )
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    engine = sqlalchemy.create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    models.metadata.create_all(engine)
    engine.dispose()


def test_a_database_made_by_create_all_is_baselined_after_its_schema_is_compared(make_context):
    context = make_context(migrations=PROJECTS / "relative_paths" / "backend" / "alembic.ini")
    for branch in Branch:
        _create_all(context.registry.url(branch))
    assert migrations.status(context, "dev").summary == "not under migrations yet (1 table)"

    done = migrations.baseline(context, "dev", actor=ME, revision="t002", reason="adopting migrations")
    assert (done.revision, done.tables) == ("t002", 1)
    assert heads(context, "dev") == ["t002"] and migrations.status(context, "dev").state == "up to date"
    last = actions(context)[-1]
    assert (last.action, last.outcome, last.details["compared_tables"]) == ("migrate.baseline", "ok", 1)

    with pytest.raises(ConfirmationRequired, match="BASELINE t002"):
        migrations.baseline(context, "prod", actor=ME, revision="t002")
    with context.registry.connection("prod") as conn:
        conn.execute("ALTER TABLE tasks DROP COLUMN done")  # Prod drifted from the models long ago
    with pytest.raises(BaselineMismatch, match=r"does not match t002 .*column public\.tasks\.done removed") as refused:
        migrations.baseline(context, "prod", actor=ME, revision="t002", confirm="BASELINE t002")
    assert "\n" not in str(refused.value) and heads(context, "prod") == []
    last = actions(context)[-1]
    assert (last.outcome, last.details["differences"]) == ("refused", ["column public.tasks.done removed"])

    migrations.baseline(context, "prod", actor=ME, revision="t001", confirm="BASELINE t001")  # what Prod does match
    assert heads(context, "prod") == ["t001"]
    assert [r.id for r in migrations.status(context, "prod").pending] == ["t002"]
    assert _scratch_left(context) == set()  # every scratch database dropped


def test_a_default_that_froze_the_time_its_revision_ran_does_not_stop_a_baseline(make_context, tmp_path):
    """Aodh's revision writes datetime.now() into a server default, so every build differs by its own time: that
    column is not a difference (and is named in the audit row); any other default still is."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    (root / "migrations" / "versions" / "a001_alarms.py").write_text(
        "import datetime\nimport sqlalchemy as sa\nfrom alembic import op\n"
        "revision, down_revision, branch_labels, depends_on = 'a001', None, None, None\n\n\n"
        "def upgrade():\n"
        "    op.create_table('alarm', sa.Column('id', sa.Integer, primary_key=True),\n"
        "        sa.Column('evaluated', sa.DateTime, server_default=str(datetime.datetime.now())))\n\n\n"
        "def downgrade():\n    op.drop_table('alarm')\n"
    )
    context = make_context(migrations=root / "migrations")
    migrations.upgrade(context, "dev", actor=ME)
    with context.registry.connection("dev") as conn:
        conn.execute("DROP TABLE alembic_version")
    migrations.baseline(context, "dev", actor=ME, revision="a001")
    assert heads(context, "dev") == ["a001"]
    recorded = actions(context)[-1]
    assert recorded.outcome == "ok" and "public.alarm.evaluated" in recorded.details["build_time_defaults"][0]


def _branched(root: Path) -> Path:
    """A project with two branches from one base (expand/contract, as OpenStack labels them): heads b1 and c1."""
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    for rev, down, labels, table in (
        ("a1", None, None, "base"),
        ("b1", "a1", ("expand",), "lhs"),
        ("c1", "a1", ("contract",), "rhs"),
    ):
        (root / "migrations" / "versions" / f"{rev}.py").write_text(
            "from alembic import op\n"
            f"revision, down_revision, branch_labels, depends_on = {rev!r}, {down!r}, {labels!r}, None\n\n\n"
            f"def upgrade():\n    op.execute('CREATE TABLE {table} (id int)')\n\n\n"
            f"def downgrade():\n    op.execute('DROP TABLE {table}')\n"
        )
    return root / "migrations"


def test_a_branched_database_is_baselined_at_every_head(make_context, tmp_path):
    context = make_context(migrations=_branched(tmp_path / "proj"))
    migrations.upgrade(context, "dev", actor=ME)
    assert heads(context, "dev") == ["b1", "c1"]
    with context.registry.connection("dev") as conn:
        conn.execute("DROP TABLE alembic_version")
    with pytest.raises(InvalidInput, match="names one revision, or every head"):
        migrations.baseline(context, "dev", actor=ME, revision="a1,b1")
    with pytest.raises(InvalidInput, match="at most 1024 characters"):
        migrations.baseline(context, "dev", actor=ME, revision="b1" + " " * 1030 + "zzz")
    done = migrations.baseline(context, "dev", actor=ME, revision="c1, b1")
    assert done.revision == "b1,c1" and heads(context, "dev") == ["b1", "c1"]
    assert migrations.plan_baseline(context, "prod", "heads").phrase == "BASELINE b1,c1"


def test_a_timestamp_default_that_is_a_choice_still_stops_a_baseline(make_context, tmp_path):
    """Only a default frozen at the moment the scratch build ran is let pass: a fixed date the revision chose, which the
    database does not have, is a difference."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text((PROJECTS / "sqlalchemy_url" / "migrations" / "env.py").read_text())
    (root / "migrations" / "versions" / "s001_sentinel.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n"
        "revision, down_revision, branch_labels, depends_on = 's001', None, None, None\n\n\n"
        "def upgrade():\n"
        "    op.create_table('jobs', sa.Column('id', sa.Integer, primary_key=True),\n"
        "        sa.Column('due', sa.DateTime, server_default='1970-01-01 00:00:00'))\n\n\n"
        "def downgrade():\n    op.drop_table('jobs')\n"
    )
    context = make_context(migrations=root / "migrations")
    migrations.upgrade(context, "dev", actor=ME)
    with context.registry.connection("dev") as conn:
        conn.execute("DROP TABLE alembic_version")
        conn.execute("ALTER TABLE jobs ALTER COLUMN due SET DEFAULT '2000-01-01 00:00:00'")
    with pytest.raises(BaselineMismatch, match="column public.jobs.due changed"):
        migrations.baseline(context, "dev", actor=ME, revision="s001")
    assert heads(context, "dev") == []


def test_baseline_refuses_what_it_must_not_record(make_context):
    context = make_context(migrations=PROJECTS / "relative_paths" / "backend" / "alembic.ini")
    with pytest.raises(InvalidInput, match="unknown revision 'nope'"):
        migrations.baseline(context, "dev", actor=ME, revision="nope")
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    with pytest.raises(OperationRefused, match="already under migrations"):
        migrations.baseline(context, "dev", actor=ME, revision="t002")
    assert heads(context, "dev") == ["t001"]
    assert [a.outcome for a in actions(context) if a.action == "migrate.baseline"] == ["refused", "refused"]


def _scratch_left(context, seconds: float = 30) -> set[str]:
    """Scratch databases on the server that stay: another test's baseline (another worker) drops its own."""
    deadline = time.monotonic() + seconds
    while (found := {name for name in _databases(context) if name.startswith("dbadmin_scratch_")}) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.5)
    return found


def _databases(context) -> set[str]:
    with context.registry.connection("dev") as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def test_a_data_migration_without_offline_sql_is_named_in_the_preview_and_still_promoted(make_context):
    context = make_context(migrations=PROJECTS / "data_migration" / "alembic.ini")
    preview = migrations.preview(context, "dev")
    assert [s.revision for s in preview.skipped] == ["p004"]
    assert "AttributeError" in preview.skipped[0].reason
    assert "-- no preview for p004: AttributeError" in preview.sql and "CREATE TABLE notes" in preview.sql
    assert "CREATE INDEX notes_author" in preview.sql  # the revisions around it are all there
    migrations.upgrade(context, "dev", actor=ME, steps=3)
    with context.registry.connection("dev") as conn:
        conn.execute("INSERT INTO notes (body) VALUES ('no author yet')")
    migrations.upgrade(context, "dev", actor=ME)
    with context.registry.connection("dev") as conn:
        assert conn.execute("SELECT author FROM notes").fetchall() == [("unknown",)]  # it ran online
    plan = migrations.plan_promotion(context)
    assert [s.notice() for s in plan.skipped] == [f"no preview for p004: {plan.skipped[0].reason}"]
    migrations.promote(context, actor=ME, confirm=plan.phrase)
    assert heads(context, "prod") == ["p004"]


def test_the_apps_own_database_url_keeps_its_driver_when_the_branch_takes_its_place(tmp_path):
    """MIGRATIONS_ENV's default puts the branch into DATABASE_URL; an application whose own DATABASE_URL names its
    driver (postgresql+asyncpg://, all it has installed) gets the branch on that driver, not SQLAlchemy's default."""
    from dbadmin.services.revisions.project import Project

    (tmp_path / "env.py").write_text("")
    project = Project(tmp_path)
    branch = "postgresql://dev@db.internal:5432/shop_dev"
    own = {"DATABASE_URL": "postgresql+asyncpg://app@localhost/app"}
    assert project.environment(branch, own)["DATABASE_URL"] == "postgresql+asyncpg://dev@db.internal:5432/shop_dev"
    assert project.environment(branch, {})["DATABASE_URL"] == branch  # nothing of its own: the URL as written
    bare = {"DATABASE_URL": "postgresql://app@localhost/app"}
    assert project.environment(branch, bare)["DATABASE_URL"] == branch
