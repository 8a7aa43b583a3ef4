"""One run of the application's Alembic project, in an interpreter of its own (see ``alembic_runner``).

Started as ``python -P -m dbadmin.services.revisions.child EVENTS_FD CONTROL_FD`` with the
branch's environment and the project's working directory.  It reads one JSON request on
CONTROL_FD, answers with JSON lines on EVENTS_FD (``plan`` and ``step`` wait for the
parent's acknowledgement, so the parent records each step before its transaction
commits), and ends with ``result`` or ``error``.  Everything env.py prints goes to this
process's stdout and stderr, which the parent keeps only as a tail for error messages.

The guard: every DB-API connection made in this process, by whatever engine env.py
builds, is asked who it is before anything runs on it (a pool ``connect`` event on every
SQLAlchemy pool); one that is not the branch's database is refused there, and the
connection env.py hands to ``context.configure()`` is checked once more.  So an env.py
that reads its own settings cannot migrate another database.

If the parent dies, CONTROL_FD reaches its end and this process kills itself at once: the
server rolls back the revision that was running, as it would for the parent itself.
"""

from __future__ import annotations

import functools
import inspect
import io
import json
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import pool as sa_pool
from sqlalchemy.engine import make_url

from ..identity import Identity, sql_for

_LOOPBACK = {"", "localhost", "127.0.0.1", "::1", "local socket"}


class Refused(Exception):
    """The database env.py reached is not the branch's: nothing was run on it."""


class Channel:
    """JSON lines to the parent; acknowledgements back; the parent's death ends this process."""

    def __init__(self, events_fd: int, control_fd: int) -> None:
        self._out = os.fdopen(events_fd, "w", buffering=1)
        self._in = os.fdopen(control_fd, "r")
        self._acks: queue.Queue[str] = queue.Queue()

    def request(self) -> dict:
        request = json.loads(self._in.readline())
        threading.Thread(target=self._watch, daemon=True).start()
        return request

    def _watch(self) -> None:
        for line in self._in:
            self._acks.put(line)
        os.kill(os.getpid(), signal.SIGKILL)  # the parent is gone: stop before another statement commits

    def send(self, event: str, **fields: Any) -> None:
        self._out.write(json.dumps({"event": event, **fields}) + "\n")
        self._out.flush()

    def ask(self, event: str, **fields: Any) -> None:
        self.send(event, **fields)
        self._acks.get()


