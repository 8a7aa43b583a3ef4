"""Benchmark: checkpoint create and restore on a realistic ~1 GB database, both strategies.

The database: pgbench data (scale 50 by default) plus a table of random, incompressible
text with three secondary indexes, so neither compression nor index rebuilds flatter one
side.  Printed in one run, each against its own baseline measured on the same data:

* clone create vs a raw copy of the database's files (the disk's physical limit);
* dump create vs raw ``pg_dump -Fc``; dump restore vs raw ``pg_restore`` into a new database
  (jobs 1 and DUMP_JOBS);
* clone restore vs raw ``pg_restore``;
* the branch's unavailability window during each create and restore, measured from outside
  by a probe that connects every 10 ms;
* this process's peak memory.

    python bench/checkpoints.py [--scale 50] [--text-mb 250]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services.frame import audit  # noqa: E402
from dbadmin.services import checkpoints, control_store, dburl, pgtools
from dbadmin.services.frame.access import Principal, Role  # noqa: E402
from dbadmin.services.startup import open_context  # noqa: E402


class Probe:
    """Connects to the branch every 10 ms; the longest run of failures is the unavailability window."""

    def __init__(self, url: str) -> None:
        self.url, self.stop, self.longest, self._down_since = url, threading.Event(), 0.0, None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        # After stop, keep probing until the branch answers again, so a window that is
        # still open when the operation returns is closed and counted.
        while not self.stop.is_set() or self._down_since is not None:
            try:
                with psycopg.connect(self.url, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                if self._down_since is not None:
                    self.longest = max(self.longest, time.monotonic() - self._down_since)
                    self._down_since = None
            except Exception:  # any failure to connect and answer counts as unavailable
                if self._down_since is None:
                    self._down_since = time.monotonic()
            time.sleep(0.01)


BENCH = Principal("bench", Role.ADMIN, "bench")


def run(*args: str, env: dict | None = None) -> None:
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _recorded(context, action: str) -> int:
    """The unavailability the operation itself measured and wrote to its audit row."""
    return audit.list_actions(context.registry.control_pool(), action=action, limit=1)[0].details.get("unavailable_ms", 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=50, help="pgbench scale (50 is about 750 MB)")
    parser.add_argument("--text-mb", type=int, default=250, help="MB of random text in the extra table")
    args = parser.parse_args()
    with bench_server("dev", "prod", "control") as server:
        work = server.work
        dev, prod, control = (server.urls[role] for role in ("dev", "prod", "control"))
        admin = psycopg.connect(server.url, autocommit=True)
        major = admin.info.server_version // 10000
        bench_tool, dump_tool, restore_tool = (pgtools.find(n, major) for n in ("pgbench", "pg_dump", "pg_restore"))
        plain, password = dburl.without_password(dev)
        pgenv = {"PGPASSWORD": password or ""}

        started = time.perf_counter()
        run(str(bench_tool.path), "-i", "-q", "-s", str(args.scale), plain, env=pgenv)
        with psycopg.connect(dev, autocommit=True) as conn:
            conn.execute("CREATE TABLE notes (id bigserial PRIMARY KEY, author text, body text, created_at timestamptz DEFAULT now())")
            rows = args.text_mb * 1024 * 1024 // 600
            conn.execute("INSERT INTO notes (author, body) SELECT md5(random()::text), "
                         "(SELECT string_agg(md5(random()::text || i::text), '') FROM generate_series(1, 16) i WHERE g > 0) "
                         "FROM generate_series(1, %s) g", (rows,))
            conn.execute("CREATE INDEX ON notes (author); CREATE INDEX ON notes (created_at); CREATE INDEX ON notes (md5(body))")
            conn.execute("VACUUM ANALYZE")
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
        print(f"database: {size / 2**20:.0f} MiB (built in {time.perf_counter() - started:.0f} s); "
              f"server {major}, tools {dump_tool.version}")

        # Baselines on the same data.
        raw_copy = timed(lambda: run("cp", "-r", f"{data_dir}/base/{oid}", str(work / "raw-copy")))
        shutil.rmtree(work / "raw-copy")
        archive = work / "raw.dump"
        raw_dump = timed(lambda: run(str(dump_tool.path), "-Fc", f"--file={archive}", plain, env=pgenv))
        raw_target = dburl.without_password(server.create("raw"))[0]
        raw_restore = timed(lambda: run(str(restore_tool.path), "--exit-on-error", f"--dbname={raw_target}", str(archive), env=pgenv))

        control_store.upgrade(control)
        results = []
        for jobs in (1, 4):
            settings = load_settings(_env_file=None, dev_database_url=dev, prod_database_url=prod, admin_database_url=control,
                                     checkpoint_dir=work / "store", dump_jobs=jobs)
            with open_context(settings) as context:
                for strategy in (("clone", "dump") if jobs == 1 else ("dump",)):
                    with Probe(dev) as probe:
                        made = None

                        def create() -> None:
                            nonlocal made
                            made = checkpoints.create(context, "dev", actor=BENCH, label=strategy, strategy=strategy)

                        create_s = timed(create)
                    create_window = (probe.longest, _recorded(context, "checkpoint.create"))
                    with Probe(dev) as probe:
                        restore_s = timed(lambda: checkpoints.restore(context, "dev", made.id, actor=BENCH))
                    restore_window = (probe.longest, _recorded(context, "checkpoint.restore"))
                    results.append((strategy, jobs, create_s, create_window, restore_s, restore_window))

        admin.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n{'':34}{'seconds':>9}{'ratio':>8}   unavailable: probe / recorded")
        print(f"{'raw file copy (baseline)':34}{raw_copy:>9.2f}{1:>8.2f}")
        print(f"{'raw pg_dump -Fc (baseline)':34}{raw_dump:>9.2f}{1:>8.2f}")
        print(f"{'raw pg_restore (baseline)':34}{raw_restore:>9.2f}{1:>8.2f}")
        for strategy, jobs, create_s, create_window, restore_s, restore_window in results:
            base = raw_copy if strategy == "clone" else raw_dump
            label = f"{strategy} create" + (f" (jobs {jobs})" if strategy == "dump" else "")
            print(f"{label:34}{create_s:>9.2f}{create_s / base:>8.2f}   {create_window[0] * 1000:8.0f} / {create_window[1]} ms")
            label = f"{strategy} restore" + (f" (jobs {jobs})" if strategy == "dump" else "")
            print(f"{label:34}{restore_s:>9.2f}{restore_s / raw_restore:>8.2f}   {restore_window[0] * 1000:8.0f} / {restore_window[1]} ms")
        print(f"\npeak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
