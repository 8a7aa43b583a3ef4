"""The branches and the pools that reach them.

One psycopg_pool per branch and one for the control store, each opened on first use
and closed on shutdown.  A branch without a URL is *missing*: it is reported, never
crashed on.  Before a pool serves anyone, the registry asks the server who it is, so
two URLs that spell the same database differently (``localhost`` vs ``127.0.0.1``, a
socket vs TCP) are refused instead of letting "Dev" operations land on Prod.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..config import Settings
from . import dburl
from .branch import Branch
from .errors import BranchNotConfigured, BranchUnavailable, SameDatabase, WrongDatabase
from .identity import Identity
from .identity import of_connection as identity_of
from .results import scalar

CONTROL = "control"
STATUS_TIMEOUT = 2.0  # seconds a branch card or the branch list waits for a server at most (POOL_TIMEOUT if less)


@dataclass(frozen=True)
class BranchStatus:
    """What the console shows on a branch card: never a password."""

    branch: Branch
    configured: bool
    location: str | None = None
    reachable: bool = False
    server_version: str | None = None
    error: str | None = None

    @property
    def state(self) -> str:
        if not self.configured:
            return "missing"
        return "reachable" if self.reachable else "unreachable"


class Registry:
    """Pools for the branches and the control store, built from one ``Settings``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._urls: dict[str, str | None] = {
            Branch.DEV: _secret(settings.dev_database_url),
            Branch.PROD: _secret(settings.prod_database_url),
            CONTROL: _secret(settings.admin_database_url),
        }
        self._pools: dict[str, ConnectionPool] = {}
        # Read-only SQL logs in as a role that cannot write: a configured reader URL per branch,
        # or one dbadmin manages (``data.readers``); its pool must reach the branch's own database.
        self._reader_urls: dict[Branch, str | None] = {
            Branch.DEV: _secret(settings.dev_reader_url),
            Branch.PROD: _secret(settings.prod_reader_url),
        }
        self._readers: dict[Branch, ConnectionPool] = {}
        self._reader_lock = threading.Lock()
        self._identities: dict[str, Identity] = {}
        # One lock per target, so a server that hangs on connect never delays the others.
        self._locks = {key: threading.Lock() for key in self._urls}
        self._identity_lock = threading.Lock()

    # -- pools -------------------------------------------------------------------------

    def pool(self, branch: Branch | str) -> ConnectionPool:
        """The pool of ``branch``, opened and identity-checked on first use."""
        return self._pool(Branch.parse(branch))

    def control_pool(self) -> ConnectionPool:
        """The control store's pool (audit log, checkpoint catalog, migration runs)."""
        return self._pool(CONTROL)

    @contextmanager
    def connection(self, target: Branch | str, *, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        """A pooled connection to a branch or the control store; a silent server becomes ``BranchUnavailable``.

        Only failures of *this* connection are translated: the body may be a whole operation
        (the branch lock is held on a control-store connection), and a branch that breaks
        meanwhile must not be reported as the control store.
        """
        key = _key(target)
        wait = min(timeout, self._settings.pool_timeout) if timeout else self._settings.pool_timeout
        pool = self._pool(key, wait)
        foreign = False
        try:
            with pool.connection(timeout=wait) as conn:
                try:
                    yield conn
                except psycopg.OperationalError:
                    foreign = not conn.broken
                    raise
        except (PoolTimeout, psycopg.OperationalError) as exc:
            if foreign:
                raise
            raise self._unavailable(key, exc, pool) from None

    def url(self, target: Branch | str) -> str:
        """The full URL of a branch or of the control store, for tools that need one (Alembic, pg_dump)."""
        key = _key(target)
        url = self._urls[key]
        if url is None:
            raise self._not_configured(key)
        return url

    def identity(self, target: Branch | str) -> Identity:
        """Who the server says the branch (or control store) is; opens its pool if needed.

        Isolated env.py runs compare every connection they make against it.
        """
        key = _key(target)
        while True:
            self._pool(key)
            with self._identity_lock:
                found = self._identities.get(key)
            if found is not None:  # else the pool was closed (a restore's swap) in between: open it again
                return found

    def location(self, target: Branch | str) -> str | None:
        url = self._urls[_key(target)]
        return dburl.describe(url) if url else None

    def close(self, *targets: Branch | str) -> None:
        """Close the pools of ``targets`` (all when none given): at shutdown, before a branch is
        copied or swapped, and after; the next use opens a fresh, identity-checked pool."""
        keys = {_key(target) for target in targets} or set(self._locks)
        for key, lock in self._locks.items():
            if key not in keys:
                continue
            with lock, self._identity_lock:
                pool = self._pools.pop(key, None)
                self._identities.pop(key, None)
            if pool is not None:
                pool.close()
            if key != CONTROL:  # a branch's reader goes with it (a swapped database is a new one)
                with self._reader_lock:
                    reader = self._readers.pop(Branch(key), None)
                if reader is not None:
                    reader.close()

    # -- readers -----------------------------------------------------------------------------

    def reader_url(self, branch: Branch | str) -> str | None:
        return self._reader_urls[Branch.parse(branch)]

    def set_reader_url(self, branch: Branch | str, url: str) -> None:
        """Use ``url`` for ``branch``'s reader from now on (a reader dbadmin manages)."""
        branch = Branch.parse(branch)
        with self._reader_lock:
            if self._reader_urls[branch] == url:
                return
            self._reader_urls[branch] = url
            pool = self._readers.pop(branch, None)
        if pool is not None:
            pool.close()

    @contextmanager
    def reader_connection(self, branch: Branch | str) -> Iterator[psycopg.Connection]:
        """A pooled connection as ``branch``'s reader, to the branch's own database (checked once per pool)."""
        branch = Branch.parse(branch)
        pool = self._reader_pool(branch)
        try:
            with pool.connection(timeout=self._settings.pool_timeout) as conn:
                yield conn
        except PoolTimeout as exc:
            raise self._unavailable(branch, exc, pool) from None

    def _reader_pool(self, branch: Branch) -> ConnectionPool:
        expected = self.identity(branch)  # first: the branch's own pool, identity-checked
        with self._reader_lock:
            pool = self._readers.get(branch)
            if pool is not None:
                return pool
            url = self._reader_urls[branch]
            if url is None:
                raise BranchNotConfigured(f"{branch.label} has no reader: set {branch.name}_READER_URL")
            pool = self._open_pool(
                url,
                f"dbadmin-{branch.value}-reader",
                application_name="dbadmin-reader",
                reset=_discard_session,
                prepare_threshold=None,  # DISCARD ALL would drop what psycopg prepared behind its back
            )
            try:
                with pool.connection(timeout=self._settings.pool_timeout) as conn:
                    found = identity_of(conn)
            except (PoolTimeout, psycopg.OperationalError) as exc:
                pool.close()
                why = dburl.reason(exc, self._settings.secrets()) if isinstance(exc, psycopg.Error) else "no answer"
                raise BranchUnavailable(
                    f"{branch.label}'s reader ({dburl.describe(url)}) is unavailable: {why}"
                ) from None
            if found.key != expected.key:
                pool.close()
                raise WrongDatabase(
                    f"{branch.name}_READER_URL leads to {found.location}, not to the {branch.label} branch's "
                    f"database ({expected.location}): nothing was run"
                )
            self._readers[branch] = pool
            return pool

    # -- status and identity -------------------------------------------------------------

    def status(self, branch: Branch | str) -> BranchStatus:
        """Configured or missing, where it points, whether it answers and with which version."""
        branch = Branch.parse(branch)
        if self._urls[branch] is None:
            return BranchStatus(branch=branch, configured=False)
        location = self.location(branch)
        try:
            with self.connection(branch, timeout=STATUS_TIMEOUT) as conn:
                version = scalar(conn.execute("SELECT current_setting('server_version')"))
        except (BranchUnavailable, SameDatabase) as exc:
            return BranchStatus(branch=branch, configured=True, location=location, error=str(exc))
        return BranchStatus(branch=branch, configured=True, location=location, reachable=True, server_version=version)

    def statuses(self) -> list[BranchStatus]:
        """Every branch's status, asked side by side (a silent server costs its own timeout, once)."""
        with ThreadPoolExecutor(len(Branch), thread_name_prefix="dbadmin-status") as pool:
            return list(pool.map(self.status, Branch))

    def ensure_distinct(self) -> None:
        """Open every configured target now, so a same-database setup is refused at start.

        A target that does not answer is checked later, when its pool first opens.
        """
        for key in (CONTROL, *Branch):
            if self._urls[key] is None:
                continue
            try:
                self._pool(key)
            except BranchUnavailable:
                continue

    def _pool(self, key: str, wait: float | None = None) -> ConnectionPool:
        with self._locks[key]:
            pool = self._pools.get(key)
            if pool is not None:
                return pool
            url = self._urls[key]
            if url is None:
                raise self._not_configured(key)
            # One plain connection first: a server that refuses, or a database that does not exist, answers at
            # once, where a pool would retry until its timeout (and a page would wait on a dead branch).
            probe = self._connect_kwargs(url) | {"connect_timeout": max(1, int(wait or self._settings.pool_timeout))}
            try:
                with psycopg.connect(url, **probe) as conn:  # type: ignore[arg-type]
                    identity = identity_of(conn)
            except psycopg.OperationalError as exc:
                raise self._unavailable(key, exc, None) from None
            pool = self._open_pool(url, f"dbadmin-{key}", connection_class=_recording_connection_class(key))
            with self._identity_lock:
                other = next((k for k, known in self._identities.items() if known.key == identity.key), None)
                if other is None:
                    self._identities[key] = identity
            if other is not None:
                pool.close()
                raise SameDatabase(
                    f"{_env_name(key)} and {_env_name(other)} lead to the same database "
                    f"({dburl.describe(url)}); each branch and the control store need their own database"
                )
            self._pools[key] = pool
            return pool

    def _open_pool(
        self,
        url: str,
        name: str,
        *,
        connection_class: type[psycopg.Connection] = psycopg.Connection,
        application_name: str = "dbadmin",
        reset: Callable[[psycopg.Connection], None] | None = None,
        **connect: object,
    ) -> ConnectionPool:
        pool = ConnectionPool(
            url,
            connection_class=connection_class,
            reset=reset,
            kwargs=self._connect_kwargs(url) | {"application_name": application_name} | connect,
            min_size=1,
            max_size=self._settings.pool_max_size,
            timeout=self._settings.pool_timeout,
            check=ConnectionPool.check_connection,
            name=name,
            open=False,
        )
        pool.open()
        return pool

    def _connect_kwargs(self, url: str) -> dict[str, object]:
        # autocommit: a service that needs a transaction says so with ``conn.transaction()``,
        # so no connection ever goes back to the pool idle in a transaction.
        kwargs: dict[str, object] = {
            "autocommit": True,
            "application_name": "dbadmin",
            "connect_timeout": max(1, int(self._settings.pool_timeout)),
        }
        if self._settings.db_ssl and "sslmode" not in dburl.parts(url):
            kwargs["sslmode"] = self._settings.db_ssl
        return kwargs

    def _not_configured(self, key: str) -> BranchNotConfigured:
        what = "the control store" if key == CONTROL else f"the {Branch(key).label} branch"
        return BranchNotConfigured(f"{what} is not configured: set {_env_name(key)}")

    def _unavailable(self, key: str, exc: Exception, pool: ConnectionPool | None) -> BranchUnavailable:
        what = "the control store" if key == CONTROL else f"the {Branch(key).label} branch"
        if isinstance(exc, PoolTimeout) and pool is not None:  # the pool only says it waited; its last error says why
            exc = getattr(pool.connection_class, "last_error", None) or exc  # set by our connection class
        why = (
            "no connection within the pool timeout"
            if isinstance(exc, PoolTimeout)
            else dburl.reason(exc, self._settings.secrets())
        )
        return BranchUnavailable(f"{what} ({dburl.describe(self._urls[key] or '')}) is unavailable: {why}")


class _RecordingConnection(psycopg.Connection):
    """Keeps the last connection error, which the pool logs but never hands to its callers."""

    last_error: Exception | None = None

    @classmethod
    def connect(cls, *args, **kwargs):
        try:
            conn = super().connect(*args, **kwargs)
        except psycopg.OperationalError as exc:
            cls.last_error = exc
            raise
        cls.last_error = None
        return conn


def _discard_session(conn: psycopg.Connection) -> None:
    """What a reader's statement left in its session (advisory locks, prepared statements, LISTEN,
    settings: none survive the rollback's reach otherwise) is gone before the next one."""
    conn.execute("DISCARD ALL")


def _recording_connection_class(key: str) -> type[_RecordingConnection]:
    """A class per pool, so each pool remembers its own last error."""
    return type(f"DBAdminConnection_{key}", (_RecordingConnection,), {})


def _key(target: Branch | str) -> str:
    return CONTROL if target == CONTROL else Branch.parse(target)


def _env_name(key: str) -> str:
    return "ADMIN_DATABASE_URL" if key == CONTROL else Branch(key).env_name


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None
