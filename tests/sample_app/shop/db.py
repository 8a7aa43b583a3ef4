"""The shop's database helpers. Create table of contents for the docs (prose, not SQL)."""

from sqlalchemy import create_engine, text

from .models import Base

engine = create_engine("postgresql+psycopg://shop@localhost/shop")


def start() -> None:
    Base.metadata.create_all(engine)  # finding: create_all


def add_status_column(conn) -> None:
    conn.execute(text("ALTER TABLE customers ADD COLUMN status text"))  # finding: ddl


def report(conn):
    return conn.execute(text("SELECT id, email FROM customers WHERE created_at > now() - interval '1 day'"))


def archive(conn) -> None:
    conn.execute(
        """
        WITH moved AS (DELETE FROM orders WHERE created_at < now() - interval '1 year' RETURNING *)
        INSERT INTO orders_archive SELECT * FROM moved
        """
    )


def make_index(conn) -> None:
    sql = "create index concurrently if not exists orders_by_day on orders (created_at)"  # finding: ddl
    conn.execute(text(sql))


MESSAGE = "Please alter your settings and drop us a line"


def drop_temp(conn, name) -> None:
    from psycopg import sql

    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))  # finding: ddl
    conn.execute("ALTER TABLE orders ALTER COLUMN status SET DEFAULT %s", ("new",))  # finding: ddl
    conn.execute("SELECT * FROM orders WHERE id = %(id)s", {"id": 1})


async def start_async(conn) -> None:
    await conn.run_sync(Base.metadata.create_all)  # finding: create_all


def rename(conn, old: str, new: str) -> None:
    conn.execute(f"ALTER TABLE {old} RENAME TO {new}")  # finding: ddl


def reset_password(conn) -> None:
    conn.execute("ALTER ROLE shop PASSWORD 'hunter2'")  # finding: ddl


def scratch(conn) -> None:
    conn.execute("CREATE TEMP TABLE batch (id int)")  # session-only: not a schema change
