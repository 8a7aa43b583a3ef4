"""Benchmark: ``migrations.status`` on a project with 500 revisions and a database at head.

Baseline, measured in the same run on the same database: plain Alembic,
``command.current`` + ``command.heads`` through its Python API (no process start-up
counted on either side).  Goal: status under 1 s.

    python bench/migrations.py            # embedded PostgreSQL
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/migrations.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import psycopg
from alembic import command
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbadmin.config import load_settings  # noqa: E402
from dbadmin.services import control_store, dburl, migrations  # noqa: E402
from dbadmin.services.alembic_runner import Project  # noqa: E402
from dbadmin.services.context import open_context  # noqa: E402
from dbadmin.services.embedded import EmbeddedPostgres  # noqa: E402
from tests.alembic_projects import write_project  # noqa: E402

REVISIONS = 500
ROUNDS = 7


def timed(call, rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server_url = os.environ.get("TEST_DATABASE_URL")
        if server_url:
            server_url = dburl.with_database(dburl.normalize(server_url), "postgres")
        else:
            server_url = stack.enter_context(EmbeddedPostgres(work / "pg")).url()
        names = [f"bench_{role}_{uuid.uuid4().hex[:8]}" for role in ("dev", "prod", "control")]
        with psycopg.connect(server_url, autocommit=True) as conn:
            for name in names:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        stack.callback(_drop, server_url, names)
        dev, prod, control = (dburl.with_database(server_url, name) for name in names)

        ini = write_project(work / "project", [
            {"id": f"r{i:04d}", "down": f"r{i - 1:04d}" if i else None} for i in range(REVISIONS)
        ])
        command.upgrade(Project(ini, dev).config(), "head")
        control_store.upgrade(control)
        settings = load_settings(_env_file=None, dev_database_url=dev, prod_database_url=prod,
                                 admin_database_url=control, migrations=ini)
        context = stack.enter_context(open_context(settings))
        status = migrations.status(context, "dev")
        assert status.state == "up to date" and status.current == (f"r{REVISIONS - 1:04d}",), status

        config = Project(ini, dev).config(output=io.StringIO())

        def plain_alembic() -> None:
            command.current(config)
            command.heads(config)

        baseline = timed(plain_alembic)
        ours = timed(lambda: migrations.status(context, "dev"))
        print(f"revisions: {REVISIONS}, median of {ROUNDS} rounds")
        print(f"plain alembic current + heads: {baseline * 1000:8.1f} ms  (baseline 1.00)")
        print(f"dbadmin migrations.status:     {ours * 1000:8.1f} ms  (ratio {ours / baseline:.2f})")
        print(f"goal status < 1 s: {'met' if ours < 1 else 'NOT met'}")


def _drop(server_url: str, names: list[str]) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
