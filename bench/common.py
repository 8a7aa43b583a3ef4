"""What every benchmark needs: a server with throwaway databases, and a timer.

The server is TEST_DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbadmin.config import Settings, load_settings  # noqa: E402
from dbadmin.services import dburl  # noqa: E402
from dbadmin.services.embedded import EmbeddedPostgres  # noqa: E402


@dataclass
class Server:
    url: str  # superuser URL, database postgres
    work: Path  # a temporary folder, removed at the end
    urls: dict[str, str]  # role -> URL of its throwaway database

    def create(self, role: str) -> str:
        name = f"bench_{role}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.urls[role] = dburl.with_database(self.url, name)
        return self.urls[role]

    def settings(self, dev: str = "dev", control: str = "control", **overrides: object) -> Settings:
        """dbadmin's settings on this server's databases: Dev and the control store by role, Prod
        the ``prod`` one (``open_context`` creates the control store's tables)."""
        return load_settings(
            _env_file=None,
            dev_database_url=self.urls[dev],
            prod_database_url=self.urls["prod"],
            admin_database_url=self.urls[control],
            **overrides,
        )


@contextmanager
def bench_server(*roles: str, under: Path | None = None) -> Iterator[Server]:
    """A server with one new database per role; everything is dropped afterwards.

    ``under``: the folder to work in (and an embedded server's data directory in it, whatever
    TEST_DATABASE_URL says), for runs on a filesystem of their own.
    """
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=under or os.environ.get("BENCH_DIR"))))
        os.chmod(work, 0o755)
        given = None if under else os.environ.get("TEST_DATABASE_URL")
        url = (
            dburl.with_database(dburl.normalize(given), "postgres")
            if given
            else stack.enter_context(EmbeddedPostgres(work / "pg")).url()
        )
        server = Server(url=url, work=work, urls={})
        stack.callback(_drop_all, server)
        for role in roles:
            server.create(role)
        yield server


def run(*args: str, env: dict | None = None) -> None:
    subprocess.run(
        args, check=True, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def fill(url: str, size_gb: float, pgbench: Path) -> None:
    """Make the database at ``url`` about ``size_gb`` large and realistic: pgbench's tables (three
    quarters) and a table of random, incompressible text with three secondary indexes (a quarter),
    so neither compression nor index rebuilds flatter a copy, a dump or a restore."""
    plain, password = dburl.without_password(url)
    run(str(pgbench), "-i", "-q", "-s", str(max(1, round(size_gb * 50))), plain, env={"PGPASSWORD": password or ""})
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE notes (id bigserial PRIMARY KEY, author text, body text, created_at timestamptz DEFAULT now())"
        )
        rows = int(size_gb * 250 * 1024 * 1024 // 600)
        conn.execute(
            "INSERT INTO notes (author, body) SELECT md5(random()::text), "
            "(SELECT string_agg(md5(random()::text || i::text), '') FROM generate_series(1, 16) i WHERE g > 0) "
            "FROM generate_series(1, %s) g",
            (rows,),
        )
        conn.execute(
            "CREATE INDEX ON notes (author); CREATE INDEX ON notes (created_at); CREATE INDEX ON notes (md5(body))"
        )
        conn.execute("VACUUM ANALYZE")


def timed(call: Callable[[], object], rounds: int = 1) -> float:
    """Median seconds of ``rounds`` calls."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _drop_all(server: Server) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        for url in server.urls.values():
            name = dburl.conninfo_to_dict(url)["dbname"]
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