class Guard:
    """Lets env.py use only connections to the branch's own database (see the module docstring)."""

    def __init__(self, request: dict) -> None:
        self.expected: dict[str, Any] | None = request.get("identity")
        self.branch = request.get("branch_label", "branch")
        self.location = request.get("location", "")
        self.settings = request.get("session_settings", {})
        self.expected_url = request.get("url") or ""
        self.verified: list[Any] = []
        self.refusal: str | None = None

    def install(self) -> None:
        if self.expected is not None:
            event.listen(sa_pool.Pool, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self._check(dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            # Literals, not bound parameters: each DBAPI (psycopg, psycopg2, asyncpg) has its own
            # placeholder style.  Names and values are dbadmin's own (timeouts, a run's hex token).
            for name, value in self.settings.items():
                cursor.execute(f"SELECT set_config({_literal(name)}, {_literal(str(value))}, false)")
        finally:
            cursor.close()
        dbapi_connection.commit()
        self.verified.append(dbapi_connection)

    def _check(self, dbapi_connection: Any) -> None:
        assert self.expected is not None  # only installed when there is an identity to check
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql_for(self.expected["fallback"]))
            found = Identity.from_row(tuple(cursor.fetchone() or ()))
        finally:
            cursor.close()
        dbapi_connection.rollback()
        if (found.server, found.database_oid) != (self.expected["server"], self.expected["database_oid"]):
            self.refuse(f"env.py connected to {found.location}, not to the {self.branch} branch ({self.location})")

    def check_handed(self, connection: Any) -> None:
        """The connection given to ``context.configure()``: one this guard verified, or checked now."""
        dbapi = connection.connection.dbapi_connection
        if not any(dbapi is known for known in self.verified):
            self._check(dbapi)

    def check_offline(self, url: Any) -> None:
        """Offline (SQL preview): the URL env.py configures must name the branch's database."""
        if url is None:
            return
        given, expected = make_url(str(url)), make_url(self.expected_url)
        same_host = (given.host or "") == (expected.host or "") or {given.host or "", expected.host or ""} <= _LOOPBACK
        if not (same_host and (given.port or 5432) == (expected.port or 5432) and given.database == expected.database):
            self.refuse(
                f"env.py configured {given.host or 'localhost'}:{given.port or 5432}/{given.database}, "
                f"not the {self.branch} branch ({self.location})"
            )

    def refuse(self, message: str) -> None:
        self.refusal = message
        raise Refused(message)


class Run:
    """One request: the project's Config, the guard, and the commands the parent may ask for."""

    def __init__(self, request: dict, channel: Channel) -> None:
        self.request = request
        self.channel = channel
        self.guard = Guard(request)
        self.connected = False  # dbadmin's own connection to the branch worked: a later connect failure is env.py's

    def config(self, output: io.StringIO | None = None) -> Config:
        request = self.request
        quiet = io.StringIO()
        if request.get("ini"):
            config = Config(request["ini"], output_buffer=output, stdout=quiet)
        else:
            config = Config(output_buffer=output, stdout=quiet)
            config.set_main_option("script_location", request["script_location"])
        if request.get("url"):
            # ConfigParser treats '%' as interpolation; percent-encoded parts must survive it.
            config.set_main_option("sqlalchemy.url", request["url"].replace("%", "%%"))
        return config

    # -- the commands ------------------------------------------------------------------------

    def describe(self) -> dict:
        """The revision graph (no database): what the parent needs to plan without importing the project."""
        script = ScriptDirectory.from_config(self.config())
        revisions = [
            {
                "revision": rev.revision,
                "down": _listed(rev.down_revision),
                "depends_on": _listed(rev.dependencies),
                "labels": list(rev._orig_branch_labels),
                "message": (rev.doc or "").strip(),
                "file": Path(rev.path).name if rev.path else None,
            }
            for rev in script.walk_revisions()
        ]
        return {
            "revisions": revisions,
            "script_location": str(Path(script.dir).resolve()),
            "version_locations": [str(Path(p).resolve()) for p in script._version_locations],
        }

    def inspect(self) -> dict:
        """Where env.py keeps the version table on this branch, and what it holds."""
        found: dict[str, Any] = {}

        def read(rev: Any, context: MigrationContext) -> list:
            connection = context.connection
            schema = context.version_table_schema
            found.update(
                heads=list(context.get_current_heads()),
                has_table=sa_inspect(connection).has_table(context.version_table, schema=schema),
                version_table=context.version_table,
                version_table_schema=schema or _bound(connection).exec_driver_sql("SELECT current_schema()").scalar(),
            )
            return []

        self._online(read, dont_mutate=True)
        return found

    def run(self) -> dict:
        """Upgrade or downgrade to ``destination``, telling the parent the plan and each finished step."""
        request = self.request
        destination, up = request["destination"], request["direction"] == "up"
        script_holder: dict[str, ScriptDirectory] = {}

        def plan(rev: Any, context: MigrationContext) -> list:
            # The same planning calls alembic.command.upgrade / downgrade make.
            script = script_holder["script"]
            steps = script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
            self.channel.ask("plan", revisions=[step.revision.revision for step in steps])
            return steps

        def step(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
            # For a downgrade step too, up_revision_id is the revision the step concerns (the one removed).
            self.channel.ask("step", revision=step.up_revision_id, direction="up" if step.is_upgrade else "down")

        self._online(plan, destination_rev=destination, on_step=step, holder=script_holder)
        return {}

    def stamp(self) -> dict:
        """Record ``revision`` in the version table without running anything (a baseline)."""
        revision = self.request["revision"]
        holder: dict[str, ScriptDirectory] = {}
        self._online(
            lambda rev, context: holder["script"]._stamp_revs(revision, rev), destination_rev=revision, holder=holder
        )
        return {}

    def sql(self) -> dict:
        """Offline SQL from ``start`` to ``destination``; a revision that cannot render is named, not fatal."""
        request = self.request
        self.guard.install()  # offline needs no connection; one env.py opens anyway must still be the branch
        output = io.StringIO()
        config = self.config(output)
        script = ScriptDirectory.from_config(config)
        destination, up = request["destination"], request.get("direction", "up") == "up"
        skipped: list[dict] = []

        def plan(rev: Any, context: MigrationContext) -> list:
            steps = script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
            for step in steps:
                _render_or_skip(step, output, skipped)
            return steps

        environment = self._environment(
            config, script, fn=plan, as_sql=True, starting_rev=request.get("start"), destination_rev=destination
        )
        with environment:
            script.run_env()
        return {"sql": output.getvalue(), "skipped": skipped}

    def revision(self) -> dict:
        """A new revision file (no database unless the project runs env.py for revisions)."""
        config = self.config()
        if not config.get_main_option("file_template"):
            config.set_main_option("file_template", self.request["file_template"])
        script = command.revision(config, message=self.request["message"])
        script = script[0] if isinstance(script, list) else script
        assert script is not None, "alembic revision made a script"
        return {"path": str(script.path), "revision": script.revision}

    # -- env.py with dbadmin's hooks ------------------------------------------------------------

    def _online(self, fn: Callable, *, holder: dict | None = None, **kw: Any) -> None:
        """Run env.py online, offering it a connection to the branch in ``config.attributes['connection']``."""
        config = self.config()
        script = ScriptDirectory.from_config(config)
        if holder is not None:
            holder["script"] = script
        self.guard.install()
        # psycopg 3, whatever driver the project names: a sync engine on an async driver cannot connect.
        engine = create_engine(self.request["connection_url"], poolclass=sa_pool.NullPool)
        try:
            with engine.connect() as connection:
                self.connected = True
                # Alembic's cookbook: an env.py that finds a connection here uses it.
                config.attributes["connection"] = connection
                with self._environment(config, script, fn=fn, **kw):
                    script.run_env()
                if connection.in_transaction():
                    # env.py used it inside a transaction of its own (Alembic then commits nothing itself).
                    connection.commit()
        finally:
            engine.dispose()

    def _environment(
        self, config: Config, script: ScriptDirectory, *, on_step: Callable | None = None, **kw: Any
    ) -> EnvironmentContext:
        """An EnvironmentContext whose ``configure`` (what env.py calls) checks the database and adds hooks.

        The wrapper is set on the instance, not in a subclass: Alembic installs the
        ``alembic.context`` proxy from the instance's attributes, keyed by the exact class.
        Transaction per migration is the default, so a failure leaves the branch at the
        last revision that succeeded; an env.py that sets it itself keeps its choice.
        """
        environment = EnvironmentContext(config, script, **kw)
        configure = environment.configure
        signature = inspect.signature(configure)
        as_sql = kw.get("as_sql", False)

        def configure_checked(*args: Any, **options: Any) -> None:
            given = signature.bind_partial(*args, **options).arguments
            given.update(given.pop("kw", {}))
            if as_sql:
                self.guard.check_offline(given.get("url"))
            elif given.get("connection") is None:
                raise Refused(
                    f"env.py handed Alembic no connection; dbadmin runs it online against the "
                    f"{self.guard.branch} branch ({self.guard.location})"
                )
            else:
                self.guard.check_handed(given["connection"])
            callbacks = given.get("on_version_apply")
            callbacks = list(callbacks) if isinstance(callbacks, (list, tuple)) else ([callbacks] if callbacks else [])
            if on_step is not None:
                callbacks.append(on_step)
            given["on_version_apply"] = callbacks
            if given.get("transaction_per_migration") is None:
                given["transaction_per_migration"] = True
            configure(**given)

        environment.configure = configure_checked  # type: ignore[method-assign]  # on this one instance
        return environment


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, (tuple, list)) else value


def _render_or_skip(step: Any, output: io.StringIO, skipped: list[dict]) -> None:
    """Wrap a step's function so an exception while rendering offline becomes a named gap.

    Data migrations that query through ``op.get_bind()`` or an ORM session cannot be
    rendered as SQL; the preview shows every other revision and says which one it could
    not show, and why.  (Alembic keeps the function on the step when it plans.)
    """
    original = step.migration_fn
    revision = step.revision.revision

    @functools.wraps(original)
    def rendered(*args: Any, **kwargs: Any) -> None:
        mark = output.tell()
        try:
            original(*args, **kwargs)
        except Exception as exc:  # the revision's own code: any failure means "no offline SQL"
            output.seek(mark)
            output.truncate()
            reason = _first_line(exc)
            output.write(f"-- no preview for {revision}: {reason}\n\n")
            skipped.append({"revision": revision, "reason": reason})

    step.migration_fn = rendered


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}" if text else type(exc).__name__


