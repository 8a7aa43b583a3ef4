"""One run of the application's Alembic project, in an interpreter of its own (see ``alembic_runner``).

Started as ``PYTHON -P -c BOOT THIS_FILE EVENTS_FD CONTROL_FD`` with the branch's environment
and the project's working directory, where PYTHON is the application's own interpreter (its
virtualenv: ``runner.interpreter``) and BOOT loads this file by its path.  So it imports
nothing of dbadmin's (and neither psycopg nor pydantic): only the standard library and the
application's own Alembic and SQLAlchemy (1.4 or 2.x), as ``alembic`` itself would run.  It reads one JSON request on
CONTROL_FD, answers with JSON lines on EVENTS_FD (``plan`` and ``step`` wait for the
parent's acknowledgement, so the parent records each step before its transaction
commits), and ends with ``result`` or ``error``.  Everything env.py prints goes to this
process's stdout and stderr, which the parent keeps only as a tail for error messages.

The handover: every engine env.py makes (``create_engine``, ``engine_from_config``,
``create_async_engine``, Flask-SQLAlchemy's) connects to the branch instead of where the
application's settings point, keeping the application's driver and its other connection
arguments (SQLAlchemy's ``do_connect`` event rewrites the address and credentials just
before the driver is called).  An env.py that reaches for two different databases is
refused rather than guessed about.  The guard: every DB-API connection made in this
process is then asked who it is before anything runs on it (a pool ``connect`` event on
every SQLAlchemy pool); one that is not the branch's database (a ``creator=`` function
that bypasses the handover) is refused there, and the connection env.py hands to
``context.configure()`` is checked once more.

If the parent dies, CONTROL_FD reaches its end and this process kills itself at once: the
server rolls back the revision that was running, as it would for the parent itself.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import inspect
import io
import json
import os
import queue
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
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
from sqlalchemy.engine import Engine, make_url


_LOOPBACK = {"", "localhost", "127.0.0.1", "::1", "local socket"}
# Connection arguments that say where and as whom a driver connects: the branch's replace the
# application's.  Everything else the application passes (options, server_settings, the adapters
# context) is kept.
_ADDRESSING = {
    "host", "hostaddr", "port", "dbname", "database", "user", "password", "passfile", "service", "dsn",
    "sslmode", "ssl", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "target_session_attrs",
    "unix_sock", "conninfo",
}  # fmt: skip


# What in a revision's source means it cannot share one transaction with the others: its own commit.
_OWN_TRANSACTION = (
    (re.compile(r"autocommit_block"), "uses autocommit_block(), which commits what ran before it"),
    (re.compile(r"concurrently", re.IGNORECASE), "works CONCURRENTLY, which runs outside any transaction"),
    (re.compile(r"""\.commit\s*\(|["']\s*COMMIT\b""", re.IGNORECASE), "commits by itself"),
)
# ALTER TYPE ... ADD VALUE: the new value cannot be used in the transaction that added it (SQLSTATE 55P04).
_ADDS_ENUM_VALUE = re.compile(r"add\s+value", re.IGNORECASE)
_ENV_PER_MIGRATION = re.compile(r"transaction_per_migration\s*=\s*True")


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
    """Hands env.py the branch and lets it use only connections to it (see the module docstring).

    Which database env.py means is settled by the connection it gives ``context.configure()``:
    until then, a connection whose engine asked for another address (and was pointed at the
    branch) is read-only, so nothing meant for some other database can be written on the
    branch; from then on, an engine asking for any other address is refused before it connects.
    """

    def __init__(self, request: dict) -> None:
        self.expected: dict[str, Any] | None = request.get("identity")
        self.identity_sql: str = request.get("identity_sql", "")
        self.branch = request.get("branch_label", "branch")
        self.location = request.get("location", "")
        self.settings = request.get("session_settings", {})
        self.url = make_url(request["url"]) if request.get("url") else None
        self.env_named = request.get("env_named") or ""
        self.verified: list[Any] = []
        self.refusal: str | None = None
        self.said_how = False  # the refusal says what to do itself (no generic fix appended)
        self.asked: dict[tuple, str] = {}  # where env.py's engines asked to connect
        self.own: list[Any] = []  # dialects of the engines dbadmin itself made (never redirected or counted)
        self.handed: Any = None  # the connection dbadmin offered in config.attributes['connection']
        self.handed_used = False
        self.installed = False
        self.read_only = False  # True while the framework's application starts (see _on_checkout)
        self.migrating: tuple | None = None  # the address of the connection env.py gave context.configure()
        self.checked: list[Any] = []  # DB-API connections whose identity was checked
        self.branch_address = (
            _address(dict(self.url.translate_connect_args(username="user", database="dbname")))
            if self.url is not None
            else None
        )

    def install(self) -> None:
        if self.installed:
            return
        self.installed = True
        if self.expected is None:  # no branch to hand over (reading the revision files): no database at all
            event.listen(Engine, "do_connect", self._no_database)
            event.listen(sa_pool.Pool, "first_connect", self._no_database_pool, insert=True)
            event.listen(sa_pool.Pool, "connect", self._no_database_pool, insert=True)
            return
        event.listen(Engine, "do_connect", self._redirect)
        # first_connect runs before connect, and an application may listen to it: check there too, first.
        event.listen(sa_pool.Pool, "first_connect", self._on_first_connect, insert=True)
        event.listen(sa_pool.Pool, "connect", self._on_connect, insert=True)
        event.listen(sa_pool.Pool, "checkout", self._on_checkout)

    def _no_database(self, dialect: Any, record: Any, cargs: list, cparams: dict) -> None:
        self.refuse(
            f"the project connected to a database ({_shown(_address(cparams))}) while dbadmin only read its revision "
            "files: a revision module or the application connects when imported",
            said_how=True,
        )

    def _no_database_pool(self, dbapi_connection: Any, record: Any) -> None:
        self.refuse(
            "the project connected to a database while dbadmin only read its revision files (past SQLAlchemy's "
            "connection arguments): a revision module or the application connects when imported",
            said_how=True,
        )

    def _writable(self, record: Any) -> bool:
        """Whether a pooled connection may write now (see the class docstring)."""
        if self.read_only:
            return False
        asked = record.info.get("dbadmin_asked")
        return asked is None or asked == self.branch_address or asked == self.migrating

    def _on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        """Each time a connection is handed out: read-only while the framework's application starts (a factory
        that migrates as it starts must not migrate the branch behind dbadmin's back) and while its engine asked
        for another database than the one env.py migrates; as it was otherwise (env.py's own statements,
        ``CREATE SCHEMA IF NOT EXISTS`` for its version table, run as under ``alembic``)."""
        self._set_read_only(dbapi_connection, record, not self._writable(record))

    def _set_read_only(self, dbapi_connection: Any, record: Any, read_only: bool) -> None:
        wanted = "on" if read_only else "off"
        if record.info.get("dbadmin_read_only", "off") == wanted:
            return  # never changed by dbadmin ("off"): the server's own default stays
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SELECT set_config('default_transaction_read_only', '{wanted}', false)")
        finally:
            cursor.close()
        dbapi_connection.commit()
        record.info["dbadmin_read_only"] = wanted

    def _redirect(self, dialect: Any, record: Any, cargs: list, cparams: dict) -> None:
        """SQLAlchemy's ``do_connect``: the application's engine connects to the branch, with its own driver."""
        assert self.url is not None
        if any(dialect is own for own in self.own):
            return None
        if dialect.name != "postgresql":
            self.refuse(
                f"env.py made a {dialect.name} engine (the application's settings name a {dialect.name} "
                f"database); the {self.branch} branch is PostgreSQL: configure the application for PostgreSQL "
                "(any database: dbadmin points its engine at the branch) or set MIGRATIONS_ENV",
                said_how=True,
            )
        address = _address(cparams)
        self.asked.setdefault(address, _shown(address))
        self._one_database(address)
        if record is not None:
            record.info["dbadmin_asked"] = address
        branch_args, branch_params = dialect.create_connect_args(self.url)
        kept = {name: value for name, value in cparams.items() if name not in _ADDRESSING}
        cargs[:] = list(branch_args)
        cparams.clear()
        cparams.update(kept)
        cparams.update(dict(branch_params))
        return None

    def _one_database(self, address: tuple | None = None) -> None:
        """Refuse when env.py reaches for a second database: two addresses asked, or one besides the migrated one."""
        asked = set(self.asked) | ({self.migrating} if self.migrating is not None else set())
        if len(asked) > 1:
            shown = sorted(self.asked.get(item) or _shown(item) for item in asked)
            self.refuse(
                f"env.py connects to more than one database ({', '.join(shown)}); dbadmin runs a migration on one "
                f"branch at a time ({self.branch}, {self.location}) and will not guess which one is meant: make "
                "env.py open one",
                said_how=True,
            )

    def _on_first_connect(self, dbapi_connection: Any, record: Any) -> None:
        self._check(dbapi_connection)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        if not any(dbapi_connection is known for known in self.checked):
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
            cursor.execute(self.identity_sql)  # identity.IDENTITY_SQL (or its fallback), sent by the parent
            row = tuple(cursor.fetchone() or ())
        finally:
            cursor.close()
        dbapi_connection.rollback()
        if (str(row[0]), str(row[1])) != (self.expected["server"], self.expected["database_oid"]):
            self.refuse(
                f"env.py connected to {row[3]}:{row[4]}/{row[2]}, not to the {self.branch} branch ({self.location})"
            )
        self.checked.append(dbapi_connection)

    def check_handed(self, connection: Any) -> None:
        """The connection given to ``context.configure()``: the database env.py migrates, checked, made writable."""
        fairy = connection.connection
        dbapi = getattr(fairy, "dbapi_connection", None) or fairy.connection  # SQLAlchemy 2.x / 1.4
        if not any(dbapi is known for known in self.verified + self.checked):
            self._check(dbapi)
        if self.handed is not None and connection is self.handed:
            self.handed_used = True
            self.migrating = self.branch_address
        else:
            self.migrating = fairy.info.get("dbadmin_asked") or self.branch_address
        self._one_database()
        record = getattr(fairy, "_connection_record", None)
        if record is not None and record.info.get("dbadmin_read_only") == "on" and not self.read_only:
            # Checked out read-only before env.py said which database it migrates: the driver's transaction so far
            # could not write, so ending it (at the driver, leaving SQLAlchemy's Transaction and env.py's
            # `with engine.begin()` as they are) changes nothing; from here on it writes.
            self._set_read_only(dbapi, record, False)

    def handover(self, wrapper: str | None, *, offline: bool = False) -> str:
        """How env.py got its database, in one line (``migrate status`` and ``doctor --migrations`` show it)."""
        found = f"{wrapper}: " if wrapper else ""
        if self.handed_used:
            return found + "connection passed in (config.attributes['connection'])"
        if not self.asked:
            return found + ("offline: no connection" if offline else "no engine of its own")
        address = self.migrating or next(iter(self.asked))
        if address == self.branch_address:
            if self.env_named:
                return found + f"MIGRATIONS_ENV: {self.env_named}"
            return found + "its own engine on the URL dbadmin gave it (sqlalchemy.url or DATABASE_URL)"
        shown = self.asked.get(address) or _shown(address)
        return found + f"engine from the app's settings ({shown}), pointed at {self.branch} by dbadmin"

    def refuse(self, message: str, *, said_how: bool = False) -> None:
        self.refusal, self.said_how = message, said_how
        raise Refused(message)


