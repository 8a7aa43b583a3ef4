"""A table's rows, a page at a time, from typed filters: the Rows view's SQL is dbadmin's, never the user's.

Every identifier comes from the catalog (a column that is not the table's is refused) and every
value a literal quoted by psycopg, composed with ``psycopg.sql`` (the same composition serves
``COPY``, which takes no parameters), never by joining strings.  Pages follow the sort column and the
primary key (or ``ctid`` for a table without one) from the last row seen: keyset paging, so
page 1,000 of a huge table costs what page 1 costs (never ``OFFSET``).  It runs in a read-only
transaction on the branch's own pool: the statement is dbadmin's, so no reader role is needed.

On Production the sensitive columns (``readers.masked_columns``) are masked in the SQL itself
(``a•••@example.com``, ``••••``), so the value never leaves the server, and they cannot be
filtered or sorted on (a filter would reveal them a guess at a time).  Who may browse Prod is
``DATA_ACCESS_PROD``; each page read there is an audit row, and only an admin may reveal one
masked value of one row (``value``, audited as ``data.reveal``).  Long values are cut on the
server to ``VALUE_CHARACTERS`` with their size; ``value`` gives one in full (JSON pretty-printed).

``export`` streams the same view as CSV straight from ``COPY (SELECT ...) TO STDOUT``: rows go
from the server to the client a chunk at a time, never held whole here.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from .. import actions
from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError, InvalidInput, NotFound, OperationRefused
from ..operations.access import Principal, require_admin
from ..schema.introspection import USER_RELATIONS, reading
from ..text import refuse_nul
from . import queries, readers

OPERATORS = ("eq", "contains", "is_null", "not_null", "gte", "lte")
MAX_PAGE = 500
MAX_FILTERS = 10
FILTER_VALUE_LIMIT = 1000
VALUE_CHARACTERS = 200  # characters of one value shown in a page; its full size is given beside it
VALUE_LIMIT = 2**20  # characters of one value shown in full
CURSOR_LIMIT = 20_000  # characters of a page cursor (a sort value and the key, encoded)
MAX_LINKS = 50  # foreign keys followed each way
EXPORTS_AT_ONCE = 2  # an export holds a connection of the branch's pool while the client reads
_EXPORTING = threading.BoundedSemaphore(EXPORTS_AT_ONCE)
_EXPORTERS: set[str] = set()  # who has an export streaming: one each, so one person cannot hold every slot
_EXPORTERS_LOCK = threading.Lock()
EXPORT_CHUNK = 2**16  # bytes sent at a time
MASK = "••••"

_TABLE = f"""
SELECT c.oid, c.relkind,
       (SELECT array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum))
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = c.oid AND i.indisprimary) AS key
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relname = %(table)s AND {USER_RELATIONS}
"""
_COLUMNS = """
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, format_type(a.atttypid, NULL) AS base,
       (SELECT t.typcategory IN ('S', 'E') OR t.oid = 'xml'::regtype FROM pg_type t WHERE t.oid = a.atttypid) AS textual
FROM pg_attribute a WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
_LINKS = """
SELECT con.conname AS name, con.conrelid = %(oid)s AS outgoing, con.confrelid = %(oid)s AS incoming,
       cn.nspname AS from_schema, c.relname AS from_table, fn.nspname AS to_schema, f.relname AS to_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, n)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.n) AS from_columns,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, n)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.n) AS to_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_class f ON f.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND (con.conrelid = %(oid)s OR con.confrelid = %(oid)s)
ORDER BY con.conname LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Filter:
    column: str
    op: str  # one of OPERATORS
    value: str | None = None

    @classmethod
    def parse(cls, text: str) -> Filter:
        """``column:op:value`` (the value may hold colons; ``is_null`` and ``not_null`` need none)."""
        column, op, value = (text.split(":", 2) + ["", ""])[:3]
        return cls(column, op, value)


@dataclass(frozen=True)
class Link:
    """A foreign key seen from this table: its ``columns`` match ``other_columns`` of ``other``.

    In ``references`` the columns are this table's foreign key and ``other`` the table it names;
    in ``referenced_by`` they are this table's referenced columns and ``other`` the referrer."""

    name: str
    columns: list[str]
    other_schema: str
    other_table: str
    other_columns: list[str]

    @property
    def other(self) -> str:
        return f"{self.other_schema}.{self.other_table}"