def _failure(exc: BaseException, run: Run) -> dict:
    """What went wrong, in fields the parent turns into one of dbadmin's errors."""
    guard = run.guard
    if guard.refusal is not None or isinstance(exc, Refused):
        return {"kind": "refused", "message": guard.refusal or str(exc)}
    if isinstance(exc, CommandError):
        return {"kind": "alembic", "message": _first_line(exc).split(": ", 1)[-1]}
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    module = type(orig).__module__ or ""
    from_driver = module.split(".")[0] in ("psycopg", "psycopg2", "asyncpg", "pg8000", "sqlalchemy")
    if isinstance(exc, ImportError) and not from_driver:
        return {"kind": "import", "module": getattr(exc, "name", None), "message": _first_line(exc)}
    if from_driver and run.connected and "OperationalError" in type(exc).__name__ and not sqlstate:
        return {"kind": "elsewhere", "message": _first_line(orig).split(": ", 1)[-1]}
    if from_driver and (sqlstate or "OperationalError" in type(exc).__name__ or "Error" in type(orig).__name__):
        return {
            "kind": "database",
            "sqlstate": sqlstate,
            "message": primary or _first_line(orig).split(": ", 1)[-1],
            "operational": "OperationalError" in type(exc).__name__ and not sqlstate,
        }
    return {"kind": "env", "message": _first_line(exc)}


def main() -> None:
    channel = Channel(int(sys.argv[1]), int(sys.argv[2]))
    request = channel.request()
    run = Run(request, channel)
    try:
        result = getattr(run, request["command"])()
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the parent, then this process ends
        channel.send("error", **_failure(exc, run))
        sys.stdout.flush()
        os._exit(1)
    channel.send("result", **result)
    sys.stdout.flush()
    os._exit(0)  # env.py may have left threads or an event loop behind


def _bound(connection: Any) -> Any:
    """The connection Alembic's context runs on (None only in offline mode, which inspect never is)."""
    if connection is None:
        raise RuntimeError("env.py gave Alembic no connection to inspect")
    return connection


def _literal(text: str) -> str:
    """``text`` as a standard SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


if __name__ == "__main__":
    main()
