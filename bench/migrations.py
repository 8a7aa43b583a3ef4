"""Benchmark: ``migrations.status`` on a project with 500 revisions and a database at head.

Baseline, measured in the same run on the same database: plain Alembic,
``command.current`` + ``command.heads`` through its Python API (no process start-up
counted on either side).  Goal: status under 1 s.

    python bench/migrations.py            # embedded PostgreSQL
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/migrations.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server, timed  # noqa: E402
from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services import control_store, migrations  # noqa: E402
from dbadmin.services.alembic_runner import Project  # noqa: E402
from dbadmin.services.context import open_context  # noqa: E402
from tests.alembic_projects import write_project  # noqa: E402

REVISIONS = 500
ROUNDS = 7


def main() -> None:
    with bench_server("dev", "prod", "control") as server:
        dev, prod, control = (server.urls[role] for role in ("dev", "prod", "control"))
        ini = write_project(server.work / "project", [
            {"id": f"r{i:04d}", "down": f"r{i - 1:04d}" if i else None} for i in range(REVISIONS)
        ])
        command.upgrade(Project(ini, dev).config(), "head")
        control_store.upgrade(control)
        settings = load_settings(_env_file=None, dev_database_url=dev, prod_database_url=prod,
                                 admin_database_url=control, migrations=ini)
        with open_context(settings) as context:
            report(context, ini, dev)


def report(context, ini: Path, dev: str) -> None:
    """Time status against plain Alembic on the same database, and print both."""
    status = migrations.status(context, "dev")
    assert status.state == "up to date" and status.current == (f"r{REVISIONS - 1:04d}",), status

    config = Project(ini, dev).config(output=io.StringIO())

    def plain_alembic() -> None:
        command.current(config)
        command.heads(config)

    baseline = timed(plain_alembic, ROUNDS)
    ours = timed(lambda: migrations.status(context, "dev"), ROUNDS)
    print(f"revisions: {REVISIONS}, median of {ROUNDS} rounds")
    print(f"plain alembic current + heads: {baseline * 1000:8.1f} ms  (baseline 1.00)")
    print(f"dbadmin migrations.status:     {ours * 1000:8.1f} ms  (ratio {ours / baseline:.2f})")
    print(f"goal status < 1 s: {'met' if ours < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