@dataclass(frozen=True)
class RowsPage:
    branch: Branch
    table: str  # schema.table
    columns: list[queries.Column]
    rows: list[list[Any]]
    key: list[str]  # the columns a page follows (the primary key, or ctid)
    after: str | None  # give it back as ``after`` for the next page; None: this was the last
    masked: list[str] = field(default_factory=list)  # the columns shown masked
    sort: str | None = None
    descending: bool = False
    row_keys: list[str] = field(default_factory=list)  # per row, what ``value`` takes to name it
    references: list[Link] = field(default_factory=list)
    referenced_by: list[Link] = field(default_factory=list)
    linked: list[dict[str, str | None]] = field(default_factory=list)  # per row, the columns links use, as text


@dataclass(frozen=True)
class Value:
    """One value in full (up to VALUE_LIMIT characters), JSON pretty-printed."""

    column: str
    type: str
    text: str | None
    size: int | None  # bytes of the whole value as text
    revealed: bool  # a masked value an admin asked to see


@dataclass(frozen=True)
class _Table:
    schema: str
    name: str
    columns: list[queries.Column]
    bases: dict[str, str]  # column -> its type without length or precision (what a given value is cast to)
    key: list[str]
    masked: set[str]
    references: list[Link]
    referenced_by: list[Link]
    only: bool  # paged by ctid: the parent's own rows (a child's ctid may repeat the parent's)
    textual: frozenset[str] = frozenset()  # columns of string, enum or xml types (domains over them included)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def source(self) -> sql.Composable:
        table = sql.Identifier(self.schema, self.name)
        return sql.SQL("ONLY {}").format(table) if self.only else table

    def type_of(self, name: str) -> sql.Composable:
        return sql.SQL(self.bases[name])  # format_type() of the catalog: no user text

    def column(self, name: str, purpose: str) -> sql.Identifier:
        """A column named by the asker, checked against the catalog and closed when masked."""
        if name not in self.bases:
            raise InvalidInput(f"{self.label} has no column {name[:63]!r}")
        if name in self.masked:
            raise OperationRefused(f"{name} is masked on Production: it cannot be {purpose}")
        return sql.Identifier(name)


def page(
    context: Context,
    branch: Branch | str,
    schema: str,
    table: str,
    *,
    actor: Principal,
    filters: list[Filter] | tuple[Filter, ...] = (),
    sort: str | None = None,
    descending: bool = False,
    after: str | None = None,
    limit: int = 50,
) -> RowsPage:
    """One page of ``schema.table``'s rows matching every filter, in ``sort`` order (then the key),
    after the cursor ``after`` of the page before."""
    parsed = Branch.parse(branch)
    with queries.frame(context, parsed, actor, _details(schema, table, filters), action=actions.DATA_ROWS) as running:
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"a page has 1 to {MAX_PAGE} rows")
        with reading(context, parsed) as cur:
            found = _table(context, parsed, cur, schema, table)
            if sort:
                found.column(sort, "sorted on")
            links = _linked_columns(found)
            order = [sort] if sort else []
            shown = [_shown(c.name, c.name in found.masked, _emailish(c.name, found)) for c in found.columns]
            returned = [_key(found, k) for k in order + found.key] + [sql.Identifier(c) for c in links]
            where = _where(found, filters)
            if after is not None:
                where.append(_after(found, sort, descending, _decode(after, len(order) + len(found.key))))
            query = sql.SQL("SELECT {shown}, {returned} FROM {table}{where} {order} LIMIT {limit}").format(
                shown=_aliased(shown, "c"),
                returned=_aliased([sql.SQL("{}::text").format(r) for r in returned], "k"),
                table=found.source,
                where=_joined(where),
                order=_order(found, sort, descending),
                limit=sql.Literal(limit + 1),
            )
            fetched = [list(row.values()) for row in _fetch(cur, query, sort)]
        more = len(fetched) > limit
        fetched = fetched[:limit]
        width, cursor = len(found.columns), len(order) + len(found.key)
        running.details["rows"] = len(fetched)
        return RowsPage(
            parsed,
            found.label,
            found.columns,
            [row[:width] for row in fetched],
            found.key,
            _encode(fetched[-1][width : width + cursor]) if more else None,
            sorted(found.masked),
            sort,
            descending,
            [_encode(row[width + len(order) : width + cursor]) for row in fetched],
            found.references,
            found.referenced_by,
            [dict(zip(links, row[width + cursor :], strict=True)) for row in fetched],
        )


