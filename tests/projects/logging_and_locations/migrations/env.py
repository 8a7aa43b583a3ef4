import logging
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool, text

config = context.config
fileConfig(config.config_file_name)  # disables every logger that existed before: fine in its own process
log = logging.getLogger("alembic.env")
for n in range(2000):
    print(f"env.py says hello, line {n}")
log.info("SQL echo is on: every statement goes to the log as well")


def configure(**extra):
    context.configure(version_table="app_versions", version_table_schema="meta", include_schemas=True, **extra)


if context.is_offline_mode():
    configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool, echo=True
    )
    with engine.connect() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS meta"))
        connection.commit()
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
