"""Migrations: the application's Alembic project as the single source of truth for both branches.

Public verbs (each takes the ``Context`` and keyword arguments): ``status``, ``history``,
``preview_sql``, ``lint_pending``, ``drift``, ``upgrade``, ``downgrade``, ``plan_promotion``,
``promote``, ``record_attempt`` and ``new_revision``.  Every state-changing verb runs as one audited
operation under the branch's operation lock, and validates its input inside that
operation, so refused attempts are in the audit log too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn

import psycopg

from .. import actions
from ..actions import ActionType
from .. import capture, checkpoints, dburl, server_admin
from ..branch import Branch
from ..checkpoints.strategies import Progress
from ..context import Context
from ..errors import (
    BaselineMismatch,
    ConfigError,
    DBAdminError,
    InvalidInput,
    MigrationFailed,
    OperationRefused,
    WrongDatabase,
)
from ..operations import audit, hooks
from ..operations.access import Principal
from ..operations.hooks import HookResult
from ..operations.frame import check_plan, on_production, operation
from ..revisions import bound as alembic_branch
from ..revisions import runner as alembic_runner
from ..revisions.bound import DatabaseState
from ..revisions.project import Graph, RevisionInfo
from ..revisions.runner import Applied, EnvFailure, Planned
from ..registry import CONTROL
from ..results import scalar
from ..schema import diff as schema_diff
from ..schema import introspection
from . import lint
from . import runs as migration_runs
from .runs import Run

# Timestamped names sort in the order revisions were written and rarely collide.
_FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    id: str
    message: str
    file: str | None

    @classmethod
    def of(cls, info: RevisionInfo) -> Revision:
        return cls(id=info.id, message=info.message, file=info.file)


@dataclass(frozen=True)
class Status:
    branch: Branch
    current: tuple[str, ...]
    heads: tuple[str, ...]
    pending: tuple[Revision, ...]
    unknown: tuple[str, ...]
    managed: bool
    tables: int = 0  # tables on the branch, counted when it is not under migrations yet
    handover: str = ""  # how env.py got its database ("engine from the app's settings (...), pointed at ...")

    @property
    def pending_count(self) -> int:
        return len(self.pending)

    @property
    def state(self) -> str:
        """``unmanaged``, ``ahead``, ``pending`` or ``up to date``."""
        if not self.managed:
            return "unmanaged"
        if self.unknown:
            return "ahead"
        return "pending" if self.pending else "up to date"

    @property
    def summary(self) -> str:
        return {
            "unmanaged": not_under_migrations(self.tables),
            "ahead": f"ahead of the code ({', '.join(self.unknown)} not in the project)",
            "pending": f"{self.pending_count} pending",
            "up to date": "up to date",
        }[self.state]


def not_under_migrations(tables: int) -> str:
    """How a branch without a version table is shown, with the tables it has."""
    return f"not under migrations yet ({tables} table{'s' if tables != 1 else ''})"


@dataclass(frozen=True)
class AppliedRevision:
    revision: Revision
    applied_at: datetime | None
    applied_by: str | None
    duration_ms: int | None
    by_dbadmin: bool


@dataclass(frozen=True)
class History:
    branch: Branch
    applied: tuple[AppliedRevision, ...]  # newest first
    runs: tuple[Run, ...]  # every run dbadmin made, newest first


@dataclass(frozen=True)
class RunResult:
    branch: Branch
    direction: str
    revisions: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    hooks: tuple[HookResult, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """A database made without migrations, now recorded at ``revision`` (nothing was run on it)."""

    branch: Branch
    revision: str
    tables: int  # compared with what ``revision`` builds, all identical
    notices: tuple[str, ...] = ()  # what the comparison let pass, and why


@dataclass(frozen=True)
class Skipped:
    """A revision Alembic's offline mode could not render (a data migration that queries the database)."""

    revision: str
    reason: str

    def notice(self) -> str:
        return f"no preview for {self.revision}: {self.reason}"


@dataclass(frozen=True)
class Preview:
    """The SQL pending revisions would run, and the revisions it cannot show."""

    sql: str
    skipped: tuple[Skipped, ...] = ()
    per_migration: bool = False  # env.py chose a transaction per revision (seen as it rendered the SQL)


_ENV_CHOSE = "env.py runs each revision in its own transaction (transaction_per_migration=True)"


def how_it_commits(branch: Branch, stepwise: str | None, at: tuple[str, ...], count: int) -> str:
    """What a run of ``count`` revisions leaves if it fails or dbadmin stops, said before the phrase."""
    where = ", ".join(at) or "no revision"
    if count == 1 and stepwise is None:
        return f"One transaction: if it fails or dbadmin stops, {branch.label} stays at {where}."
    if stepwise is None:
        return (
            f"All or nothing: the {count} revisions run in one transaction; if one fails or dbadmin stops, "
            f"{branch.label} stays at {where}."
        )
    back = (
        "the checkpoint taken first is the way back" if branch is Branch.PROD else "roll back or restore a checkpoint"
    )
    return (
        f"Runs revision by revision ({stepwise}): if interrupted, {branch.label} may stop at an intermediate "
        f"revision; {back}."
    )


@dataclass(frozen=True)
class Promotion:
    dev: tuple[str, ...]
    prod: tuple[str, ...]
    revisions: tuple[Revision, ...]
    sql: str
    skipped: tuple[Skipped, ...] = ()
    stepwise: str | None = None  # why the revisions cannot run in one transaction (None: all or nothing)

    @property
    def phrase(self) -> str:
        return f"PROMOTE {len(self.revisions)}"

    @property
    def what(self) -> str:
        return f"promoting {len(self.revisions)} revision(s) to Production"

    @property
    def commits(self) -> str:
        return how_it_commits(Branch.PROD, self.stepwise, self.prod, len(self.revisions))