def export(
    context: Context,
    branch: Branch | str,
    schema: str,
    table: str,
    *,
    actor: Principal,
    filters: list[Filter] | tuple[Filter, ...] = (),
    sort: str | None = None,
    descending: bool = False,
    limit: int | None = None,
) -> Iterator[bytes]:
    """The rows ``page`` would show, all of them up to ``limit`` (EXPORT_ROW_LIMIT at most), as CSV
    with a header, in full (masked on Prod).  Everything is checked before this returns, so a
    refusal is an error here and never a broken download; the chunks stream from ``COPY``."""
    chunks = _export(context, Branch.parse(branch), schema, table, actor, filters, sort, descending, limit)
    first = next(chunks)  # runs every check, and starts the COPY
    return _resumed(first, chunks)


def _resumed(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``first``, then the rest; closing it closes ``chunks`` (the COPY ends, the connection goes back)."""
    yield first
    yield from chunks


def value(
    context: Context, branch: Branch | str, schema: str, table: str, column: str, row: str, *, actor: Principal
) -> Value:
    """The whole value of ``column`` in the row ``row`` (a ``RowsPage.row_keys`` entry).

    A masked column on Prod is revealed to an admin only, each time an audit row ``data.reveal``."""
    parsed = Branch.parse(branch)
    details = _details(schema, table, ()) | {"column": str(column)[:100], "row": str(row)[:200]}
    try:  # which audit row this is: a reveal when the column is masked (the frame's read says why not)
        with reading(context, parsed) as cur:
            masked = column in _table(context, parsed, cur, schema, table).masked
    except (DBAdminError, psycopg.Error):
        masked = False
    action = actions.DATA_REVEAL if masked else actions.DATA_VALUE
    with queries.frame(context, parsed, actor, details, action=action) as running:
        if masked:
            require_admin(actor, "reveal a masked value")
            running.details["revealed"] = True
        with reading(context, parsed) as cur:
            found = _table(context, parsed, cur, schema, table, unmasked={column} if masked else set())
            identifier = found.column(column, "read")
            keys = _decode(row, len(found.key))
            kind = found.type_of(column).as_string()
            text = sql.SQL("jsonb_pretty({}::jsonb)" if kind in ("json", "jsonb") else "{}::text").format(identifier)
            query = sql.SQL("SELECT left({text}, {limit}) AS text, octet_length({c}::text) AS size FROM {t} WHERE {w}")
            fetched = _fetch(
                cur,
                query.format(
                    text=text,
                    limit=sql.Literal(VALUE_LIMIT),
                    c=identifier,
                    t=found.source,
                    w=sql.SQL("({}) = ({})").format(
                        sql.SQL(", ").join(_key(found, k) for k in found.key), _typed(found, found.key, keys)
                    ),
                ),
            )
        if not fetched:
            raise NotFound(f"that row of {found.label} no longer exists on {parsed.label}")
        return Value(column, kind, fetched[0]["text"], fetched[0]["size"], masked)


def _export(
    context: Context,
    branch: Branch,
    schema: str,
    table: str,
    actor: Principal,
    filters: list[Filter] | tuple[Filter, ...],
    sort: str | None,
    descending: bool,
    limit: int | None,
) -> Iterator[bytes]:
    most = context.settings.export_row_limit
    limit = most if limit is None else limit
    details = _details(schema, table, filters) | {"format": "csv"}
    with queries.frame(context, branch, actor, details, action=actions.DATA_EXPORT) as running:
        if not 1 <= limit <= most:
            raise InvalidInput(f"an export has 1 to {most} rows (EXPORT_ROW_LIMIT)")
        with _EXPORTERS_LOCK:
            if actor.name in _EXPORTERS:
                raise OperationRefused("busy: your other export is still streaming; one at a time per person")
            if not _EXPORTING.acquire(blocking=False):
                raise OperationRefused(f"busy: {EXPORTS_AT_ONCE} exports are streaming from this process; try again")
            _EXPORTERS.add(actor.name)
        rows = 0
        try:
            with reading(context, branch, timeout="export_timeout") as cur:
                found = _table(context, branch, cur, schema, table)
                guard = context.settings.export_formula_guard
                shown = [
                    _exported(
                        c.name,
                        c.name in found.masked,
                        _emailish(c.name, found),
                        guard and c.name in found.textual | found.masked,
                    )
                    for c in found.columns
                ]
                query = sql.SQL("COPY (SELECT {shown} FROM {table}{where} {order} LIMIT {limit}) TO STDOUT {csv}")
                composed = query.format(
                    shown=sql.SQL(", ").join(
                        sql.SQL("{} AS {}").format(e, sql.Identifier(c.name))
                        for e, c in zip(shown, found.columns, strict=True)
                    ),
                    table=found.source,
                    where=_joined(_where(found, filters)),
                    order=_order(found, sort, descending),
                    limit=sql.Literal(limit),
                    csv=sql.SQL("WITH (FORMAT csv)"),
                )
                buffer = bytearray(_header([c.name for c in found.columns], guard))  # COPY's would be raw
                with _values_refused(sort), cur.copy(composed) as copy:
                    for chunk in copy:
                        rows += 1  # COPY TO sends one row per message
                        buffer += chunk
                        if len(buffer) >= EXPORT_CHUNK:
                            yield bytes(buffer)
                            buffer.clear()
                yield bytes(buffer)
        except GeneratorExit:  # the client stopped reading: the COPY is cancelled, the row says so
            running.details["stopped"] = "the client stopped reading"
            raise
        finally:
            with _EXPORTERS_LOCK:
                _EXPORTERS.discard(actor.name)
                _EXPORTING.release()
            running.details["rows"] = rows


def _details(schema: str, table: str, filters: list[Filter] | tuple[Filter, ...]) -> dict[str, Any]:
    return {"table": f"{schema}.{table}"[:200], "filters": [f"{f.column} {f.op}"[:100] for f in filters][:20]}


def _table(
    context: Context,
    branch: Branch,
    cur: psycopg.Cursor[dict[str, Any]],
    schema: str,
    table: str,
    *,
    unmasked: frozenset[str] | set[str] = frozenset(),
) -> _Table:
    refuse_nul(schema, "the schema name")
    refuse_nul(table, "the table name")
    found = cur.execute(_TABLE, {"schema": schema, "table": table}).fetchone()
    if found is None:
        raise NotFound(f"{schema}.{table} is not a table or view of {branch.label}")
    read = cur.execute(_COLUMNS, {"oid": found["oid"]}).fetchall()
    if not read:
        raise OperationRefused(f"{schema}.{table} has no columns to show")
    columns = [queries.Column(row["name"], row["type"]) for row in read]
    everywhere = readers.masked_columns(context, branch, cur.connection)
    masked = {c for s, t, c in everywhere if (s, t) == (schema, table)} - unmasked
    references, referenced_by = [], []
    for link in cur.execute(_LINKS, {"oid": found["oid"], "limit": MAX_LINKS}):
        targets = {(link["to_schema"], link["to_table"], c) for c in link["to_columns"]}
        sources = {(link["from_schema"], link["from_table"], c) for c in link["from_columns"]}
        if (targets | sources) & everywhere:
            continue  # following it would show a masked value
        if link["outgoing"]:
            references.append(
                Link(link["name"], link["from_columns"], link["to_schema"], link["to_table"], link["to_columns"])
            )
        if link["incoming"]:
            referenced_by.append(
                Link(link["name"], link["to_columns"], link["from_schema"], link["from_table"], link["from_columns"])
            )
    key = list(found["key"] or ())
    if not key or masked & set(key):  # a masked key would travel in cursors and row keys: page by ctid
        key = ["ctid"] if found["relkind"] in ("r", "m") else []
    if not key:
        kind = {"p": "a partitioned table without a primary key"}.get(found["relkind"], "a view or foreign table")
        raise OperationRefused(f"{schema}.{table} has no key dbadmin may page by ({kind})")
    bases = {row["name"]: row["base"] for row in read}
    textual = frozenset(row["name"] for row in read if row["textual"])
    return _Table(
        schema, table, columns, bases, key, masked, references, referenced_by, only=key == ["ctid"], textual=textual
    )


def _linked_columns(found: _Table) -> list[str]:
    """This table's columns that links need as they are (not cut), in a stable order."""
    return list(dict.fromkeys(c for link in found.references + found.referenced_by for c in link.columns))


def _where(found: _Table, filters: list[Filter] | tuple[Filter, ...]) -> list[sql.Composable]:
    if len(filters) > MAX_FILTERS:
        raise InvalidInput(f"at most {MAX_FILTERS} filters")
    where: list[sql.Composable] = []
    for wanted in filters:
        column = found.column(wanted.column, "filtered on")
        if wanted.op not in OPERATORS:
            raise InvalidInput(f"a filter is one of {', '.join(OPERATORS)}, not {wanted.op[:20]!r}")
        if len(wanted.value or "") > FILTER_VALUE_LIMIT:
            raise InvalidInput(f"a filter's value is at most {FILTER_VALUE_LIMIT} characters")
        given = sql.Literal(wanted.value or "")
        # Compared in the column's own type (numbers as numbers, and an index can serve it);
        # ``contains`` looks into the value as text.
        typed = sql.SQL("CAST({} AS {})").format(given, found.type_of(wanted.column))
        where.append(
            {
                "eq": sql.SQL("{} = {}").format(column, typed),
                "contains": sql.SQL("strpos({}::text, {}) > 0").format(column, given),
                "is_null": sql.SQL("{} IS NULL").format(column),
                "not_null": sql.SQL("{} IS NOT NULL").format(column),
                "gte": sql.SQL("{} >= {}").format(column, typed),
                "lte": sql.SQL("{} <= {}").format(column, typed),
            }[wanted.op]
        )
    return where


def _after(found: _Table, sort: str | None, descending: bool, values: list[str | None]) -> sql.Composable:
    """Rows past the cursor in ``_order``'s order: (sort, key) beyond the last row's, nulls last."""
    op = sql.SQL("<" if descending else ">")
    key_values = values[1:] if sort else values
    if any(v is None for v in key_values):
        raise InvalidInput("the page cursor is not one this table gave")
    keys = sql.SQL("({}) {} ({})").format(
        sql.SQL(", ").join(_key(found, k) for k in found.key), op, _typed(found, found.key, key_values)
    )
    if not sort:
        return keys
    column = sql.Identifier(sort)
    if values[0] is None:  # the last row had no value: the rest of the nulls, by key
        return sql.SQL("({} IS NULL AND {})").format(column, keys)
    last = _typed(found, [sort], values[:1])
    return sql.SQL("({c} {op} {v} OR ({c} = {v} AND {keys}) OR {c} IS NULL)").format(c=column, op=op, v=last, keys=keys)


def _order(found: _Table, sort: str | None, descending: bool) -> sql.Composable:
    way = sql.SQL(" DESC" if descending else "")
    first = [sql.SQL("{}{} NULLS LAST").format(found.column(sort, "sorted on"), way)] if sort else []
    return sql.SQL("ORDER BY {}").format(sql.SQL(", ").join(first + [_key(found, k) + way for k in found.key]))


def _key(found: _Table, name: str) -> sql.Composable:
    return sql.SQL("ctid") if name == "ctid" else sql.Identifier(name)


def _typed(found: _Table, names: list[str], values: list[str | None]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{}::tid").format(sql.Literal(v))
        if n == "ctid"
        else sql.SQL("CAST({} AS {})").format(sql.Literal(v), found.type_of(n))
        for n, v in zip(names, values, strict=True)
    )


def _fetch(cur: psycopg.Cursor[dict[str, Any]], query: sql.Composed, sort: str | None = None) -> list[dict[str, Any]]:
    with _values_refused(sort):
        return cur.execute(query).fetchall()


@contextmanager
def _values_refused(sort: str | None) -> Iterator[None]:
    """The server's refusal of a value the asker gave, as one line."""
    try:
        yield
    except psycopg.errors.UndefinedFunction:  # e.g. ORDER BY or = on a json column
        raise InvalidInput(
            f"{sort + ' cannot be sorted on' if sort else 'that filter cannot be applied'}: the column's type has "
            "no such comparison"
        ) from None
    except (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError) as exc:
        # a filter or cursor value not of its column's type, outside a domain's CHECK, naming no table (regclass)
        raise InvalidInput(exc.diag.message_primary or "a value is not of its column's type") from None


def _aliased(expressions: list[sql.Composable], prefix: str) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(e, sql.Identifier(f"{prefix}{i}")) for i, e in enumerate(expressions)
    )


