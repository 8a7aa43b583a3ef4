"""Who a PostgreSQL server says a connection reached: the one test of "is this the branch?".

Two URLs can spell one database differently (``localhost`` vs ``127.0.0.1``, a socket vs
TCP), and an application's env.py can ignore the URL it is handed altogether, so the
registry and the isolated env.py runs both ask the server instead of comparing strings.
Plain SQL and tuples only: the env.py side runs it through whatever DB-API driver the
application's engine uses (psycopg, asyncpg, psycopg2).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from .results import one

# The cluster's system identifier (set by initdb, unique per cluster) plus the database's
# oid.  Physical replicas share both; a replica cannot be written to, and a replica of Prod
# used as Dev is refused by the registry when both are configured.
IDENTITY_SQL = """
SELECT (SELECT system_identifier::text FROM pg_control_system()),
       (SELECT oid::text FROM pg_database WHERE datname = current_database()),
       current_database(), coalesce(host(inet_server_addr()), 'local socket'), coalesce(inet_server_port(), 0)
"""
# Hosted servers may revoke pg_control_system(); the postmaster's start time and port
# still single out one running server.
FALLBACK_IDENTITY_SQL = """
SELECT pg_postmaster_start_time()::text || '/' || current_setting('port'),
       (SELECT oid::text FROM pg_database WHERE datname = current_database()),
       current_database(), coalesce(host(inet_server_addr()), 'local socket'), coalesce(inet_server_port(), 0)
"""


@dataclass(frozen=True)
class Identity:
    """A database as its server names it; ``key`` is what two connections must share to be one database."""

    server: str
    database_oid: str
    database: str
    address: str
    port: int
    fallback: bool = False  # found with FALLBACK_IDENTITY_SQL (pg_control_system() not allowed)

    @property
    def key(self) -> tuple[str, str]:
        return (self.server, self.database_oid)

    @property
    def location(self) -> str:
        """``address:port/database`` as the server reports it, for messages (never a password)."""
        return f"{self.address}:{self.port}/{self.database}"

    @classmethod
    def from_row(cls, row: tuple, *, fallback: bool = False) -> Identity:
        return cls(str(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]), fallback)

    def as_dict(self) -> dict:
        return {
            "server": self.server,
            "database_oid": self.database_oid,
            "database": self.database,
            "address": self.address,
            "port": self.port,
            "fallback": self.fallback,
        }


def sql_for(fallback: bool) -> str:
    return FALLBACK_IDENTITY_SQL if fallback else IDENTITY_SQL


def of_connection(conn: psycopg.Connection) -> Identity:
    """Ask a psycopg connection's server who it is (the fallback where pg_control_system() is revoked)."""
    try:
        return Identity.from_row(one(conn.execute(IDENTITY_SQL)))
    except psycopg.errors.InsufficientPrivilege:
        return Identity.from_row(one(conn.execute(FALLBACK_IDENTITY_SQL)), fallback=True)