@dataclass(frozen=True)
class Rollback:
    """What rolling ``branch`` back ``steps`` revisions removes (newest first), and the phrase it asks for."""

    branch: Branch
    steps: int
    heads: tuple[str, ...]  # where the branch is now
    removes: tuple[Revision, ...]
    destination: str  # what Alembic downgrades to: each step removes exactly the newest revision
    stepwise: str | None = None  # why the downgrades cannot run in one transaction (None: all or nothing)

    @property
    def phrase(self) -> str | None:
        return on_production(self.branch, f"ROLLBACK {self.steps}")

    @property
    def what(self) -> str:
        return f"rolling back {self.steps} revision(s) on {self.branch.label}"

    @property
    def commits(self) -> str:
        return how_it_commits(self.branch, self.stepwise, self.heads, self.steps)


@dataclass(frozen=True)
class BaselinePlan:
    """Recording ``branch`` at ``revision`` without running anything, and the phrase it asks for."""

    branch: Branch
    revision: str  # one revision, or every head of a project with several, comma-separated

    @property
    def phrase(self) -> str | None:
        return on_production(self.branch, f"BASELINE {self.revision}")

    @property
    def destination(self) -> str:
        """What Alembic builds and stamps: exactly the revision(s) confirmed (the child reads a comma as several)."""
        return self.revision

    @property
    def what(self) -> str:
        return f"baselining {self.branch.label} at {self.revision}"


# -- reading --------------------------------------------------------------------------------


def status(context: Context, branch: Branch | str) -> Status:
    """Current revision(s), head(s) and the pending revisions of ``branch``, in the order they would run."""
    branch = Branch.parse(branch)
    state = _read_state(context, branch)  # first: in a new process it describes the graph at the same time
    graph = alembic_branch.graph(context)
    unknown = tuple(head for head in state.heads if not graph.known(head))
    pending = () if unknown else tuple(Revision.of(rev) for rev in graph.pending_between("heads", state.heads))
    tables = 0 if state.has_version_table else introspection.table_count(context, branch)
    return Status(
        branch=branch,
        current=state.heads,
        heads=graph.heads,
        pending=pending,
        unknown=unknown,
        managed=state.has_version_table,
        tables=tables,
        handover=alembic_branch.version_table(context, branch).handover,
    )


def history(context: Context, branch: Branch | str, *, limit: int = 200) -> History:
    """Applied revisions newest first (with who and when, or marked as applied outside dbadmin) and dbadmin's runs."""
    branch = Branch.parse(branch)
    graph = alembic_branch.graph(context)
    state = _read_state(context, branch)
    runs = migration_runs.last_applied(context.registry, branch)
    applied = [
        AppliedRevision(Revision(head, "(not in the project)", None), None, None, None, False)
        for head in state.heads
        if not graph.known(head)
    ]
    for rev in graph.lineage([head for head in state.heads if graph.known(head)]):
        run = runs.get(rev.id)
        applied.append(
            AppliedRevision(
                revision=Revision.of(rev),
                applied_at=run.finished_at if run else None,
                applied_by=(f"{run.actor} (baseline)" if run.direction == "baseline" else run.actor) if run else None,
                duration_ms=run.duration_ms if run else None,
                by_dbadmin=run is not None,
            )
        )
    return History(
        branch=branch,
        applied=tuple(applied),
        runs=tuple(migration_runs.list_runs(context.registry, branch, limit=limit)),
    )


def preview(context: Context, branch: Branch | str, *, destination: str = "heads") -> Preview:
    """The SQL that upgrading ``branch`` to ``destination`` would run (Alembic offline mode), and what it cannot show.

    A revision that cannot be rendered offline (it queries through ``op.get_bind()``)
    is named with the reason; the rest of the SQL is still shown.
    """
    branch = Branch.parse(branch)
    graph = alembic_branch.graph(context)
    state = _read_state(context, branch)
    if not (pending := _pending(graph, destination, state.heads)):
        return Preview("")
    if len(state.heads) > 1:
        raise OperationRefused(
            "SQL preview needs the branch on a single revision; it has several heads: " + ", ".join(state.heads)
        )
    start = state.heads[0] if state.heads else None
    try:
        sql, skipped, per_migration = alembic_runner.offline_sql(
            alembic_branch.project(context.settings),
            alembic_branch.target(context, branch),
            start,
            destination,
            atomic=graph.not_atomic(pending) is None,
        )
    except EnvFailure as failure:
        raise alembic_branch.translate(failure, context, branch) from None
    return Preview(sql, tuple(Skipped(s["revision"], s["reason"]) for s in skipped), per_migration)


def preview_sql(context: Context, branch: Branch | str, *, destination: str = "heads") -> str:
    """Only the SQL of ``preview`` ('' when nothing is pending); revisions it cannot show are comments in it."""
    return preview(context, branch, destination=destination).sql


def lint_pending(
    context: Context, branch: Branch | str, *, destination: str = "heads", sql: str | None = None
) -> list[lint.Finding]:
    """Risky operations in the SQL the pending revisions would run (squawk).

    ``sql``: that SQL when the caller has just previewed it, which saves a second env.py run.
    """
    branch = Branch.parse(branch)
    with context.registry.connection(branch) as conn:
        version = scalar(conn.execute("SELECT current_setting('server_version_num')::int"))
    if sql is None:
        try:
            sql = preview_sql(context, branch, destination=destination)
        except WrongDatabase:
            raise
        except ConfigError as exc:  # env.py refuses offline mode ("offline mode disabled"): advisory, never fatal
            raise lint.LintUnavailable(f"no SQL preview to lint ({exc})") from None
    return lint.lint_sql(sql, server_version=f"{version // 10000}.{version % 100}")


def drift(context: Context) -> schema_diff.SchemaDiff | None:
    """When Dev and Prod are on the same revision, how their live schemas differ anyway (a change made
    outside migrations); None when they are on different revisions, so a difference is expected."""
    dev, prod = status(context, Branch.DEV), status(context, Branch.PROD)
    if not (dev.managed and prod.managed) or set(dev.current) != set(prod.current):
        return None
    found = schema_diff.diff(introspection.snapshot(context, Branch.PROD), introspection.snapshot(context, Branch.DEV))
    return None if found.identical else found


