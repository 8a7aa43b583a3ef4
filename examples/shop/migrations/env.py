"""The shop's Alembic environment, written the way applications usually write theirs.

It takes ``sqlalchemy.url`` from the config (dbadmin sets it per branch) and falls back
to the application's own setting, ``SHOP_DATABASE_URL``.
"""

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get("SHOP_DATABASE_URL")
if not url:
    raise SystemExit("set sqlalchemy.url or SHOP_DATABASE_URL")


def run_migrations_offline() -> None:
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
