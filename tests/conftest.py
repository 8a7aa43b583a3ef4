"""Fixtures shared by every layer: a real PostgreSQL server, throwaway databases, a served console.

The server is ``TEST_DATABASE_URL`` when set (any PostgreSQL a superuser can create
databases on), else an embedded PostgreSQL started for the session, so the suite runs
on a machine with no server at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from dbadmin.config import Settings, load_settings
from dbadmin.services import control_store, dburl
from dbadmin.services.embedded import EmbeddedPostgres, example_migrations
from dbadmin.services.startup import open_context
from tests.helpers import CHROMIUM, SETTINGS_ENV, Databases, load_legacy_shop

# An application's source that `dbadmin doctor --app` scans; its tests are planted, not ours.
collect_ignore = ["sample_app"]
collect_ignore_glob = ["compat/projects/*"]  # real applications' files, vendored unmodified: their tests are not ours


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env, and a private ./.dbadmin


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual default umask (files 0644, folders 0755) for the test, whatever the machine's is."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A superuser URL (database ``postgres``) of the server the tests use.

    The embedded server's data lives outside pytest's temporary folders, which pytest
    prunes to the last three runs: another run on the machine must not delete it.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield dburl.with_database(dburl.normalize(url), "postgres")
        return
    folder = Path(tempfile.mkdtemp(prefix="dbadmin-test-pg-"))
    try:
        with EmbeddedPostgres(folder) as server:
            yield server.url()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def templates(pg_server: str) -> Iterator[dict[str, str]]:
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    names = {"empty": f"dbadmin_tmpl_empty_{suffix}", "control": f"dbadmin_tmpl_control_{suffix}"}
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    control_store.upgrade(dburl.with_database(pg_server, names["control"]))
    yield names
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def databases(pg_server: str, templates: dict[str, str]) -> Iterator[Databases]:
    factory = Databases(pg_server, templates, [])
    yield factory
    factory.drop_all()


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """Settings built only from the arguments (never from the environment or a .env file)."""

    def make(**values: object) -> Settings:
        return load_settings(_env_file=None, **values)

    return make


@pytest.fixture
def make_context(databases, make_settings, tmp_path):
    """Contexts on fresh Dev, Prod and control databases, with the example shop as MIGRATIONS by default."""
    with ExitStack() as stack:

        def make(migrations=None, **overrides):
            values = {"checkpoint_dir": tmp_path / "checkpoints"} | overrides
            settings = make_settings(
                dev_database_url=databases.new(),
                prod_database_url=databases.new(),
                admin_database_url=databases.new("control"),
                migrations=migrations or example_migrations(),
                **values,
            )
            return stack.enter_context(open_context(settings))

        yield make


@pytest.fixture
def app_role(shop, pg_server):
    """A login role like an application's own: no superuser, may create tables in public."""
    name = f"app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'app-pw'").format(sql.Identifier(name)))
    dev = shop.registry.url("dev")
    with psycopg.connect(dev, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(name)))
    params = dburl.parts(dev) | {"user": name, "password": "app-pw"}
    yield name, psycopg.conninfo.make_conninfo(**params)
    with psycopg.connect(dev, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # past a guard a test left on
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.fixture
def legacy(databases, make_settings, tmp_path):
    """Dev and Prod made by hand from the same script, no MIGRATIONS (the app as it is before ``dbadmin
    init``): the context, the app's empty folder, and the two URLs."""
    dev, prod = databases.new(), databases.new()
    for url in (dev, prod):
        load_legacy_shop(url)
    folder = tmp_path / "app"
    folder.mkdir()
    settings = make_settings(
        dev_database_url=dev,
        prod_database_url=prod,
        admin_database_url=databases.new("control"),
        checkpoint_dir=tmp_path / "checkpoints",
    )
    with open_context(settings) as context:
        yield context, folder, dev, prod


@pytest.fixture
def shop(make_context):
    return make_context()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium (Playwright's own browser download is not available here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
