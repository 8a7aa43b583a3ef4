"""How many rows each table holds: what a checkpoint records as it is made, and what a restore
drill checks the restored copy against.

Small tables, tables with few rows and tables never analyzed are counted exactly
(``count(*)``, within a read budget); large ones get PostgreSQL's own estimate, the
planner's: the rows per page ``ANALYZE`` last saw, times the pages the table has now.  A
drill compares exact counts exactly and estimates within ``TOLERANCE`` (a fresh ``ANALYZE``
of the restored table against the source's estimate at checkpoint time, which may be a
little stale).  A table that could be neither counted (past the budget, or locked) nor
estimated is recorded with ``rows: None``, and a drill says it was not compared.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

EXACT_BELOW_BYTES = 8 * 2**20  # tables under this size are counted exactly ...
EXACT_BELOW_ROWS = 100_000  # ... and so are those estimated under this many rows (a 10% tolerance would hide them)
EXACT_AT_MOST = 2000  # at most this many exact counts, smallest first ...
EXACT_BUDGET_BYTES = 256 * 2**20  # ... reading at most this much in all: the rest are estimated
TOLERANCE = 0.10  # an estimate may differ this much (as a share of the source's) ...
TOLERANCE_ROWS = 1000  # ... or this many rows, whichever is more

Counts = dict[str, dict[str, Any]]  # "schema.table" -> {"rows": int | None, "exact": bool}

# Plain tables (partitions included, partitioned parents hold no rows) of user schemas.
_TABLES = """
SELECT n.nspname AS schema, c.relname AS name, pg_relation_size(c.oid) AS bytes,
       CASE WHEN c.reltuples < 0 THEN NULL
            WHEN c.relpages = 0 THEN c.reltuples
            ELSE c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
       END::bigint AS estimate
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND c.relpersistence = 'p'
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY bytes, n.nspname, c.relname
"""


def of(conn: psycopg.Connection) -> Counts:
    """Every table's rows as ``conn``'s transaction sees them (run it in the snapshot the copy is made from).

    Each count runs in a savepoint: a table locked past ``lock_timeout`` is recorded as not
    counted, and the transaction (the copy's snapshot) goes on.
    """
    found: Counts = {}
    read = 0
    for number, (schema, name, size, estimate) in enumerate(conn.execute(_TABLES).fetchall()):
        wanted = size < EXACT_BELOW_BYTES or estimate is None or estimate < EXACT_BELOW_ROWS
        if wanted and number < EXACT_AT_MOST and read + size <= EXACT_BUDGET_BYTES:
            read += size
            try:
                with conn.transaction():
                    found[f"{schema}.{name}"] = {"rows": _count(conn, schema, name), "exact": True}
                continue
            except psycopg.errors.LockNotAvailable:
                pass
        found[f"{schema}.{name}"] = {"rows": None if estimate is None else int(estimate), "exact": False}
    return found


def check(conn: psycopg.Connection, recorded: Counts) -> list[str]:
    """What differs between ``recorded`` and the tables behind ``conn`` (a restored copy), a line each.

    Estimated tables are analyzed first (``conn`` must be allowed to), since a restore
    brings the rows back but not their statistics.
    """
    found = {f"{schema}.{name}": (schema, name) for schema, name, *_ in conn.execute(_TABLES)}
    for table, expected in recorded.items():
        if table in found and not expected["exact"] and expected["rows"] is not None:
            conn.execute(sql.SQL("ANALYZE {}.{}").format(*map(sql.Identifier, found[table])))
    estimates = {f"{schema}.{name}": estimate for schema, name, _, estimate in conn.execute(_TABLES)}
    findings = []
    for table, expected in sorted(recorded.items()):
        rows = expected["rows"]
        if table not in found:
            findings.append(f"{table} is missing from the restored copy")
        elif rows is None:
            continue  # neither counted nor estimated at the checkpoint: nothing to compare (see ``unchecked``)
        elif expected["exact"]:
            if (restored := _count(conn, *found[table])) != rows:
                findings.append(f"{table}: {rows:,} rows at the checkpoint, {restored:,} restored")
        elif abs((estimate := estimates.get(table) or 0) - rows) > max(TOLERANCE * rows, TOLERANCE_ROWS):
            findings.append(
                f"{table}: about {rows:,} rows at the checkpoint, about {estimate:,} restored "
                f"(more than {TOLERANCE:.0%} apart)"
            )
    return findings


def unchecked(recorded: Counts) -> list[str]:
    """The tables whose rows the checkpoint could neither count nor estimate."""
    return sorted(table for table, expected in recorded.items() if expected["rows"] is None)


def _count(conn: psycopg.Connection, schema: str, name: str) -> int:
    query = sql.SQL("SELECT count(*) FROM ONLY {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0
