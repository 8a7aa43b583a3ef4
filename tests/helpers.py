"""What tests share besides fixtures: throwaway databases, a served console or host application,
and small readers of the audit log, versions and tables (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from dbadmin.config import env_names
from dbadmin.services.embedded import example_migrations
from dbadmin.services import dburl, migrations
from dbadmin.services.operations import audit
from dbadmin.services.operations.access import Principal, Role

# Every variable dbadmin reads (from its settings, so a new one is never missed); cleared for each
# test so the developer's shell or .env never leaks in.
SETTINGS_ENV = [*env_names(), "DBADMIN_DEBUG"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@dataclass
class Databases:
    """Creates databases from templates on the test server; drops them when the test ends."""

    admin_url: str
    templates: dict[str, str]
    created: list[str]

    def new(self, kind: str = "empty") -> str:
        """A fresh database URL; ``kind`` is ``empty`` or ``control`` (control store already at head)."""
        name = f"dbadmin_t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(self.templates[kind])
                )
            )
        self.created.append(name)
        return dburl.with_database(self.admin_url, name)

    def drop_all(self) -> None:
        """Every database a test made, and those dbadmin made beside them (clone checkpoints: ``<name>__ckpt_...``)."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for name in self.created:
                beside = conn.execute(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (f"{name}__",)
                ).fetchall()
                for found in [name, *(row[0] for row in beside)]:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(found)))
        self.created.clear()


def admin(name: str) -> Principal:
    """An admin acting from a test (the audit log records ``name``)."""
    return Principal(name, Role.ADMIN, "test")


def viewer(name: str) -> Principal:
    """A viewer asking from a test."""
    return Principal(name, Role.VIEWER, "test")


LEGACY_SHOP = Path(__file__).parent / "adoption" / "legacy_shop.sql"


def load_legacy_shop(url: str) -> None:
    """An app's schema made by hand and create_all(), no migrations: what ``dbadmin init`` starts from."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(LEGACY_SHOP.read_text())


def version(context, branch) -> list[str]:
    """The branch's alembic_version rows, read directly."""
    with context.registry.connection(branch) as conn:
        if conn.execute("SELECT to_regclass('alembic_version') IS NULL").fetchone()[0]:
            return []
        return sorted(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))


def at_head(context) -> None:
    """Both branches at the project's head: Dev upgraded, then promoted to Prod (as an admin)."""
    who = admin("setup")
    migrations.upgrade(context, "dev", actor=who)
    migrations.promote(context, actor=who, confirm=migrations.plan_promotion(context).phrase)


def on_both(context, statements: str) -> None:
    """Run ``statements`` on Dev and on Prod, as each branch's own role (autocommit)."""
    for branch in ("dev", "prod"):
        with psycopg.connect(context.registry.url(branch), autocommit=True) as conn:
            conn.execute(statements)


def actions(context):
    """The audit log, oldest first."""
    return list(reversed(audit.list_actions(context.registry.control_pool())))


def tables(context, branch) -> set[str]:
    with context.registry.connection(branch) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


# -- a console served in a subprocess, as users run it ------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    base_url: str
    log: Path
    env: dict[str, str]
    cookies: list | None = None
    links_used: int = 0

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout)

    def login_link(self) -> str:
        """A one-time sign-in link: the one ``serve`` printed, then new ones from ``dbadmin login-link``."""
        self.links_used += 1
        if self.links_used == 1:
            found = re.search(r"(http://\S+/auth/local\?ticket=\S+)", self.output())
            assert found, self.output()
            return found.group(1)
        port = self.base_url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "dbadmin", "login-link", "--port", port],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def sign_in(self, page) -> None:
        """Sign ``page``'s browser in as the local admin (one real login per server, its cookie reused after)."""
        if self.cookies is None:
            page.goto(self.login_link())
            page.wait_for_url(f"{self.base_url}/admin/**")
            self.cookies = page.context.cookies()
        else:
            page.context.add_cookies(self.cookies)

    def client(self) -> httpx.Client:
        """An HTTP client signed in as the local admin (its own session)."""
        client = httpx.Client(base_url=self.base_url, timeout=30)
        answer = client.get(self.login_link(), follow_redirects=False)
        assert answer.status_code == 303, answer.text
        return client


def serve(env: dict[str, str], log: Path, *args: str, timeout: float = 90, port: int | None = None) -> Served:
    """Start ``dbadmin serve`` with ``env`` on ``port`` (default: a free one) and wait until it answers."""
    port = port or free_port()
    return _started(
        [sys.executable, "-m", "dbadmin", "serve", "--port", str(port), *args],
        port,
        env,
        log,
        ready="/healthz",
        timeout=timeout,
    )


def serve_host(folder: Path, env: dict[str, str], log: Path, *, ready: str = "/", timeout: float = 90) -> Served:
    """Start a host application (``app.main:app`` in ``folder``, which mounts dbadmin) under uvicorn."""
    port = free_port()
    return _started(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
        port,
        env,
        log,
        ready=ready,
        timeout=timeout,
        cwd=folder,
    )


def stop_host(served: Served) -> None:
    """Stop a host application; it must shut down cleanly, and log no traceback but its identity's failures
    (which dbadmin logs, with their traceback, for the host's developers)."""
    assert served.stop() in (0, -signal.SIGTERM), served.output()  # uvicorn re-raises SIGTERM after a clean shutdown
    lines = [line for line in served.output().splitlines() if line.strip()]
    unexpected = [
        i
        for i, line in enumerate(lines)
        if line.startswith("Traceback") and not (i and "the application's identity callable failed" in lines[i - 1])
    ]
    assert not unexpected, served.output()


def _started(
    command: list[str],
    port: int,
    env: dict[str, str],
    log: Path,
    *,
    ready: str,
    timeout: float,
    cwd: Path | None = None,
) -> Served:
    full_env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV} | env
    with open(log, "wb") as handle:
        process = subprocess.Popen(command, env=full_env, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd)
    served = Served(process, f"http://127.0.0.1:{port}", log, full_env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{command[2]} exited with {process.returncode}:\n{served.output()}")
        try:
            if httpx.get(served.base_url + ready, timeout=1).status_code == 200:
                return served
        except httpx.TransportError:
            time.sleep(0.2)
    served.stop(signal.SIGKILL)
    raise AssertionError(f"{command[2]} did not answer within {timeout}s:\n{served.output()}")


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    return subprocess.run(
        [sys.executable, "-m", "dbadmin", *args],
        capture_output=True,
        text=True,
        env=base | (env or {}),
        timeout=120,
        cwd=cwd,
    )


def shop_at_head(databases, store: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Three new databases, the example shop on both branches at head (through the CLI, as a person
    would): the URLs, and the whole environment a served console needs."""
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    env = urls | {"MIGRATIONS": str(example_migrations()), "CHECKPOINT_DIR": str(store)}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 5", "--yes", env=env).returncode == 0
    return urls, env