def _joined(where: list[sql.Composable]) -> sql.Composable:
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL("")


def _encode(values: list[Any]) -> str:
    """A page cursor or row key: the values as text, opaque to the asker."""
    return (
        base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode())
        .decode()
        .rstrip("=")
    )


def _decode(token: str, width: int) -> list[str | None]:
    if len(token) > CURSOR_LIMIT:
        raise InvalidInput(f"a page cursor is at most {CURSOR_LIMIT} characters")
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != width or not all(v is None or isinstance(v, str) for v in values):
        raise InvalidInput("the page cursor is not one this table gave")
    return values


def _emailish(name: str, found: _Table) -> bool:
    """Whether a masked value of ``name`` may keep an email address's first letter and domain: a text column's
    (whose value then must be an email address, see ``_mask``)."""
    return name in found.textual


def _header(names: list[str], guarded: bool) -> bytes:
    """The CSV's header line, written here so that a column name is guarded like a cell."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(
        [f"'{name}" if guarded and name[:1] in ("=", "+", "-", "@", "\t", "\r") else name for name in names]
    )
    return line.getvalue().encode()


def _shown(name: str, masked: bool, emailish: bool) -> sql.Composable:
    """A column as the page shows it: masked on the server, or cut to VALUE_CHARACTERS with its size."""
    column = sql.Identifier(name)
    if masked:
        return _mask(column, emailish)
    return sql.SQL(
        "CASE WHEN octet_length({c}::text) > {n} THEN left({c}::text, {n}) || ' … (' || "
        "pg_size_pretty(octet_length({c}::text)::bigint) || ')' ELSE {c}::text END"
    ).format(c=column, n=sql.Literal(VALUE_CHARACTERS))


def _exported(name: str, masked: bool, emailish: bool, guarded: bool) -> sql.Composable:
    """A column as an export writes it: whole, or masked.  ``guarded``: a text a spreadsheet would run as a
    formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading ' (OWASP's advice), so that
    it opens as the text it is (EXPORT_FORMULA_GUARD)."""
    value = _mask(sql.Identifier(name), emailish) if masked else sql.Identifier(name)
    if not guarded:
        return value
    return sql.SQL(_FORMULA_GUARD).format(v=value)


_FORMULA_GUARD = (
    "CASE WHEN ({v}) IS NULL THEN NULL WHEN left(format('%s', {v}), 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
    "THEN '''' || format('%s', {v}) ELSE format('%s', {v}) END"
)  # format(): the type's own text, a char(n)'s padding kept (a cast to text would trim it)


def _mask(column: sql.Identifier, emailish: bool) -> sql.Composable:
    """A masked value: a text that is an email address (and nothing else) keeps its first letter and its domain
    (``a•••@example.com``); anything else (a password or a URL with an @ in it, a composite, an array: what
    follows the @ would show) is the mask whole."""
    if not emailish:
        return sql.SQL("CASE WHEN {c} IS NULL THEN NULL ELSE {mask} END").format(c=column, mask=sql.Literal(MASK))
    return sql.SQL(
        "CASE WHEN {c} IS NULL THEN NULL WHEN {c}::text ~ '^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)+$' "
        "THEN left({c}::text, 1) || '•••' || substr({c}::text, strpos({c}::text, '@')) ELSE {mask} END"
    ).format(c=column, mask=sql.Literal(MASK))