def plan_promotion(context: Context) -> Promotion:
    """What promoting Dev to Prod would apply, or ``OperationRefused`` saying why it must not happen."""
    graph = alembic_branch.graph(context)
    dev = _read_state(context, Branch.DEV)
    prod = _read_state(context, Branch.PROD)
    if not dev.has_version_table or not dev.heads:
        raise OperationRefused("Development is not under migrations yet: nothing to promote")
    if missing := [head for head in dev.heads if not graph.known(head)]:
        raise OperationRefused(
            f"Development is on {', '.join(missing)}, which the code does not have: update the code first"
        )
    if missing := [head for head in prod.heads if not graph.known(head)]:
        raise OperationRefused(
            f"Production is on {', '.join(missing)}, which the code does not have: it is ahead of the code"
        )
    dev_applied = graph.ancestry(dev.heads)
    prod_applied = graph.ancestry(prod.heads)
    if prod_applied - dev_applied:
        extra = sorted(prod_applied - dev_applied)
        if dev_applied < prod_applied:
            raise OperationRefused(
                f"Production is ahead of Development (it has {', '.join(extra)}): nothing to promote"
            )
        raise OperationRefused(
            "Development and Production have diverged onto different branches of the revision "
            f"graph (Production has {', '.join(extra)}, which Development lacks): merge first"
        )
    pending = graph.pending_between(dev.heads, prod.heads)
    revisions = tuple(Revision.of(rev) for rev in pending)
    if not revisions:
        raise OperationRefused("Production is already at Development's revision: nothing to promote")
    try:
        found = preview(context, Branch.PROD, destination=dev.heads[0]) if len(dev.heads) == 1 else Preview("")
    except WrongDatabase:
        raise  # not a preview problem: env.py reached another database
    except DBAdminError as error:  # the preview is advisory (env.py offline may do what it likes): never a stop
        found = Preview("", (Skipped("all revisions", f"{error} (so the SQL was not linted either)"),))
    return Promotion(
        dev=dev.heads,
        prod=prod.heads,
        revisions=revisions,
        sql=found.sql,
        skipped=found.skipped,
        stepwise=graph.not_atomic(pending) or (_ENV_CHOSE if found.per_migration else None),
    )


# -- changing -------------------------------------------------------------------------------


def plan_rollback(context: Context, branch: Branch | str, steps: Any) -> Rollback:
    """What ``downgrade`` with ``steps`` would remove, or why it must not happen (front ends show it first)."""
    branch = Branch.parse(branch)
    graph = alembic_branch.graph(context)
    heads = _read_state(context, branch).heads
    if unknown := [head for head in heads if not graph.known(head)]:
        raise OperationRefused(
            f"{branch.label} is at {', '.join(unknown)}, which this project does not have: its "
            "downgrade() is not here to run (deploy the code that has it, then roll back)"
        )
    steps = _check_steps(steps, len(graph.ancestry(heads)), "applied")
    targets, remaining = _rollback_targets(graph, heads, steps)
    kept = graph.ancestry(remaining)  # at a merge, the other parents' history stays applied
    removing = [rev for rev in graph.lineage(heads) if rev.id not in kept]
    if one_way := [rev.id for rev in removing if not rev.reversible]:
        raise OperationRefused(
            f"{', '.join(one_way)} cannot be rolled back: its file has no downgrade() (the project writes none); "
            f"restore a checkpoint of {branch.label} taken before it instead"
        )
    return Rollback(
        branch,
        steps,
        heads,
        tuple(Revision.of(rev) for rev in removing),
        targets[-1],
        graph.not_atomic(removing),  # downgrades in the order they run, newest first
    )


def plan_baseline(context: Context, branch: Branch | str, revision: str) -> BaselinePlan:
    """The baseline ``baseline`` would record; ``InvalidInput`` for a revision the project does not have."""
    branch, revision = Branch.parse(branch), str(revision or "").strip()
    if len(revision) > 1024:
        raise InvalidInput("revision: at most 1024 characters (one revision, or every head comma-separated)")
    graph = alembic_branch.graph(context)
    named = list(graph.heads) if revision == "heads" else [part.strip() for part in revision.split(",") if part.strip()]
    unknown = [part for part in named if not graph.known(part)] if named else [revision]
    if unknown:
        raise InvalidInput(
            f"unknown revision {unknown[0][:64]!r}: name one of the project's revisions "
            f"(head: {', '.join(graph.heads) or 'none'})"
        )
    if len(named) > 1 and sorted(set(named)) != sorted(graph.heads):
        raise InvalidInput(
            "a baseline names one revision, or every head of a project with several "
            f"({', '.join(graph.heads)}, or 'heads'): the database is at exactly that"
        )
    return BaselinePlan(branch, ",".join(sorted(set(named))) if len(named) > 1 else named[0])


