"""Migrations: the application's Alembic project as the single source of truth for both branches.

Public verbs (each takes the ``Context`` and keyword arguments): ``status``, ``history``,
``preview_sql``, ``lint_pending``, ``drift``, ``upgrade``, ``downgrade``, ``plan_promotion``,
``promote`` and ``new_revision``.  Every state-changing verb runs as one audited
operation under the branch's operation lock, and validates its input inside that
operation, so refused attempts are in the audit log too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError as SAOperationalError

from . import alembic_runner, checkpoints, dburl, hooks, introspection, lint, migration_runs, schema_diff
from .alembic_runner import Applied, Project, Timeouts
from .auth import Principal
from .checkpoint_strategies import Progress
from .hooks import HookResult
from .errors import (
    BranchUnavailable,
    ConfigError,
    DBAdminError,
    InvalidInput,
    MigrationFailed,
    OperationRefused,
)
from .migration_runs import Run
from .operations import check_phrase, operation
from .registry import Branch

if TYPE_CHECKING:
    from .context import Context

_TIMEOUT_STATES = {"57014": "MIGRATION_STATEMENT_TIMEOUT", "55P03": "MIGRATION_LOCK_TIMEOUT"}


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    id: str
    message: str
    file: str | None

    @classmethod
    def of(cls, script: Script) -> Revision:
        return cls(id=script.revision, message=(script.doc or "").strip(), file=Path(script.path).name if script.path else None)


@dataclass(frozen=True)
class Status:
    branch: Branch
    current: tuple[str, ...]
    heads: tuple[str, ...]
    pending: tuple[Revision, ...]
    unknown: tuple[str, ...]
    managed: bool

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
            "unmanaged": "not under migrations yet",
            "ahead": f"ahead of the code ({', '.join(self.unknown)} not in the project)",
            "pending": f"{self.pending_count} pending",
            "up to date": "up to date",
        }[self.state]


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
class Promotion:
    dev: tuple[str, ...]
    prod: tuple[str, ...]
    revisions: tuple[Revision, ...]
    sql: str

    @property
    def phrase(self) -> str:
        return f"PROMOTE {len(self.revisions)}"


# -- reading --------------------------------------------------------------------------------


def status(context: Context, branch: Branch | str) -> Status:
    """Current revision(s), head(s) and the pending revisions of ``branch``, in the order they would run."""
    branch = Branch.parse(branch)
    project, script = _project(context, branch)
    state = _read_state(context, branch, project)
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = tuple(head for head in state.heads if head not in known)
    pending = () if unknown else tuple(Revision.of(rev) for rev in alembic_runner.pending_between(script, "heads", state.heads))
    return Status(branch=branch, current=state.heads, heads=tuple(script.get_heads()), pending=pending,
                  unknown=unknown, managed=state.has_version_table)


def history(context: Context, branch: Branch | str, *, limit: int = 200) -> History:
    """Applied revisions newest first (with who and when, or marked as applied outside dbadmin) and dbadmin's runs."""
    branch = Branch.parse(branch)
    project, script = _project(context, branch)
    state = _read_state(context, branch, project)
    known = {rev.revision for rev in script.walk_revisions()}
    runs = migration_runs.last_applied(context.registry, branch)
    applied = [AppliedRevision(Revision(head, "(not in the project)", None), None, None, None, False)
               for head in state.heads if head not in known]
    in_code = tuple(head for head in state.heads if head in known)
    for rev in (script.iterate_revisions(in_code, None, implicit_base=True) if in_code else ()):
        run = runs.get(rev.revision)
        applied.append(AppliedRevision(
            revision=Revision.of(rev), applied_at=run.finished_at if run else None,
            applied_by=run.actor if run else None, duration_ms=run.duration_ms if run else None, by_dbadmin=run is not None,
        ))
    return History(branch=branch, applied=tuple(applied),
                   runs=tuple(migration_runs.list_runs(context.registry, branch, limit=limit)))


def preview_sql(context: Context, branch: Branch | str, *, destination: str = "heads") -> str:
    """The SQL that upgrading ``branch`` to ``destination`` would run (Alembic offline mode); '' when nothing is pending."""
    branch = Branch.parse(branch)
    project, script = _project(context, branch)
    state = _read_state(context, branch, project)
    if not alembic_runner.pending_between(script, destination, state.heads):
        return ""
    if len(state.heads) > 1:
        raise OperationRefused("SQL preview needs the branch on a single revision; it has several heads: "
                               + ", ".join(state.heads))
    start = state.heads[0] if state.heads else None
    return _alembic(lambda: alembic_runner.offline_sql(project, start, destination), context, branch)


