"""Who read-only SQL runs as: a login that cannot write, by construction rather than by reading SQL.

A branch's reader is either configured (``DEV_READER_URL`` / ``PROD_READER_URL``: it is
checked, not trusted: a superuser, a role that may create roles or databases, bypass row
security, or that holds a write privilege on any table is refused) or one dbadmin manages
where the branch's role may create roles (the embedded server always): ``dbadmin_reader_*``,
``NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS``, its password derived from
the session secret (so replicas agree and nothing is stored).

On Dev the managed reader holds ``pg_read_all_data``.  On Prod it holds explicit column grants
instead, without the sensitive columns (``MASKED_COLUMNS`` name parts, or a column comment
with ``[sensitive]``), so a query that names one fails with the column's name; the grants are
brought in step with the schema whenever its columns changed, however they changed.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .. import dburl
from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError
from ..frame.access import session_secret

PREFIX = "dbadmin_reader_"
RECHECK_SECONDS = 300
SENSITIVE_TAG = "[sensitive]"
# Roles whose members could write, signal backends or reach the server's files and programs.
_POWERFUL = (
    "pg_write_all_data",
    "pg_signal_backend",
    "pg_execute_server_program",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_checkpoint",
)
_PROBLEMS = """
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
       (SELECT array_agg(p) FROM unnest(%(powerful)s::text[]) p
         WHERE to_regrole(p) IS NOT NULL AND pg_has_role(current_user, p, 'USAGE')) AS powerful,
       (SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
           AND (c.relowner = r.oid
                OR has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
                OR (c.relkind = 'S' AND has_sequence_privilege(c.oid, 'USAGE, UPDATE')))
         LIMIT 1) AS writable
FROM pg_roles r WHERE r.rolname = current_user
"""
# Every column a reader could select on Prod, with whether it is sensitive; its md5 is the
# fingerprint that says when the grants need bringing in step.
_COLUMNS = """
SELECT n.nspname, c.relname, a.attname,
       (lower(a.attname) ~ %(pattern)s OR coalesce(col_description(c.oid, a.attnum), '') ILIKE %(tag)s) AS masked
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'dbadmin_capture')
  AND n.nspname NOT LIKE 'pg\\_%%'
ORDER BY 1, 2, a.attnum
"""


@dataclass(frozen=True)
class ReaderStatus:
    branch: Branch
    available: bool
    how: str  # "configured", "managed", or "none"
    detail: str


class _Kept:
    """Per process: the fingerprint of the columns Prod's reader's grants were last made for, and
    when each reader was last found unable to write (checked again after ``RECHECK_SECONDS``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fingerprints: dict[Branch, str] = {}
        self.checked: dict[tuple[Branch, str], float] = {}  # (branch, reader URL) -> when found safe


_KEPT = _Kept()


def ready(context: Context, branch: Branch | str) -> ReaderStatus:
    """Make ``branch``'s reader usable (create or bring a managed one in step), or say why there is none."""
    branch = Branch.parse(branch)
    configured = branch.value in _configured(context)
    try:
        if not configured:
            problem = _manage(context, branch)
            if problem:
                return ReaderStatus(branch, False, "none", problem)
        problems = _checked(context, branch)
        if problems:
            return ReaderStatus(
                branch, False, "none", f"{branch.name}_READER_URL is not a safe reader: {problems}; it is not used"
            )
    except (DBAdminError, psycopg.Error) as exc:
        return ReaderStatus(branch, False, "none", f"no reader: {dburl.reason(exc, context.settings.secrets())}")
    how = "configured" if configured else "managed"
    scope = "every column but the sensitive ones" if branch is Branch.PROD and not configured else "what it may read"
    return ReaderStatus(branch, True, how, f"read-only SQL runs as a role that cannot write ({how}; {scope})")


def describe(context: Context, branch: Branch | str) -> ReaderStatus:
    """Whether ``branch`` has (or would get) a safe reader, without creating one (for doctor)."""
    branch = Branch.parse(branch)
    try:
        if branch.value in _configured(context):
            with context.registry.reader_connection(branch) as conn:
                problems = _problems(conn)
            if problems:
                return ReaderStatus(branch, False, "none", f"{branch.name}_READER_URL is not a safe reader: {problems}")
            return ReaderStatus(branch, True, "configured", f"{branch.name}_READER_URL cannot write")
        with context.registry.connection(branch) as conn:
            may = _may_create_roles(conn)
    except (DBAdminError, psycopg.Error) as exc:
        return ReaderStatus(branch, False, "none", f"no reader: {dburl.reason(exc, context.settings.secrets())}")
    if may:
        return ReaderStatus(branch, True, "managed", "dbadmin manages a reader that cannot write (made on first use)")
    return ReaderStatus(
        branch,
        False,
        "none",
        f"read-only SQL is off: {branch.label}'s role may not create a reader (CREATEROLE); set {branch.name}_READER_URL",
    )


def _checked(context: Context, branch: Branch) -> str:
    """``_problems`` of the branch's reader, read at most every ``RECHECK_SECONDS`` once it had none."""
    key = (branch, context.registry.reader_url(branch) or "")
    with _KEPT.lock:
        if time.monotonic() - _KEPT.checked.get(key, -RECHECK_SECONDS) < RECHECK_SECONDS:
            return ""
    with context.registry.reader_connection(branch) as conn:
        problems = _problems(conn)
    if not problems:
        with _KEPT.lock:
            _KEPT.checked[key] = time.monotonic()
    return problems


def _configured(context: Context) -> set[str]:
    return {b.value for b in Branch if getattr(context.settings, f"{b.value}_reader_url") is not None}


def _problems(conn: psycopg.Connection) -> str:
    """What makes the connection's role able to write (or more), in a few words; empty when nothing."""
    row = conn.execute(_PROBLEMS, {"powerful": list(_POWERFUL)}).fetchone()
    if row is None:
        return "its role is not found"
    superuser, createrole, createdb, bypassrls, replication, powerful, writable = row
    found = [
        name
        for name, flag in (
            ("superuser", superuser),
            ("may create roles", createrole),
            ("may create databases", createdb),
            ("bypasses row security", bypassrls),
            ("replication", replication),
        )
        if flag
    ]
    found += [f"member of {p}" for p in powerful or ()]
    if writable:
        found.append(f"may write to or owns {writable}")
    return ", ".join(found)


def _manage(context: Context, branch: Branch) -> str | None:
    """Create or bring in step the reader dbadmin manages on ``branch``; None, or why it cannot.

    The role is made once per process (then its URL is known); Prod's grants are checked
    against the columns every time.
    """
    identity = context.registry.identity(branch)
    name = PREFIX + hashlib.sha1(f"{identity.server}/{identity.database}".encode()).hexdigest()[:12]
    password = hmac.new(session_secret(context.settings).encode(), name.encode(), hashlib.sha256).hexdigest()
    url = dburl.with_login(context.registry.url(branch), name, password)
    with context.registry.connection(branch) as conn:
        if context.registry.reader_url(branch) != url:
            if not _may_create_roles(conn):
                return (
                    f"no reader: {branch.name}_READER_URL is not set and {branch.label}'s role may not create one "
                    "(that needs CREATEROLE); read-only SQL is off on this branch"
                )
            _make_role(conn, name, password, identity.database, read_all=branch is Branch.DEV)
            context.registry.set_reader_url(branch, url)
        if branch is Branch.PROD:
            _grant_columns(context, conn, name)
    return None


def _may_create_roles(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone() == (
        True,
    )


def _make_role(conn: psycopg.Connection, name: str, password: str, database: str, *, read_all: bool) -> None:
    role = sql.Identifier(name)
    with conn.transaction():
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None
        conn.execute(
            sql.SQL(
                "{} ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT "
                "CONNECTION LIMIT 20 PASSWORD {}"
            ).format(sql.SQL("ALTER" if exists else "CREATE"), role, sql.Literal(password))
        )
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), role))
        if read_all:  # Dev: every table; Prod's reader gets column grants instead
            conn.execute(sql.SQL("GRANT pg_read_all_data TO {}").format(role))


