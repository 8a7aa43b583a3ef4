"""Read-only SQL against a branch, safe by construction.

The statement runs as the branch's reader (a role that cannot write: ``readers``), in a
``READ ONLY`` transaction with ``statement_timeout``, through the extended protocol (one
statement per request: ``a; b`` is refused by the server itself), rows streamed one at a
time and cut at ``SQL_ROW_LIMIT`` rows or ``SQL_BYTE_LIMIT`` bytes, and always rolled back.
Nothing here reads the SQL text to decide whether it is safe.

On Prod every query is an audit row (who, the text, duration, rows, outcome); on Dev with
``AUDIT_DEV_QUERIES=on``.  Who may query Prod is ``DATA_ACCESS_PROD`` (admin, viewer, off);
every query re-checks that the asker's session or token is still live.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast.parser import parse_sql_json
from psycopg import sql

from .. import actions
from ..actions import ActionType
from .. import dburl
from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError, InvalidInput, NotAllowed, OperationRefused, QueryTimedOut
from ..operations import audit, rates
from ..operations.access import Principal, require_admin, require_live
from ..operations.frame import check_phrase, on_production
from . import readers

EXPLAINS = ("plan", "analyze")
# Queries at once per process: the byte cap bounds what is kept, not one huge value on its way in,
# so the number of results being read at the same time is bounded too.
RUNNING_AT_ONCE = 4
_RUNNING = threading.BoundedSemaphore(RUNNING_AT_ONCE)


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class QueryResult:
    branch: Branch
    columns: list[Column]
    rows: list[list[Any]]
    elapsed_ms: int
    capped: str | None = None  # "capped at 1000 rows" when the result was cut

    @property
    def row_count(self) -> int:
        return len(self.rows)


def analyze_phrase(branch: Branch) -> str | None:
    """EXPLAIN ANALYZE runs the statement: on Prod it asks for this phrase."""
    return on_production(branch, "EXPLAIN ANALYZE")


def run(
    context: Context,
    branch: Branch | str,
    text: str,
    *,
    actor: Principal,
    explain: str | None = None,
    confirm: str | None = None,
) -> QueryResult:
    """Run one read-only statement on ``branch`` as its reader; ``explain``: ``plan`` or ``analyze``."""
    parsed = Branch.parse(branch)
    text = text or ""
    details = {"sql": text.strip()[:2000], "explain": str(explain)[:20] if explain is not None else None}
    with frame(context, parsed, actor, details, action=actions.DATA_SQL) as running:
        if len(text) > context.settings.sql_max_length:
            raise InvalidInput(f"a query is at most {context.settings.sql_max_length} characters")
        text = text.strip()
        if not text:
            raise InvalidInput("there is no query to run")
        _refuse_signals(text)
        if explain not in (None, *EXPLAINS):
            raise InvalidInput(f"explain is one of {', '.join(EXPLAINS)}, not {str(explain)[:20]!r}")
        phrase = analyze_phrase(parsed) if explain == "analyze" else None
        if phrase is not None:
            check_phrase(confirm, phrase, f"EXPLAIN ANALYZE on {parsed.label} (it runs the query)")
        reader = readers.ready(context, parsed)
        if not reader.available:
            raise OperationRefused(f"{parsed.label}: read-only SQL is off ({reader.detail})")
        if not _RUNNING.acquire(timeout=context.settings.statement_timeout):
            raise OperationRefused(f"busy: {RUNNING_AT_ONCE} queries are running in this process; try again")
        try:
            result = _execute(context, parsed, text, explain)
        finally:
            _RUNNING.release()
        running.details.update(rows=result.row_count, elapsed_ms=result.elapsed_ms, capped=result.capped)
        return result


@contextmanager
def frame(
    context: Context, branch: Branch, actor: Principal, details: dict, *, action: ActionType
) -> Iterator[audit.Running]:
    """Who may read ``branch``'s data, checked now; on Prod (and on Dev when configured) inside an
    audit row ``action``.  Shared by the SQL tab and the Rows view."""
    audited = branch is Branch.PROD or context.settings.audit_dev_queries
    if not audited:
        require_live(context, actor)
        yield audit.Running(details=details)
        return
    # Each audited read is a row: past AUDITED_READ_RATE_LIMIT a minute, one person's reads wait (a read
    # refused here read nothing, and is not a row either).
    rates.check(context, f"reads:{actor.name}", limit=context.settings.audited_read_rate_limit, what="audited reads")
    with audit.operation(
        context.registry.control_pool(),
        actor=actor.name,
        action=action,
        branch=branch,
        details=details,
        secrets=context.settings.secrets(),
    ) as running:
        require_live(context, actor)
        access = context.settings.data_access_prod if branch is Branch.PROD else "viewer"
        if access == "off":
            raise NotAllowed("reading Production's data is off (DATA_ACCESS_PROD=off)")
        if access == "admin":
            require_admin(actor, "read Production's data")
        yield running


# Every querier of a branch reads as the same role, and a role may signal its own sessions: these would let
# one person end another's query.  (Advisory locks and other session state are discarded after each query.)
SIGNALS = frozenset({"pg_terminate_backend", "pg_cancel_backend"})


def _refuse_signals(text: str) -> None:
    """Refuse a statement that calls one of ``SIGNALS``, wherever in it (a text the parser cannot read is the
    server's to refuse)."""
    try:
        tree = json.loads(parse_sql_json(text))
    except Exception:  # noqa: BLE001 - pglast's parse error: PostgreSQL says what is wrong with the text
        return
    if called := sorted(SIGNALS & set(_functions(tree))):
        raise OperationRefused(f"{called[0]}() is refused in read-only SQL: it could end another person's query")


def _functions(node: Any) -> Iterator[str]:
    """The (unqualified, lower-case) names of the functions a parse tree calls."""
    if isinstance(node, dict):
        if "FuncCall" in node:
            names = node["FuncCall"].get("funcname") or []
            if names and isinstance(names[-1], dict) and "String" in names[-1]:
                yield str(names[-1]["String"].get("sval", "")).lower()
        for value in node.values():
            yield from _functions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _functions(value)


def _execute(context: Context, branch: Branch, text: str, explain: str | None) -> QueryResult:
    settings = context.settings
    statement = text.rstrip().rstrip(";")
    if explain:
        statement = f"EXPLAIN ({'ANALYZE, BUFFERS' if explain == 'analyze' else 'COSTS'}) {statement}"
    rows: list[list[Any]] = []
    size, capped = 0, None
    started = time.monotonic()
    with context.registry.reader_connection(branch) as conn:
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("SET TRANSACTION READ ONLY")
                conn.execute(
                    sql.SQL("SET LOCAL statement_timeout = {}").format(
                        sql.Literal(int(settings.statement_timeout * 1000))
                    )
                )
                cursor = psycopg.RawCursor(conn)  # no client-side parsing: a % in the text stays a %
                stream = cursor.stream(statement, ())  # parameters given: the extended protocol, one statement
                for row in stream:
                    if len(rows) >= settings.sql_row_limit:
                        capped = f"capped at {settings.sql_row_limit} rows"
                        break
                    values = [_shown(value) for value in row]
                    size += sum(len(v) if isinstance(v, str) else 8 for v in values)
                    if size > settings.sql_byte_limit:
                        capped = f"capped at {settings.sql_byte_limit // 1024} KiB"
                        break
                    rows.append(values)
                stream.close()  # type: ignore[attr-defined]  # a generator: closing it ends the query now
                columns = [Column(d.name, _type_name(conn, d.type_code)) for d in cursor.description or ()]
        except psycopg.errors.QueryCanceled:
            raise QueryTimedOut(
                f"the query ran longer than STATEMENT_TIMEOUT ({settings.statement_timeout:g} s) and was cancelled"
            ) from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise OperationRefused(_privilege_message(context, branch, exc)) from None
        except psycopg.Error as exc:
            raise InvalidInput(dburl.reason(exc, settings.secrets())) from None
    return QueryResult(branch, columns, rows, int((time.monotonic() - started) * 1000), capped)


def _shown(value: Any) -> Any:
    """A value as JSON can carry it: numbers and booleans as they are, the rest as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, memoryview)):
        raw = bytes(value)
        return f"\\x{raw[:64].hex()}" + ("…" if len(raw) > 64 else "")
    return str(value)


def _type_name(conn: psycopg.Connection, oid: int) -> str:
    info = conn.adapters.types.get(oid)
    return info.name if info is not None else str(oid)


def _privilege_message(context: Context, branch: Branch, exc: psycopg.Error) -> str:
    """The server says which table; on Prod, say which of its columns are masked (the server does not)."""
    message = exc.diag.message_primary or "permission denied"
    named = re.fullmatch(r"permission denied for (?:table|view|materialized view) (.+)", message)
    table = named.group(1).strip() if named else None
    if branch is Branch.PROD and table:
        try:
            masked = sorted(column for _, name, column in readers.masked_columns(context, branch) if name == table)
        except (DBAdminError, psycopg.Error):  # the refusal stands without the names
            masked = []
        if masked:
            return (
                f"{message}: on Production its masked column{'s' if len(masked) > 1 else ''} "
                f"({', '.join(masked)}) may not be selected; name the other columns"
            )
    return f"{message}: the reader may not read it"
