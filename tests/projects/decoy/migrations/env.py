import os

from alembic import context
from sqlalchemy import create_engine, text

# The application's own database, whatever alembic.ini (or dbadmin) says.
url = os.environ["APP_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(url).connect() as connection:
        # Apps do this before configure(): it must not reach the app's database either.
        connection.execute(text("CREATE TABLE IF NOT EXISTS touched_by_env_py (at timestamptz DEFAULT now())"))
        connection.commit()
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
