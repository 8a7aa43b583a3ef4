"""Benchmark: checkpoint create and restore on realistic databases of 1 GB and more, both strategies.

The database: pgbench data plus a table of random, incompressible text with three secondary
indexes (three quarters and a quarter of the size), so neither compression nor index
rebuilds flatter one side.  For each size, and for each place (the work disk, and with
``--xfs`` a loop-mounted XFS with reflinks, where PostgreSQL 18 clones files copy-on-write),
printed in one run, each against its own baseline measured on the same data:

* clone create vs a raw copy of the database's files (``cp``: the filesystem's own limit);
* dump create vs raw ``pg_dump -Fc``; dump restore vs raw ``pg_restore`` into a new database
  (jobs 1 and 4 at the first size);
* clone restore vs raw ``pg_restore``;
* the branch's unavailability window during each create and restore, measured from outside
  by a probe that connects every 10 ms, and as the operation recorded it;
* this process's peak memory.

Goals on copy-on-write: clone create's unavailability < 0.5 s at 1 GB and within 1.5x
between the smallest and largest size; clone restore's < 0.5 s at every size.

    python bench/checkpoints.py [--sizes 1 4] [--xfs]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, fill, run, timed  # noqa: E402
from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services.operations import audit  # noqa: E402
from dbadmin.services import checkpoints, control_store, dburl, filesystems, pgtools  # noqa: E402
from dbadmin.services.operations.access import Principal, Role  # noqa: E402
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
XFS_IMAGE_GB = 40  # sparse: holds a 4 GB branch, its restores built aside, the dumps and the baselines


@dataclass
class Row:
    label: str
    seconds: float
    baseline: float
    probe_ms: float | None = None  # the longest window the outside probe could not connect
    recorded_ms: int | None = None  # the window the operation measured itself


def _recorded(context, action: str) -> int:
    """The unavailability the operation itself measured and wrote to its audit row."""
    return audit.list_actions(context.registry.control_pool(), action=action, limit=1)[0].details.get(
        "unavailable_ms", 0
    )


def measure(size_gb: float, under: Path | None, dump_jobs: tuple[int, ...]) -> tuple[str, list[Row]]:
    """Build a database of ``size_gb`` on a fresh server (under ``under``), then time every operation."""
    with bench_server("dev", "prod", "control", under=under) as server:
        work = server.work
        dev, prod, control = (server.urls[role] for role in ("dev", "prod", "control"))
        admin = psycopg.connect(server.url, autocommit=True)
        major = admin.info.server_version // 10000
        bench_tool, dump_tool, restore_tool = (pgtools.find(n, major) for n in ("pgbench", "pg_dump", "pg_restore"))
        plain, password = dburl.without_password(dev)
        pgenv = {"PGPASSWORD": password or ""}

        started = time.perf_counter()
        fill(dev, size_gb, bench_tool.path)
        with psycopg.connect(dev, autocommit=True) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
        where = filesystems.reflinks(Path(data_dir))
        title = (
            f"{size / 2**30:.2f} GiB database on {where.filesystem} (reflinks: {where.supported}), built in "
            f"{time.perf_counter() - started:.0f} s; server {major}, tools {dump_tool.version}"
        )

        # Baselines on the same data.
        raw_copy = timed(lambda: run("cp", "-r", f"{data_dir}/base/{oid}", str(work / "raw-copy")))
        shutil.rmtree(work / "raw-copy")
        archive = work / "raw.dump"
        raw_dump = timed(lambda: run(str(dump_tool.path), "-Fc", f"--file={archive}", plain, env=pgenv))
        raw_target = dburl.without_password(server.create("raw"))[0]
        raw_restore = timed(
            lambda: run(str(restore_tool.path), "--exit-on-error", f"--dbname={raw_target}", str(archive), env=pgenv)
        )
        archive.unlink()
        admin.execute(f"DROP DATABASE {dburl.conninfo_to_dict(raw_target)['dbname']}")
        rows_out = [
            Row("raw file copy (baseline)", raw_copy, raw_copy),
            Row("raw pg_dump -Fc (baseline)", raw_dump, raw_dump),
            Row("raw pg_restore (baseline)", raw_restore, raw_restore),
        ]

        control_store.upgrade(control)
        for jobs in dump_jobs:
            settings = load_settings(
                _env_file=None,
                dev_database_url=dev,
                prod_database_url=prod,
                admin_database_url=control,
                checkpoint_dir=work / "store",
                dump_jobs=jobs,
            )
            with open_context(settings) as context:
                for strategy in ("clone", "dump") if jobs == dump_jobs[0] else ("dump",):
                    suffix = f" (jobs {jobs})" if strategy == "dump" else ""
                    made = []
                    with Probe(dev) as probe:
                        seconds = timed(
                            lambda: made.append(
                                checkpoints.create(context, "dev", actor=BENCH, label=strategy, strategy=strategy)
                            )
                        )
                    rows_out.append(
                        Row(
                            f"{strategy} create{suffix}",
                            seconds,
                            raw_copy if strategy == "clone" else raw_dump,
                            probe.longest * 1000,
                            _recorded(context, "checkpoint.create"),
                        )
                    )
                    with Probe(dev) as probe:
                        seconds = timed(lambda: checkpoints.restore(context, "dev", made[0].id, actor=BENCH))
                    rows_out.append(
                        Row(
                            f"{strategy} restore{suffix}",
                            seconds,
                            raw_restore,
                            probe.longest * 1000,
                            _recorded(context, "checkpoint.restore"),
                        )
                    )
                    for checkpoint in checkpoints.list_for_branch(context, "dev"):  # room for the next
                        checkpoints.delete(context, "dev", checkpoint.id, actor=BENCH)
        admin.close()
    return title, rows_out


@contextmanager
def loop_mounted_xfs() -> Iterator[Path]:
    """A sparse XFS image with reflinks, mounted on a temporary folder (root only)."""
    image = Path(tempfile.mkstemp(suffix=".img")[1])
    mount = Path(tempfile.mkdtemp())
    try:
        os.truncate(image, XFS_IMAGE_GB * 2**30)
        run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", str(image))
        run("mount", "-o", "loop", str(image), str(mount))
        try:
            os.chmod(mount, 0o1777)
            yield mount
        finally:
            run("umount", str(mount))
    finally:
        image.unlink(missing_ok=True)
        mount.rmdir()


def xfs_unavailable() -> str | None:
    """Why the XFS run cannot happen here, or None."""
    if os.geteuid() != 0:
        return "it mounts a loop device, which needs root"
    if shutil.which("mkfs.xfs") is None:
        return "mkfs.xfs is not installed (apt-get install xfsprogs)"
    return None


def report(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'':34}{'seconds':>9}{'ratio':>8}   unavailable: probe / recorded")
    for row in rows:
        window = f"   {row.probe_ms:8.0f} / {row.recorded_ms} ms" if row.probe_ms is not None else ""
        print(f"{row.label:34}{row.seconds:>9.2f}{row.seconds / row.baseline:>8.2f}{window}")


def goals(runs: list[tuple[float, list[Row]]]) -> None:
    """The copy-on-write goals, said against the figures just measured."""

    def window(rows: list[Row], label: str) -> float:
        row = next(r for r in rows if r.label == label)
        return max(row.probe_ms, row.recorded_ms) / 1000

    creates = [(size, window(rows, "clone create")) for size, rows in runs]
    restores = [(size, window(rows, "clone restore")) for size, rows in runs]
    print("\ngoals on copy-on-write (unavailability, the larger of probe and recorded):")
    for size, seconds in creates:
        print(f"  clone create at {size:g} GB: {seconds:.2f} s (goal < 0.5 s at 1 GB)")
    if len(creates) > 1 and creates[0][1] > 0:
        print(
            f"  clone create {creates[0][0]:g} -> {creates[-1][0]:g} GB: {creates[-1][1] / creates[0][1]:.2f}x (goal <= 1.5x)"
        )
    for size, seconds in restores:
        print(f"  clone restore at {size:g} GB: {seconds:.2f} s (goal < 0.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0], help="database sizes in GB (default 1)")
    parser.add_argument("--xfs", action="store_true", help="also run on a loop-mounted XFS with reflinks (root only)")
    parser.add_argument("--xfs-only", action="store_true", help="run only on the loop-mounted XFS")
    args = parser.parse_args()
    if not args.xfs_only:
        for index, size in enumerate(args.sizes):
            report(*measure(size, None, (1, 4) if index == 0 else (1,)))
    if args.xfs or args.xfs_only:
        if (why := xfs_unavailable()) is not None:
            print(f"\nXFS run skipped: {why}")
        else:
            runs = []
            with loop_mounted_xfs() as mount:
                for index, size in enumerate(args.sizes):
                    title, rows = measure(size, mount, (1, 4) if index == 0 else (1,))
                    report(title, rows)
                    runs.append((size, rows))
            goals(runs)
    print(f"\npeak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
