"""dbadmin's own database: brought to the latest schema at every start.

The control store holds the audit log, the checkpoint catalog and the migration-run
history, so restoring a branch can never erase the record of what happened to it.
Its schema is the Alembic project in ``migrations/`` (installed as
``dbadmin.control_migrations``).
"""

from __future__ import annotations

import threading
from importlib.resources import files
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from . import dburl
from .errors import BranchUnavailable
from .results import scalar

VERSION_TABLE = "dbadmin_alembic_version"
# dbadmin's own project runs in this process (its env.py is ours); Alembic's ``context`` and
# ``op`` are module-level proxies, so two upgrades in threads of one process take turns.
_ALEMBIC_LOCK = threading.Lock()


def script_location() -> Path:
    return Path(str(files("dbadmin.control_migrations")))


def head() -> str:
    """The revision the code expects the control store to be at."""
    found = ScriptDirectory(str(script_location())).get_current_head()
    assert found is not None, "the control store's migrations have a head"
    return found


def current_revision(conn: psycopg.Connection) -> str | None:
    """The control store's revision, or None before its first upgrade."""
    if scalar(conn.execute("SELECT to_regclass(%s) IS NULL", (VERSION_TABLE,))):
        return None
    row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return row[0] if row else None


def upgrade(url: str) -> str:
    """Apply pending control-store migrations; safe to call at every start and from two processes at once.

    Alembic needs a SQLAlchemy connection, so this one short-lived connection sits
    outside the psycopg pools; it is closed before the function returns.
    """
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=NullPool)
    try:
        with _ALEMBIC_LOCK, engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            now = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
            assert now is not None, "upgraded to head"
            return now
    except OperationalError as exc:
        raise BranchUnavailable(
            f"the control store ({dburl.describe(url)}) is unavailable: {dburl.reason(exc.orig or exc)}"
        ) from None
    finally:
        engine.dispose()