def lint_pending(context: Context, branch: Branch | str, *, destination: str = "heads") -> list[lint.Finding]:
    """Risky operations in the SQL the pending revisions would run (squawk)."""
    branch = Branch.parse(branch)
    with context.registry.connection(branch) as conn:
        version = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()[0]
    return lint.lint_sql(preview_sql(context, branch, destination=destination),
                         server_version=f"{version // 10000}.{version % 100}")


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
    dev_project, script = _project(context, Branch.DEV)
    prod_project, _ = _project(context, Branch.PROD)
    dev = _read_state(context, Branch.DEV, dev_project)
    prod = _read_state(context, Branch.PROD, prod_project)
    known = {rev.revision for rev in script.walk_revisions()}
    if not dev.has_version_table or not dev.heads:
        raise OperationRefused("Development is not under migrations yet: nothing to promote")
    if missing := [head for head in dev.heads if head not in known]:
        raise OperationRefused(f"Development is on {', '.join(missing)}, which the code does not have: update the code first")
    if missing := [head for head in prod.heads if head not in known]:
        raise OperationRefused(f"Production is on {', '.join(missing)}, which the code does not have: it is ahead of the code")
    dev_applied = alembic_runner.ancestry(script, dev.heads)
    prod_applied = alembic_runner.ancestry(script, prod.heads)
    if prod_applied - dev_applied:
        extra = sorted(prod_applied - dev_applied)
        if dev_applied < prod_applied:
            raise OperationRefused(f"Production is ahead of Development (it has {', '.join(extra)}): nothing to promote")
        raise OperationRefused("Development and Production have diverged onto different branches of the revision "
                               f"graph (Production has {', '.join(extra)}, which Development lacks): merge first")
    revisions = tuple(Revision.of(rev) for rev in alembic_runner.pending_between(script, dev.heads, prod.heads))
    if not revisions:
        raise OperationRefused("Production is already at Development's revision: nothing to promote")
    sql = preview_sql(context, Branch.PROD, destination=dev.heads[0]) if len(dev.heads) == 1 else ""
    return Promotion(dev=dev.heads, prod=prod.heads, revisions=revisions, sql=sql)


# -- changing -------------------------------------------------------------------------------


def upgrade(context: Context, branch: Branch | str, *, actor: Principal, steps: int | None = None,
            reason: str | None = None, progress: Progress | None = None) -> RunResult:
    """Apply pending revisions to ``branch`` (all, or the next ``steps``). Production changes only by ``promote``."""
    with operation(context, "migrate.up", branch, actor=actor, reason=reason, details={"steps": steps}) as (branch, running):
        if branch is Branch.PROD:
            raise OperationRefused("Production is upgraded by promotion from Development only: run 'dbadmin migrate promote'")
        pending = status(context, branch).pending_count
        if pending == 0:
            raise OperationRefused(f"{branch.label} is up to date: nothing to apply")
        if steps is not None:
            steps = _check_steps(steps, pending, "pending")
        _auto_checkpoint(context, branch, actor=actor.name, action="migrate.up", details=running.details,
                         progress=progress)
        result = _run(context, branch, "heads" if steps is None else f"+{steps}", direction="up", actor=actor.name,
                      progress=progress)
        running.details.update(revisions=list(result.revisions), before=list(result.before), after=list(result.after))
    return _after(context, "migrate.up", actor.name, result)


def downgrade(context: Context, branch: Branch | str, *, actor: Principal, steps: Any, confirm: str | None = None,
              reason: str | None = None, progress: Progress | None = None) -> RunResult:
    """Roll ``branch`` back ``steps`` revisions. On Production the phrase ``ROLLBACK <steps>`` is required."""
    with operation(context, "migrate.down", branch, actor=actor, reason=reason, details={"steps": steps}) as (branch, running):
        project, script = _project(context, branch)
        heads = _read_state(context, branch, project).heads
        steps = _check_steps(steps, len(alembic_runner.ancestry(script, heads)), "applied")
        targets = _rollback_targets(script, heads, steps)
        if branch is Branch.PROD:
            check_phrase(confirm, f"ROLLBACK {steps}", f"rolling back {steps} revision(s) on Production")
        _auto_checkpoint(context, branch, actor=actor.name, action="migrate.down", details=running.details,
                         progress=progress)
        results = [_run(context, branch, target, direction="down", actor=actor.name, progress=progress)
                   for target in targets]
        result = RunResult(branch, "down", tuple(r for res in results for r in res.revisions), heads, results[-1].after)
        running.details.update(revisions=list(result.revisions), before=list(result.before), after=list(result.after))
    return _after(context, "migrate.down", actor.name, result)


