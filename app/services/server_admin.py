"""Database-level statements on a branch's server: create, copy, rename, drop, fence off.

``CREATE DATABASE``, ``DROP DATABASE`` and renames cannot run inside the database they
concern (nor, for CREATE/DROP, inside a transaction block), so these run on a short-lived
maintenance connection to the server's ``postgres`` (or ``template1``) database with the
branch's own credentials; this is the one place dbadmin connects outside its pools.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from . import dburl
from .errors import BranchUnavailable, OperationRefused
from .identity import Identity
from .identity import of_connection as identity_of
from .results import scalar

MAINTENANCE_DATABASES = ("postgres", "template1")


def unique_part() -> str:
    """A random part for names on a server or in a store that other dbadmins may share.

    Catalog ids restart when a control store is recreated, and two dbadmins can share a
    server, so an id alone does not make a name unique.
    """
    return secrets.token_hex(4)


def database_of(url: str) -> str:
    return dburl.parts(url)["dbname"]


@contextmanager
def maintenance(
    url: str, *, secrets: tuple[str, ...] = (), purpose: str = "dbadmin-maintenance"
) -> Iterator[psycopg.Connection]:
    """A maintenance connection named ``purpose`` (its application_name), so that sessions a killed
    process left running can be found and ended (``end_orphans``)."""
    last: Exception = BranchUnavailable("no maintenance database to connect to")
    for name in MAINTENANCE_DATABASES:
        try:
            conn = psycopg.connect(
                dburl.with_database(url, name), autocommit=True, connect_timeout=10, application_name=purpose
            )
        except psycopg.OperationalError as exc:
            last = exc
            continue
        with conn:
            yield conn
        return
    raise BranchUnavailable(f"no maintenance connection to {dburl.describe(url)}: {dburl.reason(last, secrets)}")


def exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def size(conn: psycopg.Connection, name: str) -> int:
    return scalar(conn.execute("SELECT pg_database_size(%s)", (name,)))


def flush(conn: psycopg.Connection) -> bool:
    """Write the server's dirty buffers out now (``CHECKPOINT``); False where the role may not
    (it needs superuser or, from PostgreSQL 15, pg_checkpoint)."""
    try:
        conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


def data_directory(conn: psycopg.Connection) -> str | None:
    """The server's data directory, where the role may read it (superuser, pg_read_all_settings)."""
    try:
        return scalar(conn.execute("SHOW data_directory"))
    except psycopg.errors.InsufficientPrivilege:
        return None


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def allow_connections(conn: psycopg.Connection, name: str, allow: bool) -> None:
    conn.execute(
        sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
            sql.Identifier(name), sql.SQL("true" if allow else "false")
        )
    )


def terminate_sessions(conn: psycopg.Connection, name: str) -> int:
    """Disconnect every other session of database ``name``; returns how many there were."""
    return len(
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    )


def other_sessions(conn: psycopg.Connection, name: str) -> int:
    return scalar(
        conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    )


def create(conn: psycopg.Connection, name: str, *, template: str = "template0", owner_of: str | None = None) -> None:
    """``CREATE DATABASE``; a copy of another database when ``template`` names one.

    STRATEGY FILE_COPY (PostgreSQL 15+): a checkpoint is a bulk copy, and copying the
    files writes almost no WAL, where WAL_LOG (the default) would log every page (slower
    for anything but tiny databases, and it floods WAL archives and replicas).
    """
    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    if owner_of:
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (owner_of,)
        ).fetchone()
        if owner:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner[0]))
    if template != "template0" and server_major(conn) >= 15:
        statement += sql.SQL(" STRATEGY FILE_COPY")
    conn.execute(statement)


def drop(conn: psycopg.Connection, name: str) -> None:
    """Drop ``name`` if it exists, whoever is connected.

    Connections are refused first: WITH (FORCE) ends the sessions it finds, but a client
    still running (a pg_restore whose dbadmin was killed) could open a new one before
    the drop and make it fail.
    """
    if exists(conn, name):
        allow_connections(conn, name, False)
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def swap(conn: psycopg.Connection, *, current: str, replacement: str, keep_as: str) -> None:
    """Rename ``current`` to ``keep_as`` and ``replacement`` to ``current`` in one transaction.

    ALTER DATABASE ... RENAME is transactional, so either both renames happen or neither.
    """
    with conn.transaction():
        conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(current), sql.Identifier(keep_as)))
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(replacement), sql.Identifier(current))
        )


@contextmanager
def scratch_database(url: str, *, secrets: tuple[str, ...] = ()) -> Iterator[str]:
    """A new, empty database on ``url``'s server (same credentials), dropped on the way out whatever happens."""
    with maintenance(url, secrets=secrets) as conn:
        if not can_create_databases(conn):
            raise OperationRefused(
                f"a scratch database is needed, and the role of {dburl.describe(url)} may not "
                "create databases (CREATEDB)"
            )
        name = f"dbadmin_scratch_{unique_part()}"
        create(conn, name)
    try:
        yield dburl.with_database(url, name)
    finally:
        with maintenance(url, secrets=secrets) as conn:
            drop(conn, name)


@contextmanager
def session(url: str, *, purpose: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a database dbadmin made beside a branch (a checkpoint's copy, a
    drill's scratch database): it has no pool, since it lives for one operation."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10, application_name=purpose) as conn:
        yield conn


@contextmanager
def reading(url: str) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
    """A dict cursor in a read-only transaction on a scratch database (it has no pool: it lives for one operation)."""
    with psycopg.connect(url, connect_timeout=10, application_name="dbadmin-scratch") as conn:
        with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            yield cur


def identity(url: str) -> Identity:
    """Who the server says a scratch database is, for the env.py runs that build it."""
    with psycopg.connect(url, connect_timeout=10, application_name="dbadmin-scratch") as conn:
        return identity_of(conn)


def can_create_databases(conn: psycopg.Connection) -> bool:
    """Whether the connected role may CREATE DATABASE (needed to build a restore aside and to clone)."""
    return scalar(conn.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"))


def end_orphans(conn: psycopg.Connection, purpose: str, *, timeout: float = 30) -> int:
    """End the sessions named ``purpose`` other than this one, and wait until they are gone.

    A server keeps running a statement after its client was killed (a CREATE DATABASE goes on
    copying), so recovery first ends what the dead process left, which also rolls it back.
    """
    query = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()"
    pids = [row[0] for row in conn.execute(query, (purpose,))]
    for pid in pids:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    deadline = time.monotonic() + timeout
    while conn.execute(query, (purpose,)).fetchone() and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(pids)
