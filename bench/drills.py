"""Benchmark: a restore drill of a 1 GB dump checkpoint, next to the raw pg_restore of the same archive.

The database is the realistic one of ``bench/checkpoints.py`` (pgbench's tables and a table of
incompressible text with three secondary indexes).  A ``dump`` checkpoint of it is taken
through dbadmin; then, in one run, on the same archive:

* the baseline: raw ``pg_restore --jobs=N`` (N = DUMP_JOBS, as the drill restores) into a new
  database, the way anyone would test a backup by hand;
* the drill: ``checkpoints.drill``, which checks the archive's SHA-256, restores it into a
  scratch database, reads the restored schema and compares it with the checkpoint's snapshot,
  counts the small tables and ``ANALYZE``s the large ones, then drops the scratch database.

Goal: the drill costs little more than the restore itself (within 1.3x of raw pg_restore).

    python bench/drills.py [--size 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, fill, run, timed  # noqa: E402
from dbadmin.services import checkpoints, dburl, pgtools  # noqa: E402
from dbadmin.services.operations.access import Principal, Role  # noqa: E402
from dbadmin.services.startup import open_context  # noqa: E402

ME = Principal("bench", Role.ADMIN, "cli")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=float, default=1.0, help="GB of data in the branch")
    args = parser.parse_args()
    with bench_server("dev", "prod", "control") as server:
        dev = server.urls["dev"]
        with psycopg.connect(server.url, autocommit=True) as admin:
            major = admin.info.server_version // 10000
        pgbench, restore_tool = pgtools.find("pgbench", major), pgtools.find("pg_restore", major)
        assert pgbench is not None and restore_tool is not None, "pgbench and pg_restore are needed"
        started = time.perf_counter()
        fill(dev, args.size, pgbench.path)
        with psycopg.connect(dev) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        print(f"{size / 2**30:.2f} GiB database built in {time.perf_counter() - started:.0f} s; server {major}")

        settings = server.settings(checkpoint_dir=server.work / "store")
        with open_context(settings) as context:
            made = timed(lambda: checkpoints.create(context, "dev", actor=ME, label="bench", strategy="dump"))
            checkpoint = checkpoints.list_for_branch(context, "dev")[0]
            archive = Path(checkpoint.location)
            print(f"dump checkpoint #{checkpoint.id}: {archive.stat().st_size / 2**20:.0f} MiB archive in {made:.1f} s")

            target, password = dburl.without_password(server.create("raw"))
            jobs = settings.dump_jobs
            raw = timed(
                lambda: run(
                    str(restore_tool.path),
                    "--exit-on-error",
                    f"--jobs={jobs}",
                    f"--dbname={target}",
                    str(archive),
                    env={"PGPASSWORD": password or ""},
                )
            )
            drilled: list[checkpoints.Drill] = []
            drill = timed(lambda: drilled.append(checkpoints.drill(context, "dev", checkpoint.id, actor=ME)))
        done = drilled[0]
        assert done.passed, done.findings
        checks = drill - (done.restore_ms or 0) / 1000
        print(f"raw pg_restore --jobs={jobs} (baseline): {raw:7.1f} s")
        print(
            f"drill:                          {drill:7.1f} s   ({drill / raw:.2f}x)   of which the restore "
            f"{(done.restore_ms or 0) / 1000:.1f} s (checksum included), the checks and the drop {checks:.1f} s; "
            f"{done.tables} tables checked"
        )
        verdict = "met" if drill <= 1.3 * raw else "MISSED"
        print(f"goal: the drill within 1.3x of the raw restore: {drill / raw:.2f}x, {verdict}")


if __name__ == "__main__":
    main()