def promote(context: Context, *, actor: Principal, confirm: str | None, reason: str | None = None,
            progress: Progress | None = None) -> RunResult:
    """Upgrade Production to exactly Development's revision; needs ``PROMOTE <N>``, N being what Prod receives."""
    with operation(context, "migrate.promote", Branch.PROD, actor=actor, reason=reason, also_lock=Branch.DEV) as (_, running):
        plan = plan_promotion(context)
        running.details.update(dev=list(plan.dev), prod=list(plan.prod), revisions=[r.id for r in plan.revisions])
        check_phrase(confirm, plan.phrase, f"promoting {len(plan.revisions)} revision(s) to Production")
        _auto_checkpoint(context, Branch.PROD, actor=actor.name, action="migrate.promote", details=running.details,
                         progress=progress)
        results = [_run(context, Branch.PROD, head, direction="up", actor=actor.name, progress=progress)
                   for head in plan.dev]
        result = RunResult(Branch.PROD, "up", tuple(r for res in results for r in res.revisions), plan.prod, results[-1].after)
        running.details.update(after=list(result.after))
    return _after(context, "migrate.promote", actor.name, result)


def new_revision(context_or_settings: Any, message: str) -> Revision:
    """Write a new, empty, reversible revision file (timestamped name) into the project; touches no database.

    Not audited: it changes code, which version control records; applying it is audited.
    """
    settings = getattr(context_or_settings, "settings", context_or_settings)
    message = (message or "").strip()
    if not message or len(message) > 200 or "\n" in message:
        raise InvalidInput("a revision needs a one-line message of at most 200 characters")
    project = Project(_require_migrations(settings), url=None)
    config = project.config()
    if not config.get_main_option("file_template"):
        # Timestamped names sort in the order revisions were written and rarely collide.
        config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s")
    try:
        with alembic_runner.ALEMBIC_LOCK:
            script = command.revision(config, message=message)
    except CommandError as exc:
        raise InvalidInput(f"cannot create a revision: {exc}") from None
    if isinstance(script, list):
        script = script[0]
    text = Path(script.path).read_text()
    if "def downgrade" not in text or "def upgrade" not in text:
        Path(script.path).unlink()
        raise ConfigError("MIGRATIONS: the project's script.py.mako must define both upgrade() and downgrade()")
    return Revision.of(script)


# -- internals ------------------------------------------------------------------------------


def _after(context: Context, action: str, actor: str, result: RunResult) -> RunResult:
    """Run the after-run hooks (each audited on its own) and attach their outcomes to the result."""
    event = hooks.Event(action=action, branch=result.branch, actor=actor, details={"revisions": list(result.revisions)})
    return replace(result, hooks=tuple(hooks.run_after(context, event)))


def _auto_checkpoint(context: Context, branch: Branch, *, actor: str, action: str, details: dict,
                     progress: Progress | None = None) -> None:
    """Before any Prod migration (and Dev's when AUTO_CHECKPOINT_DEV is on): a checkpoint to go back to."""
    if branch is Branch.PROD or context.settings.auto_checkpoint_dev:
        checkpoint = checkpoints.create_locked(context, branch, actor=actor, label=f"auto: before {action}",
                                               progress=progress)
        details["checkpoint_id"] = checkpoint.id


def _run(context: Context, branch: Branch, destination: str, *, direction: str, actor: str,
         progress: Progress | None = None) -> RunResult:
    """Run Alembic online, writing a migration_runs row per step as it starts and ends (and telling ``progress``)."""
    tell = progress or (lambda done, total, message: None)
    project, script = _project(context, branch)
    before = _read_state(context, branch, project).heads
    planned: list[str] = []
    run_ids: dict[str, int] = {}
    done: list[str] = []

    def start_next() -> None:
        if len(done) < len(planned):
            revision = planned[len(done)]
            run_ids[revision] = migration_runs.start(context.registry, branch=branch, revision=revision,
                                                     direction=direction, actor=actor)
            verb = "applying" if direction == "up" else "reverting"
            tell(len(done), len(planned), f"{verb} {revision} ({len(done) + 1} of {len(planned)}) on {branch.label}")

    def on_plan(revisions: list[str]) -> None:
        planned.extend(revisions)
        start_next()

    def on_step(step: Applied) -> None:
        migration_runs.finish(context.registry, run_ids[step.revision], outcome="ok")
        done.append(step.revision)
        tell(len(done), len(planned), f"{step.revision} done")
        start_next()

    try:
        alembic_runner.run(project, destination, direction=direction, on_step=on_step, on_plan=on_plan)
    except CommandError as exc:
        raise InvalidInput(f"Alembic refused: {exc}") from None
    except Exception as exc:
        failing = planned[len(done)] if len(done) < len(planned) else "?"
        message = _database_message(exc, context)
        if failing in run_ids:
            migration_runs.finish(context.registry, run_ids[failing], outcome="failed", error=message)
        _settle_rolled_back(context, branch, project, script, direction, done, run_ids, failing)
        raise MigrationFailed(failing, message) from None
    after = _read_state(context, branch, project).heads
    return RunResult(branch, direction, tuple(done), before, after)


