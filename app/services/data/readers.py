"""Who read-only SQL runs as: a login that cannot write, by construction rather than by reading SQL.

A branch's reader is either configured (``DEV_READER_URL`` / ``PROD_READER_URL``), checked
and not trusted, or one dbadmin manages where the branch's role may create roles (the
embedded server always): ``dbadmin_reader_*``, ``NOSUPERUSER NOCREATEDB NOCREATEROLE
NOREPLICATION NOBYPASSRLS``, its password derived from the session secret (replicas agree,
nothing is stored) and sent to the server only as a SCRAM verifier (so no log holds it).

A reader is refused when its role is a superuser, may create roles or databases, bypasses
row security, replicates, is a member (inherited or not) of a role that could do more
(``pg_write_all_data``, ``pg_signal_backend``, the server-files and -program roles, any role
with those attributes), may write to, or owns, any table or sequence, or may use a foreign
server.  A managed reader gets ``SELECT`` table by table (never ``pg_read_all_data``, which
reads every database of the server, Production's too).  On Production it gets column grants
without the sensitive columns (``MASKED_COLUMNS`` name parts, except on boolean, date and
time columns, or a comment with ``[sensitive]``; a foreign key to one, which holds copies of
its values; all columns of a view that reads one, directly, through another view, or as a
whole row), and before every query dbadmin checks that none of them is readable anyway
(granted to PUBLIC, say) and that no ``SECURITY DEFINER`` function could hand one out;
either turns Production's SQL off, with what to revoke.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .. import capture, dburl
from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError
from ..operations.access import session_secret

PREFIX = "dbadmin_reader_"
SENSITIVE_TAG = "[sensitive]"
RECHECK_SECONDS = 300  # a reader found safe is checked again after this long
# Roles whose members could write, signal backends or reach the server's files and programs.
_POWERFUL = (
    "pg_write_all_data",
    "pg_signal_backend",
    "pg_execute_server_program",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_checkpoint",
)
# Types that cannot hold a secret itself: a name part alone does not make such a column
# sensitive (``email_verified_at``, ``password_changed``), a ``[sensitive]`` comment still does.
_PLAIN = ("boolean", "date", "timestamp", "timestamptz", "time", "timetz", "interval")
_USER_SCHEMAS = """n.nspname NOT IN ('pg_catalog', 'information_schema', 'dbadmin_capture')
      AND n.nspname NOT LIKE 'pg\\_%%'"""
_PROBLEMS = f"""
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
       (SELECT array_agg(g.rolname ORDER BY g.rolname) FROM pg_roles g
         WHERE g.oid <> r.oid AND pg_has_role(r.oid, g.oid, 'MEMBER')
           AND (g.rolname = ANY(%(powerful)s) OR (g.rolname = 'pg_read_all_data' AND %(prod)s)
                OR g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolbypassrls)) AS powerful,
       (SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND {_USER_SCHEMAS}
           AND (c.relowner = r.oid
                OR has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
                OR (c.relkind = 'S' AND has_sequence_privilege(c.oid, 'USAGE, UPDATE')))
         LIMIT 1) AS writable,
       (SELECT s.srvname FROM pg_foreign_server s WHERE has_server_privilege(s.oid, 'USAGE') LIMIT 1) AS server
