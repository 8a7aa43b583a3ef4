"""Benchmark: the schema browser's queries on 5,000 tables (10 columns, 2 indexes, 1 foreign key each).

Prints, in one run: first page and full listing of tables (read from the catalog for the
call, and served from the kept listing), one table's details, a full
schema snapshot, and the naive listing (information_schema plus pg_total_relation_size
per table, one query each, as tools commonly do) as the baseline, with ratios.
Goals: first page < 100 ms, snapshot < 2 s, at least 10x faster than the baseline.

    python bench/introspection.py [--tables 5000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services import control_store  # noqa: E402
from dbadmin.services.schema import introspection
from dbadmin.services.startup import open_context  # noqa: E402


def build_schema(url: str, tables: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for start in range(0, tables, 250):
            statements = []
            for i in range(start, min(start + 250, tables)):
                parent = f"t{i - 1:05d}" if i else None
                columns = ", ".join(f"c{j} {'text' if j % 2 else 'integer'}" for j in range(1, 9))
                fk = f", parent_id bigint REFERENCES {parent} (id)" if parent else ", parent_id bigint"
                statements.append(
                    f"CREATE TABLE t{i:05d} (id bigint PRIMARY KEY{fk}, {columns});"
                    f"CREATE INDEX ON t{i:05d} (c1); CREATE INDEX ON t{i:05d} (c2, c3);"
                )
            conn.execute("".join(statements))
        conn.execute("ANALYZE")


def naive_listing(url: str) -> int:
    """What a simple tool does: information_schema for the list, then one size query per table."""
    with psycopg.connect(url) as conn:
        names = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        for schema, name in names:
            conn.execute(
                "SELECT pg_total_relation_size(format('%%I.%%I', %s::text, %s::text)::regclass)", (schema, name)
            )
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=5000)
    args = parser.parse_args()
    with bench_server("dev", "prod", "control") as server:
        dev, prod, control = (server.urls[role] for role in ("dev", "prod", "control"))
        started = time.perf_counter()
        build_schema(dev, args.tables)
        print(f"built {args.tables} tables in {time.perf_counter() - started:.1f} s")
        control_store.upgrade(control)
        settings = load_settings(
            _env_file=None, dev_database_url=dev, prod_database_url=prod, admin_database_url=control
        )
        with open_context(settings) as context:
            report(context, dev, args.tables)


def report(context, dev: str, tables: int) -> None:
    """Time each listing against the naive one on the same database, and print them."""
    assert introspection.list_tables(context, "dev", limit=50).total == tables
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # fresh: the catalog is read for the call (a console visit, or LISTING_CACHE_SECONDS=0);
    # kept: the listing read by an earlier call is searched, sorted and paged in memory
    first_page = timed(lambda: introspection.list_tables(context, "dev", limit=50, fresh=True), 9)
    by_size = timed(
        lambda: introspection.list_tables(context, "dev", sort="size", descending=True, limit=50, fresh=True), 5
    )
    kept_page = timed(lambda: introspection.list_tables(context, "dev", limit=50, offset=2500), 9)
    kept_by_size = timed(lambda: introspection.list_tables(context, "dev", sort="size", descending=True, limit=50), 9)
    kept_search = timed(lambda: introspection.list_tables(context, "dev", search="t024"), 9)
    paged = timed(
        lambda: [
            introspection.list_tables(context, "dev", limit=500, offset=o, fresh=o == 0) for o in range(0, tables, 500)
        ],
        3,
    )
    full = timed(lambda: introspection.list_tables(context, "dev", limit=tables, fresh=True), 3)
    details = timed(lambda: introspection.table_details(context, "dev", "public", "t02500"), 9)
    snapshot = timed(lambda: introspection.snapshot(context, "dev"), 3)
    baseline = timed(lambda: naive_listing(dev), 1)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"{'operation':<42}{'ms':>10}{'vs baseline':>14}")
    print(f"{'naive listing (baseline)':<42}{baseline * 1000:>10.1f}{1:>14.2f}")
    for label, value in [
        ("first page of 50 (by name), fresh", first_page),
        ("first page of 50 (by size), fresh", by_size),
        ("a page of 50 (by name), kept", kept_page),
        ("a page of 50 (by size), kept", kept_by_size),
        ("a search, kept", kept_search),
        (f"full listing ({tables}, one call), fresh", full),
        (f"full listing ({tables}, pages of 500)", paged),
        ("one table's details", details),
        ("full schema snapshot", snapshot),
    ]:
        print(f"{label:<42}{value * 1000:>10.1f}{value / baseline:>14.3f}")
    print(f"full listing is {baseline / full:.1f}x faster than the baseline (goal >= 10x)")
    print(
        f"goals: first page < 100 ms: {'met' if first_page < 0.1 else 'NOT met'}; "
        f"snapshot < 2 s: {'met' if snapshot < 2 else 'NOT met'}"
    )
    print(f"peak RSS {rss_before / 1024:.0f} MiB before the timed calls, {rss_after / 1024:.0f} MiB after")


if __name__ == "__main__":
    main()
