"""Benchmark: what DDL capture and its guard cost a DDL-heavy migration, and what polling costs.

Prints, in one run:

- a migration of 500 DDL statements (250 tables, 250 indexes) run by dbadmin on Dev without
  capture (the baseline), with capture, and with capture and the guard on, as ratios; and the
  same 500 statements sent straight from psycopg in one transaction (no env.py start-up in the
  figure, so the triggers' own cost shows);
- one poll (schema snapshot, compared with the last one, stored in the control store) at
  5,000 tables, against the same poll at 50 tables and against the bare snapshot at 5,000.

    python bench/capture.py [--tables 5000]
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/capture.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from bench.introspection import build_schema  # noqa: E402
from dbadmin.services import capture, migrations  # noqa: E402
from dbadmin.services.branch import Branch  # noqa: E402
from dbadmin.services.operations.access import SYSTEM  # noqa: E402
from dbadmin.services.schema import introspection  # noqa: E402
from dbadmin.services.startup import open_context  # noqa: E402
from tests.alembic_projects import write_project  # noqa: E402

STATEMENTS = 500
ROUNDS = 5


def ddl(prefix: str) -> str:
    """``STATEMENTS`` DDL statements: a table and an index on it, ``STATEMENTS // 2`` times."""
    return "".join(
        f"CREATE TABLE {prefix}{i:04d} (id bigint PRIMARY KEY, name text, at timestamptz);"
        f"CREATE INDEX ON {prefix}{i:04d} (name);"
        for i in range(STATEMENTS // 2)
    )


def undo(prefix: str) -> str:
    return "DROP TABLE " + ", ".join(f"{prefix}{i:04d}" for i in range(STATEMENTS // 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=5000)
    args = parser.parse_args()
    with bench_server("dev", "prod", "control", "small", "large", "small_control", "large_control") as server:
        ini = write_project(
            server.work / "project",
            [{"id": "m500", "down": None, "up": ddl("m"), "down_sql": undo("m")}],
        )
        settings = server.settings(migrations=ini)
        with open_context(settings) as context:
            report_migration(context)
        report_polling(server, args.tables)


def report_migration(context) -> None:
    def migration() -> None:
        migrations.upgrade(context, "dev", actor=SYSTEM)
        migrations.downgrade(context, "dev", actor=SYSTEM, steps=1)

    def statements() -> None:
        with psycopg.connect(context.registry.url("dev")) as conn:
            conn.execute(ddl("s"))
            conn.rollback()

    migration()  # a first run warms the server and the interpreter's caches up
    timings: dict[str, tuple[float, float]] = {}
    timings["off"] = timed(migration, ROUNDS), timed(statements, ROUNDS)
    capture.install(context, "dev", actor=SYSTEM)
    timings["capture"] = timed(migration, ROUNDS), timed(statements, ROUNDS)
    capture.guard(context, "dev", True, actor=SYSTEM)
    # With the guard on, the raw statements pass only inside a run: they carry its token.
    timings["guard"] = timed(migration, ROUNDS), timed(lambda: _inside_a_run(context), ROUNDS)
    recorded = capture.collect(context, "dev")
    base_migration, base_statements = timings["off"]
    print(f"a migration of {STATEMENTS} DDL statements (up, then down), median of {ROUNDS}:")
    for name, label in (("off", "no capture"), ("capture", "capture"), ("guard", "capture + guard")):
        migration_s, statements_s = timings[name]
        print(
            f"  {label:<16} migration {migration_s * 1000:8.0f} ms ({migration_s / base_migration:4.2f}x)"
            f"   the {STATEMENTS} statements alone {statements_s * 1000:7.0f} ms ({statements_s / base_statements:4.2f}x)"
        )
    print(f"  rows the triggers recorded meanwhile, collected into the control store: {recorded}")


def _inside_a_run(context) -> None:
    """The raw statements as dbadmin's run would send them: with its token, so the guard lets them by."""
    with capture.run_mark(context, Branch.DEV) as token, psycopg.connect(context.registry.url("dev")) as conn:
        conn.execute("SELECT set_config('dbadmin.run', %s, true)", (token,))
        conn.execute(ddl("s"))
        conn.rollback()


def report_polling(server, tables: int) -> None:
    results = {}
    for role, count in (("small", 50), ("large", tables)):
        build_schema(server.urls[role], count)
        settings = server.settings(dev=role, control=f"{role}_control")
        with open_context(settings) as context:
            capture.poll(context, "dev", force=True)  # the first poll: what the others compare with
            results[count] = (
                timed(lambda: capture.poll(context, "dev", force=True), ROUNDS),
                timed(lambda: introspection.snapshot(context, "dev"), ROUNDS),
            )
    small, _ = results[50]
    large, snapshot = results[tables]
    print(f"one poll (snapshot, compare, store), median of {ROUNDS}:")
    print(f"  50 tables       {small * 1000:8.0f} ms (baseline)")
    print(f"  {tables:<5} tables    {large * 1000:8.0f} ms ({large / small:5.1f}x the baseline)")
    print(f"  its bare snapshot {snapshot * 1000:6.0f} ms (the poll costs {large / snapshot:4.2f}x the snapshot)")


if __name__ == "__main__":
    main()