FROM pg_roles r WHERE r.rolname = current_user
"""
# Every column of the app's tables and views, with whether Prod's reader must not see it; the
# md5 of the rows (and the reader) is the fingerprint that says when the grants need redoing.
_COLUMNS = f"""
WITH RECURSIVE
-- A named (or [sensitive]-commented) attribute makes its composite type sensitive, as does the tag on a
-- type itself (a domain); then every type built from a sensitive one, found through pg_depend: an array
-- of it, a domain or a range over it, a composite or a table with a column of it (its row type).
sensitive_types (oid) AS (
    SELECT t.oid
    FROM pg_type t
    JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE t.typtype = 'c'
      AND ((lower(a.attname) ~ %(pattern)s AND a.atttypid NOT IN (SELECT unnest(%(plain)s::regtype[])))
           OR coalesce(col_description(t.typrelid, a.attnum), '') ILIKE %(tag)s)
    UNION
    SELECT t.oid FROM pg_type t WHERE coalesce(obj_description(t.oid, 'pg_type'), '') ILIKE %(tag)s
    UNION
    SELECT coalesce(ty.oid, c.reltype)
    FROM sensitive_types s
    JOIN pg_depend d ON d.refclassid = 'pg_type'::regclass AND d.refobjid = s.oid
    LEFT JOIN pg_type ty ON d.classid = 'pg_type'::regclass AND ty.oid = d.objid
    LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid AND d.objsubid > 0
    WHERE ty.oid IS NOT NULL OR c.reltype IS NOT NULL
),
cols AS (
    SELECT c.oid AS rel, n.nspname, c.relname, a.attnum, a.attname, a.atttypid,
           (lower(a.attname) ~ %(pattern)s AND a.atttypid NOT IN (SELECT unnest(%(plain)s::regtype[])))
            OR coalesce(col_description(c.oid, a.attnum), '') ILIKE %(tag)s
            OR st.oid IS NOT NULL AS named
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN sensitive_types st ON st.oid = a.atttypid
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND {_USER_SCHEMAS}
),
fks AS MATERIALIZED (SELECT conrelid, confrelid, conkey, confkey FROM pg_constraint WHERE contype = 'f'),
-- Every column a sensitive one's values reach, to a fixed point: a generated column computed from it
-- (login = lower(email)), a foreign key copying it (invites.invitee -> users.email), and the same column
-- of a partition or an inheritance child (a comment on the parent holds for its children).
reached (rel, attnum, attname) AS (
    SELECT rel, attnum, attname FROM cols WHERE named
    UNION
    SELECT n.rel, n.attnum, n.attname
    FROM reached s
    CROSS JOIN LATERAL (
        SELECT ad.adrelid AS rel, ad.adnum AS attnum, g.attname
        FROM pg_depend d
        JOIN pg_attrdef ad ON ad.oid = d.objid
        JOIN pg_attribute g ON g.attrelid = ad.adrelid AND g.attnum = ad.adnum
        WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.refobjid = s.rel AND d.refobjsubid = s.attnum
        UNION ALL
        SELECT k.conrelid, k.conkey[array_position(k.confkey, s.attnum)], f.attname
        FROM fks k
        JOIN pg_attribute f ON f.attrelid = k.conrelid AND f.attnum = k.conkey[array_position(k.confkey, s.attnum)]
        WHERE k.confrelid = s.rel AND s.attnum = ANY(k.confkey)
        UNION ALL
        SELECT i.inhrelid, ch.attnum, ch.attname
        FROM pg_inherits i
        JOIN pg_attribute ch ON ch.attrelid = i.inhrelid AND ch.attname = s.attname AND NOT ch.attisdropped
        WHERE i.inhparent = s.rel
    ) n
),
marked AS (
    SELECT c.*, c.named OR r.rel IS NOT NULL AS sensitive
    FROM cols c
    LEFT JOIN (SELECT DISTINCT rel, attnum FROM reached) r ON r.rel = c.rel AND r.attnum = c.attnum
),
-- A relation a sensitive value reached: its whole row carries it (a column of its row type does too).
holding (rel) AS (SELECT DISTINCT rel FROM marked WHERE sensitive),
-- A view reads with its owner's rights: one that uses a sensitive column (by name, as a whole row --
-- u::text, row_to_json(u) -- of a relation holding one, or through a view that does) would hand it out
-- under any name.  A whole-row use shows in the rule's tree as a Var of attribute 0.
revealing (rel) AS (
    SELECT DISTINCT r.ev_class
    FROM pg_rewrite r
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
    LEFT JOIN marked m ON m.rel = d.refobjid AND m.sensitive AND d.refobjsubid = m.attnum
    WHERE r.ev_class <> d.refobjid
      AND (m.rel IS NOT NULL
           OR (d.refobjid IN (SELECT rel FROM holding)
               AND (d.refobjsubid = 0 OR r.ev_action::text ~ ':varattno 0[ }}]')))
    UNION
    SELECT r.ev_class
    FROM revealing v
    JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = v.rel AND d.classid = 'pg_rewrite'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE r.ev_class <> v.rel
)
SELECT nspname, relname, attname,
       sensitive OR rel IN (SELECT rel FROM revealing)
       OR atttypid IN (SELECT c.reltype FROM pg_class c JOIN holding h ON h.rel = c.oid) AS masked
FROM marked
ORDER BY nspname, relname, attnum
"""
# Run as the branch's role before each query on Prod: what could still reach a sensitive column.
_EXPOSED = """
SELECT (SELECT array_agg(m.sch || '.' || m.tab || '.' || m.col)
          FROM unnest(%(schemas)s::text[], %(tables)s::text[], %(columns)s::text[]) AS m(sch, tab, col)
          JOIN pg_namespace n ON n.nspname = m.sch
          JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = m.tab
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = m.col
         WHERE has_column_privilege(%(reader)s, c.oid, a.attnum, 'SELECT')) AS readable,
       (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND has_function_privilege(%(reader)s, p.oid, 'EXECUTE')) AS definers
