"""Small Alembic projects written by tests: branches and merges, failures, odd env.py files."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

from alembic.config import Config

from dbadmin.services.embedded import example_migrations

ENV_PY = """
import os
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
# Like many apps, fall back to the application's own setting when sqlalchemy.url is unset.
url = config.get_main_option("sqlalchemy.url") or os.environ["APP_DATABASE_URL"]


def run_migrations_offline():
    context.configure(url=url, literal_binds=True, dialect_opts={{"paramstyle": "named"}})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = engine_from_config({{"sqlalchemy.url": url}}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection{options})
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

REVISION = '''"""{message}"""
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''


def write_project(root: Path, revisions: list[dict], *, env_options: str = "", env_py: str | None = None) -> Path:
    """An Alembic project under ``root``; returns its alembic.ini.

    Each revision: ``id``, ``down`` (None, an id or a tuple for a merge), optional ``labels``,
    ``up`` and ``down_sql`` (SQL text; empty means ``pass``), or ``up_py`` (Python lines for ``upgrade()``).
    """
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(env_py if env_py is not None else ENV_PY.format(options=env_options))
    shutil.copy(Path(example_migrations()).parent / "migrations" / "script.py.mako", root / "migrations")
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    for rev in revisions:
        (versions / f"{rev['id']}.py").write_text(
            REVISION.format(
                message=rev.get("message", f"revision {rev['id']}"),
                revision=rev["id"],
                down=rev["down"],
                labels=rev.get("labels"),
                upgrade=textwrap.indent(rev["up_py"], "    ") if "up_py" in rev else _body(rev.get("up", "")),
                downgrade=_body(rev.get("down_sql", "")),
            )
        )
    return root / "alembic.ini"


def _body(sql: str) -> str:
    return textwrap.indent(f"op.execute({sql!r})" if sql else "pass", "    ")


def branched(root: Path, *, failing: bool = False, env_options: str = "") -> Path:
    """a -> (b on branch 'left', c on branch 'right') -> merge m -> [f, which fails when ``failing``]."""
    revisions = [
        {"id": "a1", "down": None, "up": "CREATE TABLE a (id int)", "down_sql": "DROP TABLE a"},
        {"id": "b1", "down": "a1", "labels": ("left",), "up": "CREATE TABLE b (id int)", "down_sql": "DROP TABLE b"},
        {"id": "c1", "down": "a1", "labels": ("right",), "up": "CREATE TABLE c (id int)", "down_sql": "DROP TABLE c"},
        {"id": "m1", "down": ("b1", "c1"), "message": "merge left and right"},
    ]
    if failing:
        revisions += [
            {"id": "g1", "down": "m1", "up": "CREATE TABLE g (id int)", "down_sql": "DROP TABLE g"},
            {
                "id": "f1",
                "down": "g1",
                "up": "CREATE TABLE f (id int); INSERT INTO f VALUES (1 / 0)",
                "down_sql": "DROP TABLE f",
            },
        ]
    return write_project(root, revisions, env_options=env_options)


def copy_shop(root: Path) -> Path:
    """A writable copy of the example shop project (for ``new_revision``)."""
    source = Path(example_migrations()).parent
    shutil.copytree(source, root / "shop", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return root / "shop" / "alembic.ini"


def plain_config(ini: Path, url: str) -> Config:
    """An Alembic Config for running plain alembic against ``url``, outside dbadmin (as a person would)."""
    config = Config(str(ini), stdout=io.StringIO())
    config.set_main_option("sqlalchemy.url", ("postgresql+psycopg://" + url.split("://", 1)[1]).replace("%", "%%"))
    return config


def five_steps(root: Path, *, concurrently: bool = False) -> Path:
    """p0 (users), then five revisions r1..r5 on top; r3 fails where a table 'no_room' exists, and with
    ``concurrently`` builds an index CONCURRENTLY in an autocommit block (so the run cannot be one transaction)."""
    r3 = (
        'with op.get_context().autocommit_block():\n    op.execute("CREATE INDEX CONCURRENTLY t1_x ON t1 (x)")'
        if concurrently
        else "op.execute(\"DO $$ BEGIN IF to_regclass('no_room') IS NOT NULL THEN "
        "RAISE EXCEPTION 'no room on this branch'; END IF; END $$\")"
    )
    revisions = [
        {
            "id": "p0",
            "down": None,
            "up": "CREATE TABLE users (id serial PRIMARY KEY, email text)",
            "down_sql": "DROP TABLE users",
        },
        {"id": "r1", "down": "p0", "up": "CREATE TABLE t1 (x int)", "down_sql": "DROP TABLE t1"},
        {"id": "r2", "down": "r1", "up": "INSERT INTO t1 SELECT generate_series(1, 10)", "down_sql": "DELETE FROM t1"},
        {"id": "r3", "down": "r2", "up_py": r3, "down_sql": "SELECT 1"},
        {
            "id": "r4",
            "down": "r3",
            "up": "ALTER TABLE users ADD COLUMN nick text",
            "down_sql": "ALTER TABLE users DROP COLUMN nick",
        },
        {"id": "r5", "down": "r4", "up": "CREATE TABLE t5 (y int)", "down_sql": "DROP TABLE t5"},
    ]
    return write_project(root, revisions)
