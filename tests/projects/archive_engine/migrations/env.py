from alembic import context
from sqlalchemy import create_engine

config = context.config
# The app's own database, used only when nobody hands a connection in.
APP_DATABASE = "postgresql+psycopg://app@db:5432/app"


def run(connection):
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url") or APP_DATABASE, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run(config.attributes["connection"])
else:
    with create_engine(APP_DATABASE).connect() as connection:
        run(connection)
