"""env.py whose engine connects through its own function (``creator=``), past SQLAlchemy's connection
arguments: dbadmin cannot hand it the branch, so the identity check must refuse it."""

import os

import psycopg
from alembic import context
from sqlalchemy import create_engine, event, text

engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(os.environ["APP_DATABASE_URL"]))


@event.listens_for(engine, "first_connect")
def first(dbapi_connection, record):  # runs before the pool's "connect" event: it must not reach the app's database
    cursor = dbapi_connection.cursor()
    cursor.execute("CREATE TABLE IF NOT EXISTS touched_at_first_connect (at timestamptz DEFAULT now())")
    dbapi_connection.commit()


if context.is_offline_mode():
    context.configure(url="postgresql+psycopg://localhost/app", literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS touched_by_env_py (at timestamptz DEFAULT now())"))
        connection.commit()
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
