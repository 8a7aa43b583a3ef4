"""env.py that opens the app's engine (its own variable) with engine.begin(), sync or async (BEGIN_ASYNC=1):
the transaction is env.py's own, and the migrations run inside it."""

import asyncio
import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

url = os.environ["APP_DATABASE_URL"].split("://", 1)[1]


def run(connection):
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async():
    engine = create_async_engine("postgresql+asyncpg://" + url)
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url="postgresql+psycopg://" + url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif os.environ.get("BEGIN_ASYNC"):
    asyncio.run(run_async())
else:
    with create_engine("postgresql+psycopg://" + url).begin() as connection:
        run(connection)
