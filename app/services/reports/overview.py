"""A branch at a glance (the console's branch card and summary): configured or missing, health,
tables by kind and size, schema revision and the last migration, the last checkpoint and the last
verified backup, who is busy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import capture, checkpoints, migrations
from ..branch import Branch
from ..checkpoints.catalog import Checkpoint
from ..context import Context
from ..errors import ConfigError, DBAdminError
from ..operations import oplock
from ..operations.oplock import Holder
from ..migrations.verbs import AppliedRevision
from ..registry import BranchStatus
from ..schema import introspection
from ..schema.introspection import Summary
from .backups import Backups, backups


@dataclass(frozen=True)
class BranchOverview:
    status: BranchStatus
    migrations: str | None = None  # "up to date", "1 pending", ... or "unknown"
    migrations_problem: str | None = None  # why it is unknown (a refused env.py, a project that cannot load)
    revision: str | None = None
    last_migration: AppliedRevision | None = None  # name, when, by whom
    last_checkpoint: Checkpoint | None = None
    busy: Holder | None = None
    summary: Summary | None = None  # tables by kind, size, version, latency
    next_step: str | None = None  # what to do with a branch not under migrations yet
    outside_migrations: int = 0  # schema changes DDL capture saw since the last migration, made by no dbadmin run
    backups: Backups | None = None  # its schedule and last verified backup


def branch_overview(context: Context, branch: Branch | str) -> BranchOverview:
    """Everything on one branch card; parts that cannot be read say why instead of failing the card."""
    status = context.registry.status(branch)
    if not status.reachable:
        return BranchOverview(status=status)
    revision: str | None
    problem: str | None
    next_step: str | None = None
    try:
        found = migrations.status(context, status.branch)
        state, revision = found.summary, ", ".join(found.current) or None
        applied = migrations.history(context, status.branch, limit=1).applied
        last_migration = applied[0] if applied else None
        next_step = _next_step(context, found)
    except ConfigError as exc:
        state, revision, last_migration, problem = "unknown", None, None, str(exc)
        if context.settings.migrations is None:  # no project at all: the app has yet to adopt migrations
            problem = None
            state, next_step = _without_project(context, status.branch)
    except DBAdminError as exc:
        state, revision, last_migration, problem = "unknown", None, None, str(exc)
    else:
        problem = None
    try:
        summary = introspection.summary(context, status.branch)
    except DBAdminError:
        summary = None
    outside = _outside_migrations(context, status.branch, last_migration)
    try:
        listed = [c for c in checkpoints.list_for_branch(context, status.branch) if c.status == "ready"]
        holder = oplock.holder(context.registry, status.branch)
        kept = backups(context, status.branch)
    except DBAdminError:
        listed, holder, kept = [], None, None
    return BranchOverview(
        status=status,
        migrations=state,
        migrations_problem=problem,
        revision=revision,
        last_migration=last_migration,
        last_checkpoint=listed[0] if listed else None,
        busy=holder,
        summary=summary,
        next_step=next_step,
        outside_migrations=outside,
        backups=kept,
    )


def _outside_migrations(context: Context, branch: Branch, last: AppliedRevision | None) -> int:
    """Changes made outside migrations since the last one, as History lists them; 0 where nothing is captured."""
    try:
        return len(capture.recent(context, branch, since=last.applied_at if last else None, limit=1000))
    except DBAdminError:
        return 0


def _without_project(context: Context, branch: Branch) -> tuple[str, str]:
    """The state and next step of a branch when the app has no Alembic project at all."""
    tables = introspection.table_count(context, branch)
    state = migrations.not_under_migrations(tables)
    if branch is Branch.PROD:
        return state, "'dbadmin init' starts from Development, then compares Production with it."
    what = "whose first revision is this schema, and records Development at it" if tables else "to start in"
    return state, f"In your application's folder, run 'dbadmin init': it writes an Alembic project {what}."


def _next_step(context: Context, found: migrations.Status) -> str | None:
    """The way onto migrations for an unmanaged branch: baseline one with tables, build an empty one."""
    if found.state != "unmanaged":
        return None
    dev_branch = found.branch is Branch.DEV
    if not found.tables:
        if not found.pending:
            return None
        return (
            "Empty: Run pending builds it from the first revision."
            if dev_branch
            else "Empty: Promote from Development builds it."
        )
    if dev_branch:
        return (
            "Record it at the revision it matches: Baseline… under Migrations "
            "('dbadmin migrate baseline dev --revision <revision>')."
        )
    try:
        dev = migrations.status(context, Branch.DEV).current
    except DBAdminError:
        dev = ()
    if len(dev) != 1:
        return "Baseline Development first; then Production at the same revision, once its schema matches."
    return (
        f"Development is at {dev[0]}: baseline Production there once its schema matches, with Baseline… "
        f"under Migrations ('dbadmin migrate baseline prod --revision {dev[0]}')."
    )


def overviews(context: Context) -> list[BranchOverview]:
    """Both branch cards, read side by side: a branch that takes its time (or times out) delays only its own."""
    with ThreadPoolExecutor(len(Branch), thread_name_prefix="dbadmin-overview") as pool:
        return list(pool.map(lambda branch: branch_overview(context, branch), Branch))


def statuses(context: Context) -> list[BranchStatus]:
    """Both branches: configured, reachable, where (never a password)."""
    return context.registry.statuses()


def control_store(context: Context) -> str | None:
    """Where the control store is (host and database, never a password)."""
    return context.registry.location("control")