"""


class ReaderUnsafe(DBAdminError):
    """The reader could read or do more than it may."""


@dataclass(frozen=True)
class ReaderStatus:
    branch: Branch
    available: bool
    how: str  # "configured", "managed", or "none"
    detail: str


class _Kept:
    """Per process: the fingerprint each reader's grants were last made for, and when each reader was
    last found unable to write (checked again after ``RECHECK_SECONDS``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fingerprints: dict[tuple[Branch, str], str] = {}
        self.checked: dict[tuple[Branch, str], tuple[float, str]] = {}  # -> (when, the reader's role)


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
        role = _checked(context, branch)
        if branch is Branch.PROD:
            _check_exposure(context, branch, role)
    except ReaderUnsafe as exc:
        return ReaderStatus(branch, False, "none", str(exc))
    except (DBAdminError, psycopg.Error) as exc:
        return ReaderStatus(branch, False, "none", f"no reader: {dburl.reason(exc, context.settings.secrets())}")
    how = "configured" if configured else "managed"
    scope = "every column but the sensitive ones" if branch is Branch.PROD else "every table"
    return ReaderStatus(branch, True, how, f"read-only SQL runs as a role that cannot write ({how}; {scope})")


def describe(context: Context, branch: Branch | str) -> ReaderStatus:
    """Whether ``branch`` has (or would get) a safe reader, without creating one (for doctor)."""
    branch = Branch.parse(branch)
    try:
        if branch.value in _configured(context):
            _checked(context, branch)
            return ReaderStatus(branch, True, "configured", f"{branch.name}_READER_URL cannot write")
        with context.registry.connection(branch) as conn:
            may = _may_create_roles(conn)
    except ReaderUnsafe as exc:
        return ReaderStatus(branch, False, "none", str(exc))
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


def masked_columns(
    context: Context, branch: Branch | str, conn: psycopg.Connection | None = None
) -> set[tuple[str, str, str]]:
    """The (schema, table, column) Prod's reader may not select (none on Dev); read on ``conn``
    when given (one the caller holds on the branch), else on a connection of the branch's pool."""
    branch = Branch.parse(branch)
    if branch is Branch.DEV:
        return set()
    if conn is not None:
        return {(schema, table, column) for schema, table, column, masked in _columns(context, conn) if masked}
    with context.registry.connection(branch) as held:
        return masked_columns(context, branch, held)


def _configured(context: Context) -> set[str]:
    return {b.value for b in Branch if getattr(context.settings, f"{b.value}_reader_url") is not None}


def _checked(context: Context, branch: Branch) -> str:
    """The reader's role, once ``_problems`` found nothing (read at most every ``RECHECK_SECONDS``)."""
    key = (branch, context.registry.reader_url(branch) or "")
    with _KEPT.lock:
        when, role = _KEPT.checked.get(key, (-RECHECK_SECONDS, ""))
    if time.monotonic() - when < RECHECK_SECONDS:
        return role
    with context.registry.reader_connection(branch) as conn:
        role, problems = _problems(conn, prod=branch is Branch.PROD)
    if problems:
        raise ReaderUnsafe(f"{branch.name}_READER_URL is not a safe reader: {problems}; it is not used")
    with _KEPT.lock:
        _KEPT.checked[key] = (time.monotonic(), role)
    return role


def _problems(conn: psycopg.Connection, *, prod: bool) -> tuple[str, str]:
    """The connection's role, and what makes it able to write (or more), in a few words (empty: nothing)."""
    role = conn.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    row = conn.execute(_PROBLEMS, {"powerful": list(_POWERFUL), "prod": prod}).fetchone()
    if row is None:
        return role, "its role is not found"
    superuser, createrole, createdb, bypassrls, replication, powerful, writable, server = row
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
    if server:
        found.append(f"may use the foreign server {server}")
    return role, ", ".join(found)


def _check_exposure(context: Context, branch: Branch, role: str) -> None:
    """Refuse Prod's SQL while a sensitive column is readable by the reader anyway, or a SECURITY
    DEFINER function it may call could hand one out (checked before every query: grants change)."""
    with context.registry.connection(branch) as conn:
        masked = [row[:3] for row in _columns(context, conn) if row[3]]
        readable, definers = conn.execute(  # type: ignore[misc]
            _EXPOSED,
            {
                "schemas": [m[0] for m in masked],
                "tables": [m[1] for m in masked],
                "columns": [m[2] for m in masked],
                "reader": role,
            },
        ).fetchone()
    if readable:
        raise ReaderUnsafe(
            f"Production: the reader could still select {', '.join(readable[:5])} (granted to PUBLIC or to a role "
            "it is in): revoke that grant to use read-only SQL on Production"
        )
    if definers and masked:
        raise ReaderUnsafe(
            f"Production: the reader may call SECURITY DEFINER function{'s' if len(definers) > 1 else ''} "
            f"{', '.join(definers[:5])}, which run with their owner's rights and could return a sensitive column: "
            "REVOKE EXECUTE ... FROM PUBLIC to use read-only SQL on Production"
        )


def _columns(context: Context, conn: psycopg.Connection) -> list[tuple[str, str, str, bool]]:
    parts = [p.strip().lower() for p in context.settings.masked_columns.split(",") if p.strip()]
    pattern = "|".join(_escape(p) for p in parts) or "$^"
    return conn.execute(_COLUMNS, {"pattern": pattern, "tag": f"%{SENSITIVE_TAG}%", "plain": list(_PLAIN)}).fetchall()


def _manage(context: Context, branch: Branch) -> str | None:
    """Create or bring in step the reader dbadmin manages on ``branch``; None, or why it cannot.

    The role is made (or its password set again) once per process; its grants are checked
    against the schema on every call and redone when the tables or columns changed.
    """
    location = context.registry.location(branch) or branch.value
    name = PREFIX + hashlib.sha1(location.encode()).hexdigest()[:12]  # host:port/db: the same after restarts
    password = hmac.new(session_secret(context.settings).encode(), name.encode(), hashlib.sha256).hexdigest()
    url = dburl.with_login(context.registry.url(branch), name, password)
    with context.registry.connection(branch) as conn:
        if context.registry.reader_url(branch) != url:  # once per process (the statement carries a verifier only)
            if not _may_create_roles(conn):
                return (
                    f"no reader: {branch.name}_READER_URL is not set and {branch.label}'s role may not create one "
                    "(that needs CREATEROLE); read-only SQL is off on this branch"
                )
            _make_role(conn, name, password, context.registry.identity(branch).database)
            context.registry.set_reader_url(branch, url)
        _grant(context, conn, branch, name)
    return None


def _may_create_roles(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone() == (
        True,
    )


def _make_role(conn: psycopg.Connection, name: str, password: str, database: str) -> None:
    role = sql.Identifier(name)
    attributes = sql.SQL(
        "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 20 PASSWORD {}"
    ).format(sql.Literal(_scram(password)))
    with conn.transaction():
        try:
            with conn.transaction():
                conn.execute(sql.SQL("CREATE ROLE {} WITH ").format(role) + attributes)
        except psycopg.errors.DuplicateObject:  # made before, or by another process just now
            conn.execute(sql.SQL("ALTER ROLE {} WITH ").format(role) + attributes)
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), role))


