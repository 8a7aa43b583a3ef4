"""A table's rows, a page at a time, from typed filters: the Rows view's SQL is dbadmin's, never the user's.

Every identifier comes from the catalog (a column that is not the table's is refused) and every
value is a bound parameter, composed with ``psycopg.sql``.  Pages follow the primary key (or
``ctid`` for a table without one) from the last row seen: keyset paging, so page 1,000 of a
huge table costs what page 1 costs (never ``OFFSET``).  It runs in a read-only transaction on
the branch's own pool: the statement is dbadmin's, so no reader role is needed.

On Production the sensitive columns (``readers.masked_columns``) are masked in the SQL itself
(``a•••@example.com``, ``••••``), so the value never leaves the server, and they cannot be
filtered or sorted on (a filter would reveal them a guess at a time).  Who may browse Prod is
``DATA_ACCESS_PROD``; each page read there is an audit row.  Long values are cut on the server
to ``VALUE_CHARACTERS`` with their size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from ..branch import Branch
from ..context import Context
from ..errors import InvalidInput, NotFound, OperationRefused
from ..frame.access import Principal
from ..schema.introspection import reading
from ..text import refuse_nul
from . import queries, readers

OPERATORS = ("eq", "contains", "is_null", "not_null", "gte", "lte")
MAX_PAGE = 500
MAX_FILTERS = 10
VALUE_CHARACTERS = 200  # characters of one value shown; its full size is given beside it
MASK = "••••"

_TABLE = """
SELECT c.oid, c.relkind,
       (SELECT array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum))
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = c.oid AND i.indisprimary) AS key
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relname = %(table)s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
"""
_COLUMNS = """
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""


@dataclass(frozen=True)
class Filter:
    column: str
    op: str  # one of OPERATORS
    value: str | None = None


@dataclass(frozen=True)
class RowsPage:
    branch: Branch
    table: str  # schema.table
    columns: list[queries.Column]
    rows: list[list[Any]]
    key: list[str]  # the columns a page follows (the primary key, or ctid)
    after: list[str] | None  # give it back as ``after`` for the next page; None: this was the last
    masked: list[str] = field(default_factory=list)  # the columns shown masked


def page(
    context: Context,
    branch: Branch | str,
    schema: str,
    table: str,
    *,
    actor: Principal,
    filters: list[Filter] | tuple[Filter, ...] = (),
    after: list[str] | None = None,
    limit: int = 50,
) -> RowsPage:
    """One page of ``schema.table``'s rows matching every filter, after the key values ``after``."""
    parsed = Branch.parse(branch)
    details = {"table": f"{schema}.{table}"[:200], "filters": [f"{f.column} {f.op}"[:100] for f in filters][:20]}
    with queries.frame(context, parsed, actor, details, action="data.rows") as running:
        refuse_nul(schema, "the schema name")
        refuse_nul(table, "the table name")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"a page has 1 to {MAX_PAGE} rows")
        if len(filters) > MAX_FILTERS:
            raise InvalidInput(f"at most {MAX_FILTERS} filters")
        masked = {c for s, t, c in readers.masked_columns(context, parsed) if (s, t) == (schema, table)}
        with reading(context, parsed) as cur:
            found = cur.execute(_TABLE, {"schema": schema, "table": table}).fetchone()
            if found is None:
                raise NotFound(f"{schema}.{table} is not a table or view of {parsed.label}")
            columns = [queries.Column(**row) for row in cur.execute(_COLUMNS, {"oid": found["oid"]})]
            key = list(found["key"] or ()) if found["key"] else (["ctid"] if found["relkind"] in ("r", "m") else [])
            if not key:
                raise OperationRefused(f"{schema}.{table} has no primary key to page by (a view or foreign table)")
            query, params = _query(schema, table, columns, key, masked, filters, after, limit)
            try:
                fetched = cur.execute(query, params).fetchall()
            except psycopg.errors.DataError as exc:  # a filter or ``after`` value not of its column's type
                raise InvalidInput(exc.diag.message_primary or "a value is not of its column's type") from None
        more = len(fetched) > limit
        fetched = fetched[:limit]
        width = len(columns)
        running.details["rows"] = len(fetched)
        return RowsPage(
            parsed,
            f"{schema}.{table}",
            columns,
            [list(row.values())[:width] for row in fetched],
            key,
            [str(v) for v in list(fetched[-1].values())[width:]] if more else None,
            sorted(masked),
        )


