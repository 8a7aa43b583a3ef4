"""Benchmark: the Rows view on a 10-million-row table, and its CSV export of 1 million rows.

Prints, in one run:
- page 1 and page 1,000 (reached by walking the pages through their cursors, as the console
  does) of ``data.page``, 50 rows each, next to the bare keyset query the page is built from
  (``SELECT * ... WHERE id > $1 ORDER BY id LIMIT 51`` on a plain connection) as the baseline;
  goal: each under 100 ms;
- a CSV export of 1,000,000 rows through ``data.export`` (the same ``COPY`` the API streams),
  written to a file, next to ``psql \\copy`` of the same rows measured in the same run; the
  process's resident memory is sampled during the export and printed beside a 100,000-row
  export, to show it stays flat; goal: within 2x of psql's rate.

    python bench/data.py [--rows 10000000] [--export 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from dbadmin.services import control_store, data, pgtools  # noqa: E402
from dbadmin.services.operations.access import Principal, Role  # noqa: E402
from dbadmin.services.startup import open_context  # noqa: E402

ME = Principal("bench", Role.ADMIN, "cli")
PAGE = 50


def build(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE events (id bigint PRIMARY KEY, account text NOT NULL, kind text NOT NULL,"
            " amount_cents integer, payload jsonb, at timestamptz NOT NULL)"
        )
        for start in range(0, rows, 1_000_000):
            conn.execute(
                "INSERT INTO events SELECT g, 'acct-' || (g %% 5000), (ARRAY['sign-in', 'order', 'refund'])[1 + g %% 3],"
                " g %% 100000, jsonb_build_object('n', g, 'tag', md5(g::text)), '2026-01-01'::timestamptz + g * interval '1 s'"
                " FROM generate_series(%s::bigint, %s::bigint) g",
                (start + 1, min(start + 1_000_000, rows)),
            )
        conn.execute("VACUUM ANALYZE events")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pages(context, dev: str) -> None:
    first = timed(lambda: data.page(context, "dev", "public", "events", actor=ME, limit=PAGE), 9)
    walked, after = [], None
    for _ in range(1000):
        started = time.perf_counter()
        found = data.page(context, "dev", "public", "events", actor=ME, after=after, limit=PAGE)
        walked.append(time.perf_counter() - started)
        after = found.after
    last_id = int(found.rows[-1][0])
    assert last_id == 1000 * PAGE, last_id  # page 1,000 ends at row 50,000
    at_1000 = statistics.median(walked[-9:])  # pages 992 to 1,000
    with psycopg.connect(dev) as conn:
        keyset = "SELECT * FROM events WHERE id > %s ORDER BY id LIMIT %s"
        bare_first = timed(lambda: conn.execute(keyset, (0, PAGE + 1)).fetchall(), 9)
        bare_1000 = timed(lambda: conn.execute(keyset, (999 * PAGE, PAGE + 1)).fetchall(), 9)
    print(
        f"page 1:      {first * 1000:7.1f} ms   bare keyset {bare_first * 1000:5.1f} ms   ({first / bare_first:.1f}x)"
    )
    print(
        f"page 1,000:  {at_1000 * 1000:7.1f} ms   bare keyset {bare_1000 * 1000:5.1f} ms   ({at_1000 / bare_1000:.1f}x)"
    )
    verdict = "met" if max(first, at_1000) < 0.1 else "MISSED"
    print(f"goal: each page under 100 ms: {verdict}; page 1,000 costs {at_1000 / first:.2f}x page 1")


def export(context, rows: int, target: Path) -> tuple[float, float, float, int]:
    """Seconds, RSS before and at its peak during (MiB), and bytes of an export of ``rows`` rows
    written to ``target``."""
    before = peak = rss_mb()
    started = time.perf_counter()
    written = 0
    with open(target, "wb") as out:
        for n, chunk in enumerate(data.export(context, "dev", "public", "events", actor=ME, limit=rows)):
            out.write(chunk)
            written += len(chunk)
            if n % 16 == 0:
                peak = max(peak, rss_mb())
    return time.perf_counter() - started, before, peak, written


def psql_copy(dev: str, rows: int, target: Path) -> float:
    psql = pgtools.find("psql")
    assert psql is not None, "no psql here"
    url, env = pgtools.environment(dev, "bench")
    command = f"\\copy (SELECT * FROM events ORDER BY id LIMIT {rows}) TO '{target}' WITH (FORMAT csv, HEADER)"
    started = time.perf_counter()
    subprocess.run([str(psql.path), url, "-X", "-q", "-c", command], env=env, check=True)
    return time.perf_counter() - started


def exports(context, dev: str, rows: int, work: Path) -> None:
    _, small_before, small_peak, _ = export(context, rows // 10, work / "small.csv")
    runs = [export(context, rows, work / "ours.csv") for _ in range(3)]
    ours_s = statistics.median(run[0] for run in runs)
    before, peak, size = runs[0][1], max(run[2] for run in runs), runs[0][3]
    theirs_s = statistics.median(psql_copy(dev, rows, work / "psql.csv") for _ in range(3))
    assert (work / "ours.csv").stat().st_size == (work / "psql.csv").stat().st_size, "the two exports differ"
    mb = size / 2**20
    print(f"export {rows // 10:,} rows: RSS {small_before:.1f} MiB before, {small_peak:.1f} MiB at its peak")
    print(
        f"export {rows:,} rows ({mb:.0f} MiB, median of 3): {ours_s:.2f} s ({mb / ours_s:.0f} MiB/s), "
        f"RSS {before:.1f} MiB before, {peak:.1f} MiB at its peak"
    )
    print(f"psql \\copy of the same rows (median of 3): {theirs_s:.2f} s ({mb / theirs_s:.0f} MiB/s)")
    verdict = "met" if ours_s <= 2 * theirs_s else "MISSED"
    print(
        f"goal: within 2x of psql's rate: {ours_s / theirs_s:.2f}x, {verdict}; memory: "
        f"+{peak - before:.1f} MiB at {rows:,} rows, +{small_peak - small_before:.1f} MiB at {rows // 10:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--export", type=int, default=1_000_000)
    args = parser.parse_args()
    with bench_server("dev", "prod", "control") as server:
        dev = server.urls["dev"]
        started = time.perf_counter()
        build(dev, args.rows)
        print(f"built events with {args.rows:,} rows in {time.perf_counter() - started:.0f} s")
        control_store.upgrade(server.urls["control"])
        with open_context(server.settings(export_row_limit=max(args.export, 1))) as context:
            pages(context, dev)
            exports(context, dev, args.export, server.work)


if __name__ == "__main__":
    main()