def _settle_rolled_back(context: Context, branch: Branch, project: Project, script: ScriptDirectory, direction: str,
                        done: list[str], run_ids: dict[str, int], failing: str) -> None:
    """An env.py without transaction-per-migration rolls back the steps before the failure too: say so."""
    try:
        applied = alembic_runner.ancestry(script, _read_state(context, branch, project).heads)
    except DBAdminError:
        return  # the branch cannot be read now; the rows keep what the run itself saw
    for revision in done:
        if (revision in applied) != (direction == "up"):
            migration_runs.finish(context.registry, run_ids[revision], outcome="failed",
                                  error=f"rolled back together with {failing} (one transaction for the whole run)")


def _project(context: Context, branch: Branch) -> tuple[Project, ScriptDirectory]:
    settings = context.settings
    project = Project(_require_migrations(settings), url=context.registry.url(branch),
                      timeouts=Timeouts(settings.migration_statement_timeout, settings.migration_lock_timeout))
    try:
        script = project.script()
        script.get_heads()  # loads every revision file: a syntax error shows up here
    except DBAdminError:
        raise
    except Exception as exc:
        raise ConfigError(f"MIGRATIONS: the project at {settings.migrations} cannot be loaded: "
                          f"{type(exc).__name__}: {dburl.reason(exc)}") from None
    return project, script


def _require_migrations(settings: Any) -> Path:
    if settings.migrations is None:
        raise ConfigError("MIGRATIONS: not set; point it at your application's alembic.ini")
    return Path(settings.migrations)


def _read_state(context: Context, branch: Branch, project: Project) -> alembic_runner.DatabaseState:
    with context.registry.connection(branch):
        pass  # a clear "unavailable" from the pool before env.py tries its own engine
    return _alembic(lambda: alembic_runner.database_state(project), context, branch)


def _alembic(call: Any, context: Context, branch: Branch) -> Any:
    """Run an Alembic call through the project's env.py, turning its failures into dbadmin errors."""
    try:
        return call()
    except DBAdminError:
        raise
    except SAOperationalError as exc:
        raise BranchUnavailable(f"the {branch.label} branch is unavailable: {_database_message(exc, context)}") from None
    except CommandError as exc:
        raise InvalidInput(f"Alembic refused: {exc}") from None
    except Exception as exc:
        raise ConfigError(f"MIGRATIONS: the project's env.py failed: {type(exc).__name__}: "
                          f"{dburl.reason(exc, context.settings.secrets())}") from None


def _database_message(exc: BaseException, context: Context) -> str:
    """The database's own words for a failed statement, naming the timeout setting when one was hit."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    sqlstate = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    message = (diag.message_primary if diag is not None and diag.message_primary else None) or dburl.reason(orig)
    message = dburl.scrub(message, context.settings.secrets())
    if sqlstate in _TIMEOUT_STATES:
        setting = _TIMEOUT_STATES[sqlstate]
        limit = getattr(context.settings, setting.lower())
        return f"{message} ({setting}={limit:g}s was hit)"
    return message


def _rollback_targets(script: ScriptDirectory, heads: tuple[str, ...], steps: int) -> list[str]:
    """One downgrade destination per step, each removing exactly the newest revision.

    Alembic's relative ``-N`` is ambiguous at a merge; stepping to the merge's first parent
    removes just the merge.  Once a step would leave several heads, which one is "the last"
    is a matter of opinion, so the rollback is refused before anything changes.
    """
    current, targets = list(heads), []
    for _ in range(steps):
        if len(current) != 1:
            raise OperationRefused(f"rolling back {steps} revision(s) would pass a point with several heads "
                                   f"({', '.join(current)}): roll back fewer steps, then each branch by itself")
        down = script.get_revision(current[0]).down_revision
        parents = [down] if isinstance(down, str) else list(down or ())
        targets.append(parents[0] if parents else "base")
        current = parents
    return targets


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