def _query(
    schema: str,
    table: str,
    columns: list[queries.Column],
    key: list[str],
    masked: set[str],
    filters: list[Filter] | tuple[Filter, ...],
    after: list[str] | None,
    limit: int,
) -> tuple[sql.Composed, dict[str, Any]]:
    names = {c.name for c in columns}
    params: dict[str, Any] = {"limit": limit + 1}
    shown = [_shown(c.name, c.name in masked) for c in columns]
    keys = [sql.Identifier(k) if k != "ctid" else sql.SQL("ctid") for k in key]
    where: list[sql.Composable] = []
    for n, wanted in enumerate(filters):
        if wanted.column not in names:
            raise InvalidInput(f"{schema}.{table} has no column {wanted.column[:63]!r}")
        if wanted.column in masked:
            raise OperationRefused(f"{wanted.column} is masked on Production: it cannot be filtered on")
        if wanted.op not in OPERATORS:
            raise InvalidInput(f"a filter is one of {', '.join(OPERATORS)}, not {wanted.op[:20]!r}")
        column = sql.Identifier(wanted.column)
        name = f"f{n}"
        params[name] = (wanted.value or "")[:1000]
        # Compared in the column's own type (numbers as numbers, and an index can serve it);
        # ``contains`` looks into the value as text.
        value = sql.SQL("CAST(%({})s AS {})").format(sql.SQL(name), _type_of(columns, wanted.column))
        where.append(
            {
                "eq": sql.SQL("{} = {}").format(column, value),
                "contains": sql.SQL("strpos({}::text, %({})s) > 0").format(column, sql.SQL(name)),
                "is_null": sql.SQL("{} IS NULL").format(column),
                "not_null": sql.SQL("{} IS NOT NULL").format(column),
                "gte": sql.SQL("{} >= {}").format(column, value),
                "lte": sql.SQL("{} <= {}").format(column, value),
            }[wanted.op]
        )
    if after is not None:
        if len(after) != len(key):
            raise InvalidInput(f"after gives {len(key)} value(s): the last row's {', '.join(key)}")
        params |= {f"a{n}": str(value)[:1000] for n, value in enumerate(after)}
        typed = [
            sql.SQL("%({})s::tid").format(sql.SQL(f"a{n}"))
            if k == "ctid"
            else sql.SQL("CAST(%({})s AS {})").format(sql.SQL(f"a{n}"), _type_of(columns, k))
            for n, k in enumerate(key)
        ]
        where.append(sql.SQL("({}) > ({})").format(sql.SQL(", ").join(keys), sql.SQL(", ").join(typed)))
    query = sql.SQL("SELECT {shown}, {returned} FROM {table}{where} ORDER BY {keys} LIMIT %(limit)s").format(
        shown=sql.SQL(", ").join(sql.SQL("{} AS {}").format(e, sql.Identifier(f"c{i}")) for i, e in enumerate(shown)),
        returned=sql.SQL(", ").join(sql.SQL("{} AS {}").format(k, sql.Identifier(f"k{i}")) for i, k in enumerate(keys)),
        keys=sql.SQL(", ").join(keys),
        table=sql.Identifier(schema, table),
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
    )
    return query, params


def _type_of(columns: list[queries.Column], name: str) -> sql.Composable:
    return sql.SQL(next(c.type for c in columns if c.name == name))  # format_type() of the catalog: no user text


def _shown(name: str, masked: bool) -> sql.Composable:
    """A column as the page shows it: masked on the server, or cut to VALUE_CHARACTERS with its size."""
    column = sql.Identifier(name)
    if masked:
        return sql.SQL(
            "CASE WHEN {c} IS NULL THEN NULL WHEN strpos({c}::text, '@') > 1 "
            "THEN left({c}::text, 1) || '•••' || substr({c}::text, strpos({c}::text, '@')) ELSE {mask} END"
        ).format(c=column, mask=sql.Literal(MASK))
    return sql.SQL(
        "CASE WHEN octet_length({c}::text) > {n} THEN left({c}::text, {n}) || ' … (' || "
        "pg_size_pretty(octet_length({c}::text)::bigint) || ')' ELSE {c}::text END"
    ).format(c=column, n=sql.Literal(VALUE_CHARACTERS))
