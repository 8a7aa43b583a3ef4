"""A branch closed to connections never stays closed after the process that closed it dies.

Taking a branch out of service (``ALLOW_CONNECTIONS false``, for a clone's copy or a
restore's swap) is preceded by starting a watchdog: a small process of its own session
(so a signal to dbadmin's process group does not reach it), already connected to the
server's maintenance database, waiting on a pipe from dbadmin.  When dbadmin says "done"
the watchdog leaves.  When the pipe closes without it (dbadmin was killed: the kernel
closes its end), the watchdog ends the sessions dbadmin's maintenance work left on the
server (their transaction rolls back: a swap half-done is undone by PostgreSQL) and opens
the branch's database to connections again, within a second or two, with no dbadmin
command run.  Everything else a crash leaves (the journal, the catalog, the audit row)
is settled by the next start as before (``recovery``).

No watchdog, no fence: if it cannot start or connect, the operation fails before the
branch is closed.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from . import dburl, server_admin
from .errors import BranchUnavailable

_READY_TIMEOUT = 25.0  # two connection attempts of 10 s, and the interpreter's start
log = logging.getLogger("dbadmin")

# The watchdog: the standard library and psycopg only, so it starts in a fraction of a second.
_WATCHDOG = r"""
import json, signal, sys, time
import psycopg
from psycopg import sql

for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # a service manager stopping dbadmin: stay to reopen
    signal.signal(number, signal.SIG_IGN)
order = json.loads(sys.stdin.readline())


def connect():
    for url in order["urls"]:
        try:
            return psycopg.connect(
                url, autocommit=True, connect_timeout=10, application_name=order["name"],
                keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            )
        except psycopg.Error:
            continue
    return None


conn = connect()
if conn is None:
    print("no connection", flush=True)
    sys.exit(1)
print("ready", flush=True)
said = sys.stdin.readline().strip()  # "done"; "reopen" (dbadmin could not); "" when dbadmin died
if said == "done":
    sys.exit(0)
for attempt in range(30):  # the connection may have been lost while the fence was up: make a new one
    try:
        if conn is None or conn.closed:
            conn = connect()
        if conn is None:
            raise psycopg.OperationalError("no connection")
        conn.execute("SET statement_timeout = '15s'")
        if said != "reopen":
            # dbadmin died: end what its maintenance sessions were doing (a swap's transaction rolls back).
            query = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()"
            for (pid,) in conn.execute(query, (order["purpose"],)).fetchall():
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 10
            while conn.execute(query, (order["purpose"],)).fetchone() and time.monotonic() < deadline:
                time.sleep(0.05)
        for name in order["databases"]:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s AND NOT datallowconn", (name,)).fetchone():
                conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))
        print("reopened", flush=True)
        sys.exit(0)
    except psycopg.Error:
        conn = None
        time.sleep(1)
sys.exit(1)
"""


class Watch:
    """Handed to the body: ``reopened()`` once it has opened the databases again itself."""

    def __init__(self) -> None:
        self.done = False

    def reopened(self) -> None:
        self.done = True


@contextmanager
def watched(url: str, databases: list[str], *, purpose: str) -> Iterator[Watch]:
    """While the body runs, ``databases`` (on ``url``'s server) reopen if this process dies, or if the body ends
    without saying it reopened them (``Watch.reopened``).

    ``purpose``: the application_name of the sessions doing the work, ended before reopening after a death.
    """
    order = {
        "urls": [dburl.with_database(url, name) for name in server_admin.MAINTENANCE_DATABASES],
        "databases": databases,
        "purpose": purpose,
        "name": f"{purpose[:45]}-watchdog",
    }
    try:
        watchdog = subprocess.Popen(
            # -I: dbadmin often runs in an application's folder, whose json.py must not be imported here
            [sys.executable, "-I", "-c", _WATCHDOG],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # not in dbadmin's process group: a ^C or a group kill leaves it standing
            close_fds=True,
        )
    except OSError as exc:
        raise BranchUnavailable(
            f"could not start the watchdog that reopens the branch if dbadmin dies: {exc}"
        ) from None
    assert watchdog.stdin is not None and watchdog.stdout is not None
    try:
        watchdog.stdin.write(json.dumps(order) + "\n")
        watchdog.stdin.flush()
        ready = _line(watchdog, _READY_TIMEOUT)
    except OSError:
        ready = ""
    except BaseException:
        _stop(watchdog)
        raise
    if ready != "ready":
        _stop(watchdog)
        raise BranchUnavailable(
            f"the watchdog that reopens {', '.join(databases)} if dbadmin dies could not connect to "
            f"{dburl.describe(url)}; nothing was closed"
        )
    watch = Watch()
    try:
        yield watch
    finally:
        try:
            watchdog.stdin.write("done\n" if watch.done else "reopen\n")
            watchdog.stdin.close()
        except OSError:
            log.warning("the watchdog of %s had stopped before the fence came down", ", ".join(databases))
        try:
            watchdog.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _stop(watchdog)
        watchdog.stdout.close()


def _stop(watchdog: subprocess.Popen) -> None:
    watchdog.kill()
    watchdog.wait()
    for stream in (watchdog.stdin, watchdog.stdout):
        if stream is not None:
            stream.close()


def _line(process: subprocess.Popen, timeout: float) -> str:
    """The watchdog's first line, or '' when it says nothing within ``timeout`` seconds."""
    import selectors

    out = process.stdout
    if out is None:
        return ""
    with selectors.DefaultSelector() as selector:
        selector.register(out, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return (out.readline() or "").strip()