def upgrade(
    context: Context,
    branch: Branch | str,
    *,
    actor: Principal,
    steps: Any = None,
    reason: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Apply pending revisions to ``branch`` (all, or the next ``steps``). Production changes only by ``promote``."""
    with operation(
        context, actions.MIGRATE_UP, branch, actor=actor, reason=reason, details={"steps": steps}, progress=progress
    ) as (
        branch,
        running,
    ):
        if branch is Branch.PROD:
            raise OperationRefused(
                "Production is upgraded by promotion from Development only: run 'dbadmin migrate promote'"
            )
        _settled_first(context, branch, running.details)
        pending = status(context, branch).pending_count
        if pending == 0:
            raise OperationRefused(f"{branch.label} is up to date: nothing to apply")
        if steps is not None:
            steps = _check_steps(steps, pending, "pending")
        _auto_checkpoint(
            context,
            branch,
            actor=actor.name,
            action=actions.MIGRATE_UP,
            details=running.details,
            progress=running.progress,
        )
        result = _run(
            context,
            branch,
            "heads" if steps is None else f"+{steps}",
            direction="up",
            actor=actor.name,
            details=running.details,
            progress=running.progress,
        )
        running.details.update(revisions=list(result.revisions), before=list(result.before), after=list(result.after))
    return _after(context, actions.MIGRATE_UP, actor.name, result)


def downgrade(
    context: Context,
    branch: Branch | str,
    *,
    actor: Principal,
    steps: Any,
    confirm: str | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Roll ``branch`` back ``steps`` revisions. On Production the phrase ``ROLLBACK <steps>`` is required."""
    with operation(
        context, actions.MIGRATE_DOWN, branch, actor=actor, reason=reason, details={"steps": steps}, progress=progress
    ) as (
        branch,
        running,
    ):
        _settled_first(context, branch, running.details)
        plan = plan_rollback(context, branch, steps)
        check_plan(plan, confirm)
        _auto_checkpoint(
            context,
            branch,
            actor=actor.name,
            action=actions.MIGRATE_DOWN,
            details=running.details,
            progress=running.progress,
        )
        result = _run(  # one env.py run for every step: one transaction where the revisions allow it
            context,
            branch,
            plan.destination,
            direction="down",
            actor=actor.name,
            details=running.details,
            progress=running.progress,
            expected=tuple(rev.id for rev in plan.removes),
            said=plan.stepwise,
        )
        running.details.update(revisions=list(result.revisions), before=list(result.before), after=list(result.after))
    return _after(context, actions.MIGRATE_DOWN, actor.name, result)


def promote(
    context: Context,
    *,
    actor: Principal,
    confirm: str | None,
    reason: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Upgrade Production to exactly Development's revision; needs ``PROMOTE <N>``, N being what Prod receives."""
    with operation(
        context,
        actions.MIGRATE_PROMOTE,
        Branch.PROD,
        actor=actor,
        reason=reason,
        also_lock=Branch.DEV,
        progress=progress,
    ) as (
        _,
        running,
    ):
        _settled_first(context, Branch.PROD, running.details)
        plan = plan_promotion(context)
        running.details.update(dev=list(plan.dev), prod=list(plan.prod), revisions=[r.id for r in plan.revisions])
        check_plan(plan, confirm)
        _auto_checkpoint(
            context,
            Branch.PROD,
            actor=actor.name,
            action=actions.MIGRATE_PROMOTE,
            details=running.details,
            progress=running.progress,
        )
        result = _run(  # every head of Development in one env.py run: one transaction where the revisions allow it
            context,
            Branch.PROD,
            ",".join(plan.dev),
            direction="up",
            actor=actor.name,
            details=running.details,
            progress=running.progress,
            expected=tuple(rev.id for rev in plan.revisions),
            said=plan.stepwise,
        )
        running.details.update(after=list(result.after))
    return _after(context, actions.MIGRATE_PROMOTE, actor.name, result)


def baseline(
    context: Context,
    branch: Branch | str,
    *,
    actor: Principal,
    revision: str,
    confirm: str | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
    locked: bool = True,
) -> Baseline:
    """Record that ``branch`` (tables made by ``create_all()``, a legacy Prod) is at ``revision``, running nothing.

    Flyway calls it baseline, Alembic ``stamp``.  First a scratch database on the branch's
    server is migrated to ``revision`` and its schema compared with the branch's; any
    difference is shown and refused.  Production needs the phrase ``BASELINE <revision>``.
    ``locked=False``: called inside an operation that holds the branch already (``dbadmin init``).
    """
    revision = str(revision or "").strip()
    with operation(
        context,
        actions.MIGRATE_BASELINE,
        branch,
        actor=actor,
        reason=reason,
        details={"revision": revision[:64]},
        locked=locked,
        progress=progress,
    ) as (branch, running):
        tell = running.progress
        plan = plan_baseline(context, branch, revision)
        check_plan(plan, confirm)
        revision, destination = plan.revision, plan.destination
        state = _read_state(context, branch)
        if state.heads:
            raise OperationRefused(
                f"{branch.label} is already under migrations (at {', '.join(state.heads)}): "
                "baseline is for a database that has none"
            )
        found, frozen = _compared_with_a_build(context, branch, revision, destination, running)
        tell(2, 3, f"recording {revision}")
        run_id = migration_runs.start(
            context.registry, branch=branch, revision=revision, direction="baseline", actor=actor.name
        )
        try:
            with _marked(context, branch) as target:
                alembic_runner.stamp(alembic_branch.project(context.settings), target, destination)
        except EnvFailure as failure:
            error = alembic_branch.translate(failure, context, branch)
            migration_runs.finish(context.registry, run_id, outcome="failed", error=str(error))
            raise error from None
        migration_runs.finish(context.registry, run_id, outcome="ok")
        tell(3, 3, f"{branch.label} is at {revision}")
    notices = tuple(
        f"{change.describe()}: a default its revision froze at the time it ran, not compared" for change in frozen[:20]
    )
    return Baseline(branch, revision, len(found["tables"]), notices)


def _compared_with_a_build(
    context: Context, branch: Branch, revision: str, destination: str, running: audit.Running
) -> tuple[dict, list]:
    """Build ``revision`` in a scratch database on the branch's server and compare its schema with the branch's;
    raises ``BaselineMismatch`` on a difference.  Returns the branch's snapshot and the defaults left out (those
    a revision froze at the time it ran)."""
    tell = running.progress
    table = alembic_branch.version_table(context, branch)
    tell(0, 3, f"building {revision} in a scratch database")
    built = [datetime.now(), datetime.now(timezone.utc).replace(tzinfo=None)]  # local and UTC, naive
    with alembic_branch.scratch(context, branch) as scratch:
        try:
            alembic_runner.run(
                alembic_branch.project(context.settings),
                scratch,
                destination,
                direction="up",
                on_step=lambda step: None,
                on_plan=lambda revisions: None,
            )
        except EnvFailure as failure:
            # A plugin's revisions (CKAN's activity) build on its host's tables, which an empty database lacks.
            hint = (
                ": its revisions need tables they do not create (a plugin's host project?), so the project "
                "cannot be built alone to compare with"
                if failure.sqlstate == "42P01"
                else ""
            )
            raise OperationRefused(
                f"building {revision} in a scratch database to compare with failed: "
                f"{alembic_branch.translate(failure, context, None)}{hint}"
            ) from None
        built += [datetime.now(), datetime.now(timezone.utc).replace(tzinfo=None)]
        tell(1, 3, "comparing schemas")
        with server_admin.reading(scratch.url) as cur:
            expected = introspection.snapshot_of(cur)
    expected["tables"].pop(f"{table.schema}.{table.name}", None)
    found = introspection.snapshot(context, branch)
    difference = schema_diff.diff(expected, found)
    if frozen := [change for change in difference.changes if _default_froze_build_time(change, built)]:
        # A revision that wrote datetime.now() into a server default (Aodh's): each build differs by its time.
        running.details["build_time_defaults"] = [change.describe() for change in frozen[:20]]
        difference = replace(difference, changes=[c for c in difference.changes if c not in frozen])
    running.details["compared_tables"] = len(found["tables"])
    if not difference.identical:
        running.details["differences"] = [change.describe() for change in difference.changes[:100]]
        raise BaselineMismatch(branch, revision, difference)
    return found, frozen


_BUILT_AT = re.compile(r"'\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?)?'::timestamp( with(out)? time zone)?")


def _default_froze_build_time(change: schema_diff.Change, built: list[datetime]) -> bool:
    """A column whose only difference is a timestamp literal as its default, the scratch build's own falling in the
    time that build ran (``built``: its start and end, local and UTC): the moment each build ran, not a choice."""
    before, after = change.before, change.after  # before: what the scratch database got
    if change.object != "column" or change.action != "changed" or not isinstance(before, dict):
        return False
    if {k: v for k, v in before.items() if k != "default"} != {k: v for k, v in after.items() if k != "default"}:
        return False
    if not all(_BUILT_AT.fullmatch(str(side.get("default") or "")) for side in (before, after)):
        return False
    try:
        at = datetime.fromisoformat(str(before["default"]).split("'")[1]).replace(tzinfo=None)
    except ValueError:
        return False
    slack = timedelta(seconds=2)
    local, utc = (built[0], built[2]), (built[1], built[3])
    return any(start - slack <= at <= end + slack for start, end in (local, utc))


def record_attempt(
    context: Context,
    action: ActionType,
    branch: Branch | str,
    *,
    actor: Principal,
    reason: str | None,
    error: DBAdminError,
) -> None:
    """An attempt stopped before its plan could be shown (the project does not load, a branch is down): an audit
    row like any other attempt's, with why; then ``error`` is raised.  Nothing is run, on any branch."""
    with operation(context, action, branch, actor=actor, reason=reason, locked=False):
        raise error


def revisions(context: Context) -> list[Revision]:
    """Every revision of the project, newest first (what a baseline may name)."""
    graph = alembic_branch.graph(context)
    return [Revision.of(rev) for rev in graph.lineage(graph.heads)]


def new_revision(context_or_settings: Any, message: str) -> Revision:
    """Write a new, empty, reversible revision file (timestamped name) into the project; touches no database.

    Not audited: it changes code, which version control records; applying it is audited.
    """
    settings = getattr(context_or_settings, "settings", context_or_settings)
    message = (message or "").strip()
    if not message or len(message) > 200 or "\n" in message:
        raise InvalidInput("a revision needs a one-line message of at most 200 characters")
    try:
        written = alembic_runner.new_revision(alembic_branch.project(settings), message, file_template=_FILE_TEMPLATE)
    except EnvFailure as failure:
        if failure.kind == "alembic":
            raise InvalidInput(f"cannot create a revision: {failure.message}") from None
        raise ConfigError(f"MIGRATIONS: cannot create a revision: {failure.message}") from None
    path = Path(written["path"])
    text = path.read_text()
    if "def downgrade" not in text or "def upgrade" not in text:
        path.unlink()
        raise ConfigError("MIGRATIONS: the project's script.py.mako must define both upgrade() and downgrade()")
    return Revision(id=written["revision"], message=message, file=path.name)


# -- internals ------------------------------------------------------------------------------


def _after(context: Context, action: ActionType, actor: str, result: RunResult) -> RunResult:
    """Run the after-run hooks (each audited on its own) and attach their outcomes to the result."""
    event = hooks.Event(
        action=action.name, branch=result.branch, actor=actor, details={"revisions": list(result.revisions)}
    )
    return replace(result, hooks=tuple(hooks.run_after(context, event)))


def _auto_checkpoint(
    context: Context, branch: Branch, *, actor: str, action: ActionType, details: dict, progress: Progress | None = None
) -> None:
    """Before any Prod migration (and Dev's when AUTO_CHECKPOINT_DEV is on): a checkpoint to go back to."""
    if branch is Branch.PROD or context.settings.auto_checkpoint_dev:
        checkpoint = checkpoints.create_locked(
            context, branch, actor=actor, label=f"auto: before {action}", progress=progress
        )
        details["checkpoint_id"] = checkpoint.id


def _run(
    context: Context,
    branch: Branch,
    destination: str,
    *,
    direction: str,
    actor: str,
    details: dict,
    progress: Progress | None = None,
    expected: tuple[str, ...] | None = None,
    said: str | None = None,
) -> RunResult:
    """Run Alembic online in one transaction where the revisions allow it, recording each step as it goes.

    A migration_runs row per step: ``running`` when it starts, ``applied`` when it finished inside a
    transaction not yet committed, ``ok`` once that transaction committed (or ``failed``, or rolled
    back with the step that failed).  ``expected``: the revisions the plan shown before the phrase
    named (``said``: why it runs revision by revision, as the plan said); Alembic planning anything else stops
    the run before it starts.  ``details`` (the audit
    row's) gains how the run committed and, on a failure, where it left the branch.
    """
    graph = alembic_branch.graph(context)
    before = _read_state(context, branch).heads
    stepwise = said or graph.not_atomic(
        [graph.info[rev] for rev in expected if graph.known(rev)]
        if expected
        else _plan_infos(graph, destination, before, direction)
    )
    steps = _Steps(context, branch, direction, actor, details, progress, expected, stepwise)
    try:
        with _marked(context, branch) as target:
            alembic_runner.run(
                alembic_branch.project(context.settings),
                target,
                destination,
                direction=direction,
                on_step=steps.on_step,
                on_plan=steps.on_plan,
                atomic=stepwise is None,
            )
    except EnvFailure as failure:
        _fail(context, failure, before, steps)
    return RunResult(branch, direction, tuple(steps.done), before, _confirmed_end(context, before, steps))


@dataclass
class _Steps:
    """One run's migration_runs rows, kept as the child reports its plan, each step and each commit."""

    context: Context
    branch: Branch
    direction: str
    actor: str
    details: dict  # the audit row's: how the run commits
    progress: Progress | None
    expected: tuple[str, ...] | None  # the revisions the plan shown before the phrase named
    stepwise: str | None  # why the run goes revision by revision, or None: one transaction
    planned: list[str] = field(default_factory=list)
    run_ids: dict[str, int] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    committed: set[str] = field(default_factory=set)
    per_migration: bool = True  # as env.py set the run up

    def tell(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, total, message)

    def on_plan(self, found: Planned) -> None:
        expected = self.expected
        if expected is not None and sorted(found.revisions) != sorted(expected):
            raise OperationRefused(
                f"Alembic planned {', '.join(found.revisions) or 'nothing'}, not the {', '.join(expected)} shown "
                "before the phrase (the branch or the code changed meanwhile): nothing was run"
            )
        transaction = "per revision" if found.per_migration else "one for the whole run"
        if found.per_migration and found.env_chose:
            transaction += " (env.py's choice)"
        if found.per_migration and self.stepwise is None and expected is not None:  # the plan said all or nothing
            transaction += ", not the one transaction the plan said"
        self.details["transaction"] = transaction
        self.per_migration = found.per_migration
        self.planned.extend(found.revisions)
        self._start_next()

    def on_step(self, step: Applied) -> None:
        self._commit(step.committed)
        migration_runs.finish(self.context.registry, self.run_ids[step.revision], outcome="applied")
        self.done.append(step.revision)
        self.tell(len(self.done), len(self.planned), f"{step.revision} done")
        self._start_next()

    def _commit(self, revisions: tuple[str, ...]) -> None:
        for revision in revisions:
            if revision in self.run_ids and revision not in self.committed:
                migration_runs.finish(self.context.registry, self.run_ids[revision], outcome="ok")
                self.committed.add(revision)

    def _start_next(self) -> None:
        done, planned = self.done, self.planned
        if len(done) < len(planned):
            revision = planned[len(done)]
            self.run_ids[revision] = migration_runs.start(
                self.context.registry,
                branch=self.branch,
                revision=revision,
                direction=self.direction,
                actor=self.actor,
                planned=len(planned),
                together=not self.per_migration,
            )
            verb = "applying" if self.direction == "up" else "reverting"
            self.tell(
                len(done), len(planned), f"{verb} {revision} ({len(done) + 1} of {len(planned)}) on {self.branch.label}"
            )

    def settle(self, last: str, why: str | None = None) -> tuple[str, ...] | None:
        """Judge the run's steps from the branch (``_settle_failed``); where the branch is, or None: unread."""
        return _settle_failed(
            self.context, self.branch, self.direction, self.done, self.run_ids, self.committed, last, why
        )


def _confirmed_end(context: Context, before: tuple[str, ...], steps: _Steps) -> tuple[str, ...]:
    """Where a run that ended without an error left the branch, confirmed from its version table; raises when
    env.py ended short of the plan or without committing."""
    branch, done, planned, details = steps.branch, steps.done, steps.planned, steps.details
    if len(done) < len(planned):  # env.py caught a revision's exception and ended as if all was well
        skipped = planned[len(done)]
        if skipped in steps.run_ids:
            migration_runs.finish(
                context.registry, steps.run_ids[skipped], outcome="failed", error="env.py ended without it"
            )
        where = steps.settle(skipped, "env.py stopped the run")
        details["stopped_at"] = where
        raise DBAdminError(
            f"env.py ended after {len(done)} of {len(planned)} revisions, without {skipped} and no error "
            f"(it caught one?); {_where_it_left(branch, before, where, details, skipped)}"
        )
    unconfirmed = [revision for revision in done if revision not in steps.committed]
    if not unconfirmed:
        return _read_state(context, branch).heads
    # The run ended well: whether its last transaction committed, the branch's version table says (never the
    # run's word alone: an env.py that never commits ends well too).
    where = steps.settle(unconfirmed[-1], "env.py ended without committing it")
    if where is None:
        raise DBAdminError(
            f"the run of {', '.join(done)} ended, but {branch.label} could not be read to confirm it committed: "
            "its steps are settled from the version table at the next run or start ('dbadmin recover')"
        )
    if steps.committed != set(done):
        details["stopped_at"] = where
        raise DBAdminError(
            f"env.py ended without committing {', '.join(r for r in done if r not in steps.committed)}; "
            f"{_where_it_left(branch, before, where, details)}"
        )
    return where


def _fail(context: Context, failure: EnvFailure, before: tuple[str, ...], steps: _Steps) -> NoReturn:
    """A run that ended in a failure: its rows settled from the branch, and the error saying where it left it."""
    branch, done, planned, run_ids, details = steps.branch, steps.done, steps.planned, steps.run_ids, steps.details
    error = alembic_branch.translate(failure, context, branch)
    failing = planned[len(done)] if len(done) < len(planned) else None
    message = alembic_branch.database_message(failure, context) if failure.kind == "database" else str(error)
    if failure.commit_failed:  # the revisions had finished; their transaction's COMMIT failed (a deferred check)
        blamed = failure.commit_failed[-1]
        if failing in run_ids:
            migration_runs.finish(
                context.registry, run_ids[failing], outcome="failed", error=f"not run: the commit of {blamed} failed"
            )
        where = steps.settle(blamed, f"its transaction's commit failed: {message}")
        details["stopped_at"] = where
        raise MigrationFailed(blamed, f"the commit failed: {message}", _where_it_left(branch, before, where, details))
    if failing in run_ids:
        migration_runs.finish(context.registry, run_ids[failing], outcome="failed", error=message)
    if not done and (failing is None or failure.kind in ("refused", "alembic")):
        raise error from None  # nothing ran: the refusal (or Alembic's word) is all that happened
    where = steps.settle(failing or done[-1])
    details["stopped_at"] = where
    if failing is None:  # every revision finished, then env.py failed or was refused
        raise DBAdminError(
            f"every revision ran ({', '.join(done)}), then env.py stopped: {error}; "
            f"{_where_it_left(branch, before, where, details)}"
        ) from None
    partly = failing if failure.committed_inside else None
    raise MigrationFailed(failing, message, _where_it_left(branch, before, where, details, partly)) from None


def _plan_infos(graph: Graph, destination: str, heads: tuple[str, ...], direction: str) -> list[RevisionInfo]:
    """The revisions an upgrade to ``destination`` runs (Dev's ``up``), in order; [] when it cannot be told here."""
    if direction != "up":
        return []
    try:
        if destination.startswith("+"):
            return graph.pending_between("heads", heads)[: int(destination[1:])]
        return graph.pending_between(destination, heads)
    except Exception:  # Alembic's own planning in the child says what is wrong with the destination
        return []


def settle_leftovers(
    context: Context, branch: Branch, run: tuple[str, datetime] | None = None
) -> tuple[list[str], dict | None]:
    """Migration steps a stopped dbadmin left (call holding the branch): each ``applied`` one is ``ok`` or rolled
    back as the branch's version table says now (its transaction committed or not), every ``running`` one
    interrupted; ``applied`` ones stay as they are while the branch cannot be read.  Returns a line saying where the
    branch is, and, for ``run`` (the actor and start of an abandoned operation), details for its audit row: where
    it stopped, the checkpoint it took, and ``finished`` when every step it planned committed."""
    rows = migration_runs.unsettled(context.registry, branch)
    heads: tuple[str, ...] | None = None
    said = ""
    if rows:
        cause = ""
        try:
            heads, present = _branch_now(context, branch)
        except Exception as exc:  # noqa: BLE001 - the branch, the project or its graph (a head it lacks): unknown
            heads, present = None, set()
            cause = dburl.scrub(str(exc) or type(exc).__name__, context.settings.secrets()).splitlines()[0][:300]
        kept, undone = [], []
        for row in rows:
            if row.outcome == "applied" and heads is None:
                continue  # its transaction's end is unknown: the next start reads the branch again
            if row.outcome == "applied" and _took_effect(row.revision, row.direction, present):
                migration_runs.finish(context.registry, row.id, outcome="ok")
                kept.append(row.revision)
                continue
            if row.outcome == "applied":
                migration_runs.finish(
                    context.registry,
                    row.id,
                    outcome="interrupted",
                    error="dbadmin stopped before this step's transaction committed: rolled back",
                )
            undone.append(row.revision)
        migration_runs.mark_interrupted(context.registry, branch)
        where = (
            f"{branch.label} is at {', '.join(heads) or 'no revision'}"
            if heads is not None
            else f"{branch.label} could not be judged ({cause}): steps whose commit is unknown are kept until it can"
        )
        said = (
            f"migration steps a stopped dbadmin left: {', '.join(kept) or 'none'} committed, "
            f"{', '.join(undone) or 'none'} not; {where}"
        )
    if run is None:
        return ([said] if said else []), None
    actor, since = run
    steps = migration_runs.since(context.registry, branch, actor, since)
    if not steps:
        return ([said] if said else []), None
    with context.registry.connection(CONTROL) as conn:
        found = conn.execute(  # the checkpoint this operation took before its run, and no other
            """SELECT id FROM admin_checkpoints WHERE branch = %s AND label LIKE 'auto: before migrate.%%'
                      AND created_by = %s AND created_at >= %s AND created_at <= %s AND status = 'ready'
               ORDER BY created_at DESC LIMIT 1""",
            (branch.value, actor, since, steps[0].started_at),
        ).fetchone()
    learned: dict = {"steps": said} if said else {}
    if heads is not None:
        learned["stopped_at"] = list(heads)
    if found:
        learned["checkpoint_id"] = found[0]
        if said and heads is not None:
            learned["steps"] = said + f"; checkpoint #{found[0]} (taken before the run) is the way back"
    if len(steps) == steps[0].planned and all(step.outcome == "ok" for step in steps):
        learned |= {"finished": True, "revisions": [step.revision for step in steps]}
    return ([learned.get("steps", said)] if said else []), learned


_ORPHAN_WAIT = 10.0  # seconds for a dead run's sessions to end once told to


def _settled_first(context: Context, branch: Branch, details: dict) -> None:
    """Steps a stopped run left on ``branch`` judged before this operation moves it (never later, against a version
    table that changed since); what was settled goes in the audit row.  Refused while any cannot be judged yet."""
    if not migration_runs.unsettled(context.registry, branch):
        return
    lines, _ = settle_leftovers(context, branch)
    if lines:
        details["settled"] = lines
    if left := migration_runs.unsettled(context.registry, branch):
        raise OperationRefused(
            f"{len(left)} migration step(s) a stopped dbadmin left on {branch.label} cannot be settled yet "
            f"({lines[-1] if lines else 'the branch cannot be read'}): nothing was run; once the cause is gone, "
            "this or 'dbadmin recover' settles them"
        )


def _branch_now(context: Context, branch: Branch) -> tuple[tuple[str, ...], set[str]]:
    """Where ``branch`` is, and every revision that makes applied, read once the sessions of a run that stopped
    have ended (so what the version table says is final).  Raises what reading it raised."""
    _orphans_ended(context, branch)
    heads = _read_state(context, branch).heads
    return heads, alembic_branch.graph(context).ancestry(heads)


def _took_effect(revision: str, direction: str, applied: set[str]) -> bool:
    """Whether a step's change is in the branch: an upgrade's revision is applied, a downgrade's is gone."""
    return (revision in applied) == (direction == "up")


def _orphans_ended(context: Context, branch: Branch) -> None:
    """End the migration sessions a dead run left on ``branch`` (we hold it: none is a live run's), and wait until
    they are gone: a COMMIT the server was still working on is then settled one way or the other, and what the
    version table says next is final.  ``OperationRefused`` when they outlast the wait."""
    try:
        with context.registry.connection(branch) as conn:
            # The call only on the rows the WHERE kept, made certain by the materialized CTE (in a WHERE, the
            # planner may call it first, on every session of the server).
            ended = [
                row[0]
                for row in conn.execute(
                    """WITH orphans AS MATERIALIZED (
                           SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                           AND pid <> pg_backend_pid() AND application_name = %(name)s)
                       SELECT pid, pg_terminate_backend(pid) FROM orphans""",
                    {"name": alembic_runner.RUN_NAME},
                )
            ]
            deadline = time.monotonic() + _ORPHAN_WAIT
            still = "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s) AND application_name = %s"
            while ended and conn.execute(still, (ended, alembic_runner.RUN_NAME)).fetchone():
                if time.monotonic() > deadline:
                    raise OperationRefused(f"a stopped run's session on {branch.label} did not end")
                time.sleep(0.05)
    except psycopg.Error as exc:
        said = dburl.scrub(str(exc), context.settings.secrets()).splitlines()[0][:300]
        raise OperationRefused(f"a stopped run's sessions on {branch.label} could not be ended: {said}") from None


def _where_it_left(
    branch: Branch, before: tuple[str, ...], now: tuple[str, ...] | None, details: dict, partly: str | None = None
) -> str:
    """The failed run's end, in words: where the branch was and is, and the way back when it moved.

    ``partly``: the failing revision, when it had committed some of its own work before it failed (an
    ``autocommit_block``), which the version table does not show."""
    if now is None:
        return f"{branch.label} could not be read to tell where it stopped"
    checkpoint = details.get("checkpoint_id")
    back = f"; checkpoint #{checkpoint} (taken before the run) is the way back" if checkpoint else ""
    if partly:
        at = ", ".join(now) or "no revision"
        return f"{branch.label} is at {at}, but {partly} may have committed part of its work before it failed{back}"
    if set(now) == set(before):
        return f"nothing was changed: {branch.label} is still at {', '.join(before) or 'no revision'}"
    return f"{branch.label} is now at {', '.join(now) or 'no revision'}{back}"


@contextmanager
def _marked(context: Context, branch: Branch) -> Iterator[alembic_runner.Target]:
    """``branch``'s target carrying a run token of its own: the branch's DDL capture records what
    this run changed as dbadmin's, and its guard lets the run through."""
    with capture.run_mark(context, branch) as token:
        yield replace(alembic_branch.target(context, branch), run=token)


def _settle_failed(
    context: Context,
    branch: Branch,
    direction: str,
    done: list[str],
    run_ids: dict[str, int],
    committed: set[str],
    failing: str,
    why: str | None = None,
) -> tuple[str, ...] | None:
    """After a failure, each finished step is ``ok`` or rolled back, as the branch's version table says now;
    returns where the branch is (None when it cannot be read: the steps stay ``applied`` for recovery)."""
    try:
        heads, applied = _branch_now(context, branch)  # the run's own session may still be finishing its COMMIT
    except Exception:  # noqa: BLE001 - unknown for now: the steps stay 'applied', settled before the next run
        return None
    for revision in done:
        if revision in committed:
            continue
        if _took_effect(revision, direction, applied):
            migration_runs.finish(context.registry, run_ids[revision], outcome="ok")
            committed.add(revision)
        else:
            migration_runs.finish(
                context.registry,
                run_ids[revision],
                outcome="failed",
                error=why or f"rolled back together with {failing} (one transaction for the whole run)",
            )
    return heads


def _read_state(context: Context, branch: Branch) -> DatabaseState:
    return alembic_branch.state(context, branch)


def _pending(graph: Graph, destination: str, heads: tuple[str, ...]) -> list[RevisionInfo]:
    try:
        return graph.pending_between(destination, heads)
    except Exception as exc:  # Alembic's revision errors: an unknown or ambiguous destination
        raise InvalidInput(f"Alembic refused: {exc}") from None


def _rollback_targets(graph: Graph, heads: tuple[str, ...], steps: int) -> tuple[list[str], list[str]]:
    """One downgrade destination per step, each removing exactly the newest revision, and the heads left.

    Alembic's relative ``-N`` is ambiguous at a merge; stepping to the merge's first parent
    removes just the merge.  Once a step would leave several heads, which one is "the last"
    is a matter of opinion, so the rollback is refused before anything changes.
    """
    current, targets = list(heads), []
    for _ in range(steps):
        if len(current) != 1:
            raise OperationRefused(
                f"rolling back {steps} revision(s) would pass a point with several heads "
                f"({', '.join(current)}): roll back fewer steps, then each branch by itself"
            )
        parents = graph.down_of(current[0])
        targets.append(parents[0] if parents else "base")
        current = parents
    return targets, current


def _check_steps(steps: Any, available: int, what: str) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int):
        try:
            steps = int(str(steps).strip())
        except ValueError:
            raise InvalidInput(f"steps must be a whole number, not {str(steps)[:20]!r}") from None
    if steps < 1:
        raise InvalidInput("steps must be at least 1")
    if steps > available:
        raise InvalidInput(f"steps must be at most {available} (the number of {what} revisions)")
    return steps
