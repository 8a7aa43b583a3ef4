"""Alembic environment for dbadmin's own control store.

dbadmin passes an open SQLAlchemy connection in ``config.attributes["connection"]``;
the command line (``alembic -x url=...``) is supported for maintainers.
"""

from alembic import context
from sqlalchemy import create_engine, text

VERSION_TABLE = "dbadmin_alembic_version"
# Two dbadmin processes starting together must not both create the tables: the
# second waits on this lock and then finds the store already at head.
UPGRADE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('dbadmin:control-store-upgrade'))"


def run(connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
    with context.begin_transaction():
        connection.execute(text(UPGRADE_LOCK))
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the control store URL: alembic -x url=postgresql+psycopg://... upgrade head")
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