def _address(params: dict) -> tuple:
    """Where a driver's connection arguments lead: (host, port, database, service, dsn, hostaddr).

    Loopback spellings are one host; a Unix socket is its folder; a service or dsn that names
    the target counts as part of the address (two services are two databases)."""
    host = str(params.get("host") or params.get("unix_sock") or "localhost")
    if not host.startswith("/"):
        host = "localhost" if host in _LOOPBACK else host.lower()
    database = params.get("dbname") or params.get("database") or params.get("user") or ""
    extra = tuple(str(params.get(name) or "") for name in ("service", "dsn", "conninfo", "hostaddr"))
    return (host, str(params.get("port") or 5432), str(database), *extra)


def _shown(address: tuple) -> str:
    host, port, database, service = address[:4]
    return f"{host}:{port}/{database}" + (f" (service {service})" if service else "")


def _load_wrapper(request: dict) -> Any:
    """The framework wrapper's module (wrappers/<name>.py), loaded by its path like this file."""
    path = request.get("wrapper_file")
    if not path:
        return None
    spec = importlib.util.spec_from_file_location(f"dbadmin_wrapper_{request['wrapper']}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRAPPER


class Run:
    """One request: the project's Config, the guard, and the commands the parent may ask for."""

    def __init__(self, request: dict, channel: Channel) -> None:
        self.request = request
        self.channel = channel
        self.guard = Guard(request)
        self.wrapper = _load_wrapper(request)
        self.connected = False  # dbadmin's own connection to the branch worked: a later connect failure is env.py's
        # The run's transactions: revisions finished since the last commit, those committed, and env.py's choice.
        self.uncommitted: list[str] = []
        self.committed: list[str] = []
        self.per_migration: bool | None = None
        self.env_chose = False
        self.committing: list[str] | None = None  # a commit under way: what it holds (None once it went through)
        self.commits_in_step = 0  # commits made inside the revision running now (one that commits by itself)
        self.in_revision = False

    def _plain_config(self) -> Config:
        request = self.request
        if request.get("ini"):
            config = Config(request["ini"])
        else:
            config = Config()
        if request.get("script_location"):
            config.set_main_option("script_location", request["script_location"])
        return config

    @contextmanager
    def session(self, output: io.StringIO | None = None, *, wrapped: bool = True) -> Iterator[Config]:
        """The Config env.py receives, inside whatever set-up the project's framework gives its own command."""
        self.guard.install()  # before the framework's set-up: an application that connects while it starts is handed the branch too
        self.guard.read_only = (
            True  # the application starting up writes nothing (one that migrates as it starts fails here)
        )
        around = (
            self.wrapper.session(self.request, self._plain_config) if self.wrapper and wrapped else nullcontext(None)
        )
        with around as given:
            self.guard.read_only = False
            for name in self.request.get("private_env") or ():  # whatever the application's start-up loaded
                os.environ[name] = ""
            config = given if given is not None else self._plain_config()
            config.output_buffer = output
            config.stdout = io.StringIO()  # Alembic's own messages are not env.py's output
            if self.request.get("url"):
                # ConfigParser treats '%' as interpolation; percent-encoded parts must survive it.
                config.set_main_option("sqlalchemy.url", self.request["url"].replace("%", "%%"))
            yield config

    # -- the commands ------------------------------------------------------------------------

    def describe(self) -> dict:
        """The revision graph (no database): what the parent needs to plan without importing the project.

        The framework's set-up is not entered first: reading revision files needs no application (and
        one that connects as it starts has no branch to be handed here).  Revisions that import the
        application's models (an application context needed at import) are read again inside it.
        """
        try:
            return self._describe(wrapped=False)
        except Exception as first:
            if self.wrapper is None:
                raise
            try:
                return self._describe(wrapped=True)
            except Exception:
                raise first from None  # what reading the files said: a broken revision, not the application

    def _describe(self, *, wrapped: bool) -> dict:
        with self.session(wrapped=wrapped) as config:
            script = ScriptDirectory.from_config(config)
            if str(config.get_main_option("revision_environment") or "").lower() in ("true", "1", "yes", "on"):
                # As Alembic's own revision commands do then: env.py runs first (offline, so it connects
                # nowhere), and whatever it sets up (Prefect picks its dialect's version folder) is what is read.
                environment = EnvironmentContext(config, script, fn=lambda rev, context: [], as_sql=True)
                with environment:
                    script.run_env()
            revisions = [
                {
                    "revision": rev.revision,
                    "down": _listed(rev.down_revision),
                    "depends_on": _listed(rev.dependencies),
                    "labels": list(rev._orig_branch_labels),
                    "message": (rev.doc or "").strip(),
                    "file": Path(rev.path).name if rev.path else None,
                    # OpenStack's revisions have none by policy: a rollback through them is refused before it starts.
                    "reversible": callable(getattr(rev.module, "downgrade", None)),
                }
                | _transaction_needs(rev.path)
                for rev in script.walk_revisions()
            ]
            env = Path(script.dir, "env.py")
            env_text = env.read_text(errors="replace") if env.is_file() else ""
            return {
                "revisions": revisions,
                "per_migration": (
                    "env.py runs each revision in its own transaction (transaction_per_migration=True)"
                    if _ENV_PER_MIGRATION.search(env_text)
                    else None
                ),
                "script_location": str(Path(script.dir).resolve()),
                "version_locations": [str(Path(p).resolve()) for p in script._version_locations],
            }

    def inspect(self) -> dict:
        """Where env.py keeps the version table on this branch, what it holds, and how env.py got the branch."""
        found: dict[str, Any] = {}

        def read(rev: Any, context: MigrationContext) -> list:
            connection = context.connection
            schema = context.version_table_schema
            found.update(
                heads=list(context.get_current_heads()),
                has_table=sa_inspect(connection).has_table(context.version_table, schema=schema),
                version_table=context.version_table,
                version_table_schema=schema or _bound(connection).exec_driver_sql("SELECT current_schema()").scalar(),
                driver=f"{context.dialect.name}+{context.dialect.driver}",
            )
            return []

        self._online(read, dont_mutate=True)
        return dict(found, handover=self.guard.handover(self.request.get("wrapper_label")))

    def run(self) -> dict:
        """Upgrade or downgrade to ``destination``, telling the parent the plan and each finished step.

        With ``atomic`` in the request, every step runs in one transaction (Alembic's own default),
        unless env.py chose transaction per migration itself.  Each ``step`` event lists the
        revisions whose transaction has committed so far; the ``result`` comes after the last commit,
        whose effect the parent reads from the version table.
        """
        request = self.request
        destination, up = _revisions(request["destination"]), request["direction"] == "up"
        script_holder: dict[str, ScriptDirectory] = {}

        def plan(rev: Any, context: MigrationContext) -> list:
            # The same planning calls alembic.command.upgrade / downgrade make.
            script = script_holder["script"]
            steps = script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
            for step in steps:
                self._watch_commits_in(step)
            if not self.per_migration and getattr(context, "_transaction", None) is None:
                if not getattr(context, "_in_external_transaction", True):
                    # env.py runs the migrations outside context.begin_transaction(): one transaction would
                    # never commit; a transaction per migration commits each, as Alembic does for it then.
                    context._transaction_per_migration = True
                    self.per_migration = True
            self.channel.ask(
                "plan",
                revisions=[step.revision.revision for step in steps],
                per_migration=self.per_migration,
                env_chose=self.env_chose,
            )
            return steps

        def step(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
            # For a downgrade step too, up_revision_id is the revision the step concerns (the one removed).
            self._went_through()  # a step after a commit: it went through
            self.commits_in_step = 0
            self.channel.ask(
                "step",
                revision=step.up_revision_id,
                direction="up" if step.is_upgrade else "down",
                committed=list(self.committed),
            )
            self.uncommitted.append(step.up_revision_id)

        self._online(
            plan, destination_rev=destination, on_step=step, holder=script_holder, atomic=bool(request.get("atomic"))
        )
        return {"handover": self.guard.handover(request.get("wrapper_label"))}

    def _watch_commits_in(self, step: Any) -> None:
        """Count the commits made while this revision's own function runs (an ``autocommit_block``): if it then
        fails, part of its work may be in although the version table does not show it."""
        original = step.migration_fn

        @functools.wraps(original)
        def watched(*args: Any, **kwargs: Any) -> Any:
            self.commits_in_step, self.in_revision = 0, True
            try:
                return original(*args, **kwargs)
            finally:
                self.in_revision = False

        step.migration_fn = watched

    def _on_begin(self, connection: Any) -> None:
        """SQLAlchemy's ``begin`` event: a transaction begins, so the commit before it went through."""
        self._went_through()

    def _went_through(self) -> None:
        if self.committing is not None:
            self.committed.extend(self.committing)
            self.committing = None

    def _on_commit(self, connection: Any) -> None:
        """SQLAlchemy's ``commit`` event (just before the driver commits): what finished so far is committing."""
        self._went_through()
        self.committing = list(self.uncommitted)
        self.commits_in_step += 1 if self.in_revision else 0
        self.uncommitted.clear()

    def stamp(self) -> dict:
        """Record ``revision`` in the version table without running anything (a baseline)."""
        revision = _revisions(self.request["revision"])
        holder: dict[str, ScriptDirectory] = {}
        self._online(
            lambda rev, context: holder["script"]._stamp_revs(revision, rev), destination_rev=revision, holder=holder
        )
        return {}

    def sql(self) -> dict:
        """Offline SQL from ``start`` to ``destination``; a revision that cannot render is named, not fatal.

        Offline mode connects to nothing: whatever URL env.py configures only picks the SQL
        dialect, so it is not checked (an env.py that opens a connection anyway is handed the
        branch and checked like any other).
        """
        request = self.request
        output = io.StringIO()
        with self.session(output) as config:
            script = ScriptDirectory.from_config(config)
            destination, up = request["destination"], request.get("direction", "up") == "up"
            skipped: list[dict] = []

            def plan(rev: Any, context: MigrationContext) -> list:
                steps = script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
                for step in steps:
                    _render_or_skip(step, output, skipped)
                return steps

            environment = self._environment(  # BEGIN and COMMIT where the run will have them
                config,
                script,
                fn=plan,
                as_sql=True,
                atomic=bool(request.get("atomic")),
                starting_rev=request.get("start"),
                destination_rev=destination,
            )
            with environment:
                script.run_env()
        # env.py's own transaction_per_migration=True, however it set it (a variable, its settings): runs go per revision.
        return {
            "sql": output.getvalue(),
            "skipped": skipped,
            "per_migration": bool(self.env_chose and self.per_migration),
        }

    def revision(self) -> dict:
        """A new revision file (no database unless the project runs env.py for revisions)."""
        with self.session() as config:
            if not config.get_main_option("file_template"):
                config.set_main_option("file_template", self.request["file_template"])
            script = command.revision(config, message=self.request["message"])
        script = script[0] if isinstance(script, list) else script
        assert script is not None, "alembic revision made a script"
        return {"path": str(script.path), "revision": script.revision}

    # -- env.py with dbadmin's hooks ------------------------------------------------------------

    def _online(self, fn: Callable, *, holder: dict | None = None, atomic: bool = False, **kw: Any) -> None:
        """Run env.py online, offering it a connection to the branch in ``config.attributes['connection']``."""
        with self.session() as config:
            script = ScriptDirectory.from_config(config)
            if holder is not None:
                holder["script"] = script
            # The application's driver (its sync sibling for an async one: this connection is synchronous).
            try:
                # future=True: SQLAlchemy 1.4's 2.0-style Connection (commit()); 2.x accepts it as its only mode.
                engine = create_engine(self.request["connection_url"], poolclass=sa_pool.NullPool, future=True)
            except ImportError:  # no synchronous driver here (an asyncpg-only application): nothing to hand over
                with self._environment(config, script, fn=fn, atomic=atomic, **kw):
                    self._call(script.run_env)
                return
            self.guard.own.append(engine.dialect)
            try:
                with engine.connect() as connection:
                    self.connected = True
                    # Alembic's cookbook: an env.py that finds a connection here uses it.
                    config.attributes["connection"] = connection
                    self.guard.handed = connection
                    with self._environment(config, script, fn=fn, atomic=atomic, **kw):
                        self._call(script.run_env)
                    if connection.in_transaction():
                        # env.py used it inside a transaction of its own (Alembic then commits nothing itself).
                        connection.commit()
            finally:
                engine.dispose()

    def _call(self, body: Callable[[], Any]) -> Any:
        """env.py's run where the framework's own command runs it (Prefect: an AnyIO worker thread)."""
        return self.wrapper.call(body) if self.wrapper is not None else body()

    def _environment(
        self,
        config: Config,
        script: ScriptDirectory,
        *,
        on_step: Callable | None = None,
        atomic: bool = False,
        **kw: Any,
    ) -> EnvironmentContext:
        """An EnvironmentContext whose ``configure`` (what env.py calls) checks the database and adds hooks.

        The wrapper is set on the instance, not in a subclass: Alembic installs the
        ``alembic.context`` proxy from the instance's attributes, keyed by the exact class.
        ``atomic``: one transaction for the whole run (a failure or a crash leaves the branch where it
        was); otherwise a transaction per migration (a failure leaves the last revision that succeeded).
        An env.py that sets ``transaction_per_migration`` itself keeps its choice.
        """
        environment = EnvironmentContext(config, script, **kw)
        configure = environment.configure
        signature = inspect.signature(configure)
        as_sql = kw.get("as_sql", False)

        def configure_checked(*args: Any, **options: Any) -> None:
            given = signature.bind_partial(*args, **options).arguments
            given.update(given.pop("kw", {}))
            if as_sql:
                pass  # offline: nothing is connected, so there is nothing to check
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
            self.env_chose = given.get("transaction_per_migration") is not None
            if not self.env_chose:
                given["transaction_per_migration"] = not atomic
            self.per_migration = bool(given["transaction_per_migration"])
            if not as_sql:
                with contextlib.suppress(Exception):  # not knowing of a commit only means knowing it at the end
                    event.listen(given["connection"], "commit", self._on_commit)
                    event.listen(given["connection"], "begin", self._on_begin)
            configure(**given)

        environment.configure = configure_checked  # type: ignore[method-assign]  # on this one instance
        return environment


def _with_driver(request: dict) -> dict:
    """The branch URLs with a driver this interpreter has, where neither dbadmin's settings nor the project named one.

    SQLAlchemy's own default for ``postgresql://`` first (psycopg2 up to 2.0, psycopg from 2.1),
    then the other PostgreSQL drivers in this order: an application whose own engine uses
    psycopg 3 under SQLAlchemy 2.0 has no psycopg2, and a URL naming it would fail for nothing.
    An application with only asyncpg (Arize Phoenix's [pg] extra) gets ``sqlalchemy.url`` on asyncpg,
    and no connection handed in (there is no synchronous driver to make one with).
    """
    if not request.get("url") or not request["url"].startswith("postgresql://"):
        return request
    from sqlalchemy.dialects import postgresql

    candidates = [postgresql.dialect.driver, "psycopg", "psycopg2", "pg8000"]
    driver = next((name for name in candidates if importlib.util.find_spec(name) is not None), None)
    if driver is None and importlib.util.find_spec("asyncpg") is not None:
        return dict(request, url="postgresql+asyncpg://" + request["url"].split("://", 1)[1])
    if driver is None:
        return request  # the error that follows names the missing driver
    named = {key: f"postgresql+{driver}://" + request[key].split("://", 1)[1] for key in ("url", "connection_url")}
    return dict(
        request, **{key: value for key, value in named.items() if request.get(key, "").startswith("postgresql://")}
    )


def _transaction_needs(path: str | None) -> dict:
    """What a revision's source says about sharing a transaction: the reason it cannot, if any, and whether it
    adds an enum value (later revisions in the same transaction cannot use it)."""
    try:
        text = Path(path).read_text(errors="replace") if path else ""
    except OSError:
        text = ""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    reason = next((said for pattern, said in _OWN_TRANSACTION if pattern.search(code)), None)
    return {"own_transaction": reason, "adds_enum_value": bool(_ADDS_ENUM_VALUE.search(code))}


def _revisions(value: str) -> Any:
    """A destination as Alembic takes it: ``a,b`` (every head of a branched project, a baseline's) is a tuple."""
    return tuple(part for part in value.split(",") if part) if "," in value else value


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
    """What went wrong, in fields the parent turns into one of dbadmin's errors (and whether the revision that
    failed had committed some of its own work first)."""
    found = _failure_kind(exc, run)
    if run.commits_in_step and not found.get("commit_failed"):
        found["committed_inside"] = True
    return found


def _failure_kind(exc: BaseException, run: Run) -> dict:
    guard = run.guard
    if guard.refusal is not None or isinstance(exc, Refused):
        return {"kind": "refused", "message": guard.refusal or str(exc), "said_how": guard.said_how}
    if isinstance(exc, CommandError):
        return {"kind": "alembic", "message": _first_line(exc).split(": ", 1)[-1]}
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    module = type(orig).__module__ or ""
    from_driver = module.split(".")[0] in ("psycopg", "psycopg2", "asyncpg", "pg8000", "sqlalchemy")
    if sqlstate == "25006" and run.guard.read_only:  # read_only_sql_transaction while the application started
        return {
            "kind": "env",
            "message": (
                "the application wrote to the database while it started "
                f"({primary or _first_line(orig)}): an application that migrates as it starts (its factory calls "
                "upgrade()) must leave that to dbadmin; make the start-up migration optional"
            ),
        }
    if sqlstate == "25006" and run.guard.migrating is None:  # a write before configure(), on an engine asked elsewhere
        return {
            "kind": "env",
            "message": (
                "env.py wrote through an engine that asked for another database before it gave Alembic its "
                f"connection ({primary or _first_line(orig)}): dbadmin lets it write only on the database it "
                "migrates, once context.configure() says which that is"
            ),
        }
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
        } | (
            # SQLAlchemy wraps a failed COMMIT with no statement: only then is the commit under way to blame.
            {"commit_failed": run.committing} if run.committing and getattr(exc, "statement", "") is None else {}
        )
    return {"kind": "env", "message": _first_line(exc)}


def main() -> None:
    channel = Channel(int(sys.argv[-2]), int(sys.argv[-1]))
    request = _with_driver(channel.request())
    # Folders the project asked for (MIGRATIONS_PATH; the project root when there is no ini), put first
    # once the interpreter has started, as Alembic's prepend_sys_path does: never before the standard library loads.
    sys.path[:0] = request.get("sys_path") or []
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
