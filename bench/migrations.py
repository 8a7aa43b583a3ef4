"""Benchmark: ``migrations.status`` on a project with 500 revisions and a database at head, and what an
isolated env.py run costs.

Baselines, measured in the same run on the same database, through Alembic's Python API
in this process (no process start-up counted): ``command.current`` + ``command.heads``
for status, and ``command.upgrade(+1)`` for one up run.  dbadmin runs every env.py in a
fresh interpreter (so an application's settings, logging and event loop never leak
between branches); status reads the version table directly once env.py has said where
it is.  Goal: status under 1 s.

    python bench/migrations.py            # embedded PostgreSQL
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/migrations.py
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services import control_store, migrations  # noqa: E402
from dbadmin.services.operations.access import SYSTEM  # noqa: E402
from dbadmin.services.startup import open_context  # noqa: E402
from tests.alembic_projects import plain_config, write_project  # noqa: E402

REVISIONS = 500
ROUNDS = 7
UP_ROUNDS = 3


def main() -> None:
    with bench_server("dev", "prod", "control", "plain") as server:
        dev, prod, control, plain = (server.urls[role] for role in ("dev", "prod", "control", "plain"))
        ini = write_project(
            server.work / "project",
            [{"id": f"r{i:04d}", "down": f"r{i - 1:04d}" if i else None} for i in range(REVISIONS)],
        )
        for url in (dev, plain):
            command.upgrade(plain_config(ini, url), "head")
        control_store.upgrade(control)
        settings = load_settings(
            _env_file=None, dev_database_url=dev, prod_database_url=prod, admin_database_url=control, migrations=ini
        )
        with open_context(settings) as context:
            report_status(context, ini, dev)
            report_up(context, ini, plain)


def report_status(context, ini: Path, dev: str) -> None:
    """Time status against plain Alembic on the same database, and print both."""
    started = time.perf_counter()
    status = migrations.status(context, "dev")
    first = time.perf_counter() - started
    assert status.state == "up to date" and status.current == (f"r{REVISIONS - 1:04d}",), status

    config = plain_config(ini, dev)
    config.stdout = io.StringIO()

    def plain_alembic() -> None:
        command.current(config)
        command.heads(config)

    baseline = timed(plain_alembic, ROUNDS)
    ours = timed(lambda: migrations.status(context, "dev"), ROUNDS)
    print(f"revisions: {REVISIONS}, median of {ROUNDS} rounds")
    print(f"plain alembic current + heads:      {baseline * 1000:8.1f} ms  (baseline 1.00)")
    print(f"dbadmin migrations.status:          {ours * 1000:8.1f} ms  (ratio {ours / baseline:.2f})")
    print(
        f"  first status in a process:        {first * 1000:8.1f} ms  (ratio {first / baseline:.2f}; two env.py "
        "processes at once: graph, version table)"
    )
    print(f"goal status < 1 s, warm and first: {'met' if max(ours, first) < 1 else 'NOT met'}")


def report_up(context, ini: Path, plain: str) -> None:
    """One revision down and up again: plain Alembic in this process against dbadmin's isolated, audited run."""
    config = plain_config(ini, plain)

    def plain_up() -> None:
        command.downgrade(config, "-1")
        started = time.perf_counter()
        command.upgrade(config, "+1")
        samples.append(time.perf_counter() - started)

    def isolated_up() -> None:
        migrations.downgrade(context, "dev", actor=SYSTEM, steps=1)
        started = time.perf_counter()
        migrations.upgrade(context, "dev", actor=SYSTEM, steps=1)
        samples.append(time.perf_counter() - started)

    samples: list[float] = []
    for _ in range(UP_ROUNDS):
        plain_up()
    baseline, samples = sorted(samples)[UP_ROUNDS // 2], []
    for _ in range(UP_ROUNDS):
        isolated_up()
    ours = sorted(samples)[UP_ROUNDS // 2]
    print(f"one up run, median of {UP_ROUNDS}:")
    print(f"plain alembic upgrade +1 in-process: {baseline * 1000:7.1f} ms  (baseline 1.00)")
    print(
        f"dbadmin migrations.upgrade, isolated: {ours * 1000:7.1f} ms  (ratio {ours / baseline:.2f}; "
        "audit row, run rows, status reads and one env.py process)"
    )


if __name__ == "__main__":
    main()