def _scram(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677), so the
    password itself is never in a statement a server could log."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored_key).decode()}:{b64(server_key).decode()}"


def _grant(context: Context, conn: psycopg.Connection, branch: Branch, name: str) -> None:
    """``SELECT`` for the reader table by table (on Prod, column by column without the sensitive
    ones), redone only when the tables or columns changed."""
    rows = _columns(context, conn)
    fingerprint = hashlib.md5(repr((name, rows)).encode()).hexdigest()
    with _KEPT.lock:
        if _KEPT.fingerprints.get((branch, name)) == fingerprint:
            return
    role = sql.Identifier(name)
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column, masked in rows:
        columns = tables.setdefault((schema, table), [])
        if not masked or branch is Branch.DEV:
            columns.append(column)
    # dbadmin's own maintenance: a run of its own, so the guard lets it through and the branch's log does not
    # count the grants as schema changes made outside migrations.
    with capture.run_mark(context, branch) as token, conn.transaction():
        conn.execute("SELECT set_config('dbadmin.run', %s, true)", (token,))
        conn.execute(sql.SQL("REVOKE pg_read_all_data FROM {}").format(role))  # a reader made before reads per table
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
        _KEPT.fingerprints[(branch, name)] = fingerprint


def _escape(part: str) -> str:
    """A name part as a literal piece of a POSIX regular expression."""
    return "".join(f"\\{ch}" if not ch.isalnum() and ch != "_" else ch for ch in part)
