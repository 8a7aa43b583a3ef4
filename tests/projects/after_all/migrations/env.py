"""env.py that migrates on the connection dbadmin hands in, then opens an engine on the app's own database
(to refresh something there): a second database, after every revision committed."""

import os

from alembic import context
from sqlalchemy import create_engine, text

config = context.config

if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(connection=connection)
    before = context.get_context().get_current_heads()
    with context.begin_transaction():
        context.run_migrations()
    if context.get_context().get_current_heads() != before:  # something was migrated: refresh the app
        url = os.environ["APP_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        with create_engine(url).begin() as app:
            app.execute(text("CREATE TABLE refreshed_after_migrations (at timestamptz DEFAULT now())"))
