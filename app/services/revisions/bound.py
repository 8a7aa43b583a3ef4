"""Alembic bound to one branch: the project from the settings, its graph and version table, and env.py's
failures as dbadmin's errors.

Each env.py run costs an interpreter start (``alembic_runner``), so what a run teaches is
kept per process (``ProjectCache`` on the ``Context``) until the project's files change:
the revision graph (from the revision files) and where each branch keeps its version
table (from env.py's ``context.configure``).  Status then reads the version table
directly through the branch's own, identity-checked pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from .. import actions
from ...config import Settings, parse_env_mapping, private_env_names
from .. import dburl, server_admin
from ..branch import Branch
from ..context import Context
from ..errors import BranchUnavailable, ConfigError, DBAdminError, InvalidInput, WrongDatabase
from ..operations import audit
from ..operations.access import SYSTEM
from . import runner as alembic_runner
from .project import Graph, Project, VersionTable, fingerprint
from .runner import EnvFailure, Target, Timeouts

_TIMEOUT_STATES = {"57014": "MIGRATION_STATEMENT_TIMEOUT", "55P03": "MIGRATION_LOCK_TIMEOUT"}
_FIX = (
    "env.py connects past dbadmin's handover (dbadmin points every engine made through SQLAlchemy's connection "
    "arguments at the branch): let it use config.attributes['connection'] or config.get_main_option('sqlalchemy.url'), "
    "or map your settings' variables with MIGRATIONS_ENV (docs/migrations.md: Compatibility)"
)


@dataclass(frozen=True)
class DatabaseState:
    """What the branch's version table says."""

    heads: tuple[str, ...]
    has_version_table: bool


def project(settings: Settings) -> Project:
    """The project MIGRATIONS names, started the way the settings say (MIGRATIONS_ENV, MIGRATIONS_PATH)."""
    if settings.migrations is None:
        raise ConfigError(
            "MIGRATIONS: not set; point it at your application's alembic.ini, or run 'dbadmin init' in "
            "your application's folder to start a project from your Development database"
        )
    default_env = Settings.model_fields["migrations_env"].default
    return Project(
        Path(settings.migrations),
        env_mapping=parse_env_mapping(settings.migrations_env),
        python_path=tuple(settings.migrations_python_path()),
        strip_env=private_env_names(),
        driver_name=settings.migrations_driver,
        python=settings.migrations_python,
        env_named=settings.migrations_env if settings.migrations_env != default_env else "",
    )


def graph(context: Context) -> Graph:
    """The revision graph; described again (one env.py process) when a revision file, env.py or the ini changed."""
    graph, _ = _described(context)
    return graph


def target(context: Context, branch: Branch) -> Target:
    """The branch as a run must reach it (the registry checks who the server is as it opens the pool)."""
    registry, settings = context.registry, context.settings
    url = registry.url(branch)
    return Target(
        url,
        registry.identity(branch),
        branch.label,
        dburl.describe(url),
        Timeouts(settings.migration_statement_timeout, settings.migration_lock_timeout),
    )


@contextmanager
def scratch(context: Context, branch: Branch) -> Iterator[Target]:
    """A new, empty database on the branch's server that env.py may build (dropped afterwards)."""
    url = context.registry.url(branch)
    with server_admin.scratch_database(url, secrets=context.settings.secrets()) as scratch_url:
        yield replace(
            target(context, branch),
            url=scratch_url,
            identity=server_admin.identity(scratch_url),
            label=f"scratch ({branch.label})",
            location=dburl.describe(scratch_url),
        )


def state(context: Context, branch: Branch) -> DatabaseState:
    """The branch's heads, read from its version table through the branch's own pool."""
    table = version_table(context, branch)
    with context.registry.connection(branch) as conn:
        heads, exists = table.read(conn)
    return DatabaseState(tuple(sorted(heads)), exists)


