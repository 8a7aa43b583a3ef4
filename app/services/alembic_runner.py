"""Running the application's Alembic project against one branch, through Alembic's Python API.

The project's own ``env.py`` runs unchanged.  dbadmin only:

* sets ``sqlalchemy.url`` on the ``Config`` (psycopg 3 driver), with the migration
  timeouts carried in libpq's ``options`` so they apply to whatever engine env.py builds;
* wraps ``env.py``'s ``context.configure(...)`` call (``_environment``) to add
  its ``on_version_apply`` recorder and to default ``transaction_per_migration`` to True,
  so a failure leaves the branch at the last revision that succeeded.  An env.py that
  sets ``transaction_per_migration`` itself keeps its choice.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import Script, ScriptDirectory
from sqlalchemy import inspect

from .errors import ConfigError

# Alembic's ``context`` and ``op`` are module-level proxies: two commands running in
# threads of one process would overwrite each other's environment.  Every Alembic
# command in dbadmin runs under this lock; separate processes are kept apart by the
# branch operation lock.
ALEMBIC_LOCK = threading.RLock()


@dataclass(frozen=True)
class Timeouts:
    """Server-side limits for migration sessions, in seconds (0 disables one)."""

    statement: float = 0
    lock: float = 0

    def options(self) -> str:
        return f"-c statement_timeout={int(self.statement * 1000)} -c lock_timeout={int(self.lock * 1000)}"


@dataclass
class Project:
    """An Alembic project aimed at one database."""

    migrations: Path
    url: str | None  # None for commands that touch no database (new revision)
    timeouts: Timeouts = field(default_factory=Timeouts)

    def config(self, *, output: io.StringIO | None = None) -> Config:
        migrations = Path(self.migrations)
        ini = migrations if migrations.is_file() else migrations / "alembic.ini"
        if ini.is_file():
            config = Config(str(ini), output_buffer=output, stdout=output or io.StringIO())
        elif (migrations / "env.py").is_file():
            config = Config(output_buffer=output, stdout=output or io.StringIO())
            config.set_main_option("script_location", str(migrations))
        else:
            raise ConfigError(f"MIGRATIONS: {migrations} holds neither alembic.ini nor env.py")
        if self.url:
            # ConfigParser treats '%' as interpolation; percent-encoded parts must survive it.
            config.set_main_option("sqlalchemy.url", self.sqlalchemy_url().replace("%", "%%"))
        return config

    def sqlalchemy_url(self) -> str:
        url = "postgresql+psycopg://" + self.url.split("://", 1)[1]
        extra = f"application_name=dbadmin-migrate&options={quote(self.timeouts.options())}"
        return url + ("&" if "?" in url else "?") + extra

    def script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self.config())


@dataclass(frozen=True)
class Applied:
    """One migration step that finished inside the branch's transaction."""

    revision: str
    direction: str  # "up" | "down"


@dataclass(frozen=True)
class DatabaseState:
    """What the branch's version table says, as env.py configures it."""

    heads: tuple[str, ...]
    has_version_table: bool


def _environment(config: Config, script: ScriptDirectory, *, on_step: Callable[[Applied], None] | None = None,
                 **kw: Any) -> EnvironmentContext:
    """An EnvironmentContext whose ``configure`` (what env.py calls) adds dbadmin's hooks.

    The wrapper is set on the instance, not in a subclass: Alembic installs the
    ``alembic.context`` proxy from the instance's attributes, keyed by the exact class.
    """
    environment = EnvironmentContext(config, script, **kw)
    configure = environment.configure

    def record(*, ctx: MigrationContext, step: MigrationInfo, heads: set[str], run_args: dict) -> None:
        # For a downgrade step too, up_revision_id is the revision the step concerns (the one removed).
        on_step(Applied(revision=step.up_revision_id, direction="up" if step.is_upgrade else "down"))

    def configure_with_hooks(*args: Any, on_version_apply: Any = None, transaction_per_migration: bool | None = None,
                             **options: Any) -> None:
        callbacks = list(on_version_apply) if isinstance(on_version_apply, (list, tuple)) else (
            [on_version_apply] if on_version_apply else [])
        if on_step is not None:
            callbacks.append(record)
        per_migration = True if transaction_per_migration is None else transaction_per_migration
        configure(*args, on_version_apply=callbacks, transaction_per_migration=per_migration, **options)

    environment.configure = configure_with_hooks
    return environment


def database_state(project: Project) -> DatabaseState:
    """The branch's current heads, read through env.py (so its version table settings apply)."""
    found: dict[str, Any] = {}

    def read(rev: Any, context: MigrationContext) -> list:
        found["heads"] = context.get_current_heads()
        found["has_table"] = inspect(context.connection).has_table(context.version_table, schema=context.version_table_schema)
        return []

    config = project.config()
    script = ScriptDirectory.from_config(config)
    with ALEMBIC_LOCK, _environment(config, script, fn=read, dont_mutate=True):
        script.run_env()
    return DatabaseState(heads=tuple(found["heads"]), has_version_table=found["has_table"])


def run(project: Project, destination: str, *, direction: str, on_step: Callable[[Applied], None],
        on_plan: Callable[[list[str]], None] | None = None) -> None:
    """Upgrade or downgrade the branch to ``destination`` online, reporting each finished step."""
    config = project.config()
    script = ScriptDirectory.from_config(config)

    def plan(rev: Any, context: MigrationContext) -> list:
        # The same planning calls alembic.command.upgrade / downgrade make.
        steps = script._upgrade_revs(destination, rev) if direction == "up" else script._downgrade_revs(destination, rev)
        if on_plan is not None:
            on_plan([step.revision.revision for step in steps])
        return steps

    with ALEMBIC_LOCK, _environment(config, script, fn=plan, destination_rev=destination, on_step=on_step):
        script.run_env()


def offline_sql(project: Project, start: str | None, destination: str, *, direction: str = "up") -> str:
    """The SQL Alembic's offline mode would run from ``start`` to ``destination`` (env.py's offline branch)."""
    output = io.StringIO()
    config = project.config(output=output)
    script = ScriptDirectory.from_config(config)

    def plan(rev: Any, context: MigrationContext) -> list:
        if direction == "up":
            return script._upgrade_revs(destination, rev)
        return script._downgrade_revs(destination, rev)

    with ALEMBIC_LOCK, _environment(config, script, fn=plan, as_sql=True, starting_rev=start,
                                    destination_rev=destination):
        script.run_env()
    return output.getvalue()


def pending_between(script: ScriptDirectory, upper: str | Sequence[str], lower: Sequence[str]) -> list[Script]:
    """Revisions an upgrade from ``lower`` (current heads) to ``upper`` would apply, in order."""
    lower_arg: Any = tuple(lower) if lower else None
    upper_arg: Any = tuple(upper) if not isinstance(upper, str) else upper
    return list(reversed(list(script.iterate_revisions(upper_arg, lower_arg, implicit_base=True))))


def ancestry(script: ScriptDirectory, heads: Sequence[str]) -> set[str]:
    """Every revision applied when the database is at ``heads`` (the heads themselves included)."""
    if not heads:
        return set()
    return {rev.revision for rev in script.iterate_revisions(tuple(heads), None, implicit_base=True)}
