"""env.py that opens connections to two databases: the branch (sqlalchemy.url) and the app's own."""

import os

from alembic import context
from sqlalchemy import create_engine, text

config = context.config
branch = create_engine(config.get_main_option("sqlalchemy.url"))
app = create_engine(os.environ["APP_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))

with branch.connect() as connection:
    with app.connect() as other:  # a second database: which one is meant?
        other.execute(text("CREATE TABLE touched_by_env_py (at timestamptz DEFAULT now())"))
        other.commit()
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