def version_table(context: Context, branch: Branch) -> VersionTable:
    """Where env.py keeps the version table on ``branch``: one checked run of env.py per project version.

    A refusal (env.py reaches another database) is kept too, so a console polling status
    neither starts env.py again and again nor fills the audit log: it is recorded once.
    """
    cache = context.projects
    with cache.lock:
        first = cache.graph is None
    if first:
        # The first read in a process: the graph (revision files) and env.py's version table are two env.py
        # processes that need nothing of each other, so they run at once (a first status costs one, not two).
        with ThreadPoolExecutor(max_workers=1) as pool:
            described = pool.submit(_described, context)
            found = _inspected(context, branch)
            try:
                _, key = described.result()  # the project not loading is said first, whatever env.py did
            except DBAdminError:
                if isinstance(found, EnvFailure) and isinstance(
                    error := translate(found, context, branch), WrongDatabase
                ):
                    _record_refusal(context, branch, error)  # env.py reached elsewhere: recorded, whatever else failed
                raise
    else:
        _, key = _described(context)
        with cache.lock:
            known = cache.tables.get((branch, key))
        if isinstance(known, WrongDatabase):
            raise WrongDatabase(str(known))
        if isinstance(known, VersionTable):
            return known
        found = _inspected(context, branch)
    if isinstance(found, EnvFailure):
        failure = found
        error = translate(failure, context, branch)
        if isinstance(error, WrongDatabase):
            with cache.lock:
                cache.tables[(branch, key)] = error
            _record_refusal(context, branch, error)
        raise error from None
    secrets = context.settings.secrets()
    table = VersionTable(
        found["version_table"],
        found["version_table_schema"],
        dburl.scrub(found.get("handover", ""), secrets),
        found.get("driver", ""),
    )
    if table.schema is not None:  # no schema on env.py's search_path yet: asked again until one exists
        with cache.lock:
            cache.tables[(branch, key)] = table
    return table


def _inspected(context: Context, branch: Branch) -> dict | EnvFailure:
    try:
        return alembic_runner.inspect(project(context.settings), target(context, branch))
    except EnvFailure as failure:
        return failure


def translate(failure: EnvFailure, context: Context, branch: Branch | None) -> DBAdminError:
    """The dbadmin error for what the env.py process reported (scrubbed of every secret)."""
    secrets = context.settings.secrets()
    message = (
        database_message(failure, context) if failure.kind == "database" else dburl.scrub(failure.message, secrets)
    )
    where = f"the {branch.label} branch" if branch else "the scratch database"
    if failure.kind == "refused":
        fix = "" if failure.said_how else f"; {_FIX}"
        return WrongDatabase(f"refused: {message}; nothing ran on a database other than the branch{fix}")
    if failure.kind == "elsewhere":
        return ConfigError(
            f"MIGRATIONS: env.py could not connect ({message}), although {where} answers "
            f"dbadmin at {context.registry.location(branch) if branch else 'its URL'}: "
            f"env.py connects somewhere else; {_FIX}"
        )
    if failure.kind == "alembic":
        return InvalidInput(f"Alembic refused: {message}")
    if failure.kind == "import":
        module = f" {failure.module!r}" if failure.module else ""
        python, why = project(context.settings).interpreter()
        return ConfigError(
            f"MIGRATIONS: env.py could not import{module} ({message}) in {python} ({why}); install the application "
            "there or name its Python with MIGRATIONS_PYTHON, and make its folder importable with prepend_sys_path "
            "in alembic.ini or MIGRATIONS_PATH"
        )
    if failure.kind == "database" and failure.operational:
        return BranchUnavailable(f"{where} is unavailable: {message}")
    if failure.kind == "database":
        return DBAdminError(f"{where} refused a statement of env.py: {message}")
    return ConfigError(f"MIGRATIONS: the project's env.py failed: {message}")


def database_message(failure: EnvFailure, context: Context) -> str:
    """The database's own words for a failed statement, naming the timeout setting when one was hit."""
    message = dburl.scrub(failure.message, context.settings.secrets())
    if failure.sqlstate in _TIMEOUT_STATES:
        setting = _TIMEOUT_STATES[failure.sqlstate]
        return f"{message} ({setting}={getattr(context.settings, setting.lower()):g}s was hit)"
    return message


def _described(context: Context) -> tuple[Graph, str]:
    cache = context.projects
    with cache.lock:
        if cache.graph is not None:
            watched, key, known = cache.graph
            if fingerprint(watched) == key:
                return known, key
        found = project(context.settings)
        try:
            described = alembic_runner.describe(found)
        except EnvFailure as failure:
            if failure.kind == "import":
                raise translate(failure, context, None) from None
            raise ConfigError(
                f"MIGRATIONS: the project at {context.settings.migrations} cannot be loaded: "
                f"{dburl.scrub(failure.message, context.settings.secrets())}"
            ) from None
        watched = found.watched(described["version_locations"])
        key = fingerprint(watched)
        cache.graph = (watched, key, Graph(described["revisions"], per_migration=described.get("per_migration")))
        return cache.graph[2], key


def _record_refusal(context: Context, branch: Branch, error: WrongDatabase) -> None:
    """A read refused by the identity check is an audit row too (best effort: it reads, it must not fail for this)."""
    try:
        audit.record(
            context.registry.control_pool(),
            actor=SYSTEM.name,
            action=actions.MIGRATE_VERIFY,
            branch=branch,
            outcome="refused",
            details={"error": str(error)},
        )
    except (DBAdminError, psycopg.Error):
        pass