def _grant_columns(context: Context, conn: psycopg.Connection, name: str) -> None:
    """Prod's reader may select every column but the sensitive ones, table by table (when they changed)."""
    parts = [p.strip().lower() for p in context.settings.masked_columns.split(",") if p.strip()]
    pattern = "|".join(_escape(p) for p in parts) or "$^"
    rows = conn.execute(_COLUMNS, {"pattern": pattern, "tag": f"%{SENSITIVE_TAG}%"}).fetchall()
    fingerprint = hashlib.md5(repr((name, rows)).encode()).hexdigest()
    with _KEPT.lock:
        if _KEPT.fingerprints.get(Branch.PROD) == fingerprint:
            return
    role = sql.Identifier(name)
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column, masked in rows:
        columns = tables.setdefault((schema, table), [])
        if not masked:
            columns.append(column)
    with conn.transaction():
        conn.execute(sql.SQL("REVOKE pg_read_all_data FROM {}").format(role))
        for schema in sorted({schema for schema, _ in tables}):
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role))
        for (schema, table), columns in tables.items():
            target = sql.Identifier(schema, table)
            conn.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(target, role))  # column grants too
            if columns:
                conn.execute(
                    sql.SQL("GRANT SELECT ({}) ON TABLE {} TO {}").format(
                        sql.SQL(", ").join(map(sql.Identifier, columns)), target, role
                    )
                )
    with _KEPT.lock:
        _KEPT.fingerprints[Branch.PROD] = fingerprint


def masked_columns(context: Context, branch: Branch | str) -> set[tuple[str, str, str]]:
    """The (schema, table, column) Prod's reader may not select (none on Dev)."""
    branch = Branch.parse(branch)
    if branch is Branch.DEV:
        return set()
    parts = [p.strip().lower() for p in context.settings.masked_columns.split(",") if p.strip()]
    pattern = "|".join(_escape(p) for p in parts) or "$^"
    with context.registry.connection(branch) as conn:
        rows = conn.execute(_COLUMNS, {"pattern": pattern, "tag": f"%{SENSITIVE_TAG}%"}).fetchall()
    return {(schema, table, column) for schema, table, column, masked in rows if masked}


def _escape(part: str) -> str:
    """A name part as a literal piece of a POSIX regular expression."""
    return "".join(f"\\{ch}" if not ch.isalnum() and ch != "_" else ch for ch in part)
