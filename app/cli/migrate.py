"""``dbadmin migrate ...``: the migration workflow on the command line, over ``services.migrations``.

Production changes ask twice at a terminal, like the console: the typed phrase
(``--confirm``, or a prompt), then "are you sure" (``--yes`` skips it).  Without a
terminal (a pipeline), ``--confirm`` with the exact phrase is the confirmation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from ..services import actions
from ..services.actions import ActionType
from ..config import load_settings
from ..services import migrations
from ..services.branch import Branch
from ..services.context import Context
from ..services.errors import DBAdminError
from ..services.migrations.lint import LintUnavailable
from .common import BranchArg, Confirm, Reason, Yes, actor, confirm_plan, console_context, err, out, wrong_phrase

T = TypeVar("T")
app = typer.Typer(no_args_is_help=True, help="Alembic migrations on the Dev and Prod branches.")


@app.command()
def status(
    branch: BranchArg,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 unless the branch is up to date.")] = False,
) -> None:
    """Current revision, heads and pending revisions."""
    with console_context() as context:
        result = migrations.status(context, branch)
    out.print(f"[bold]{result.branch.label}[/]: {result.summary}")
    out.print(f"current: {', '.join(result.current) or '(none)'}    head: {', '.join(result.heads) or '(none)'}")
    if result.handover:
        out.print(f"env.py: {result.handover}", markup=False, highlight=False)
    if result.pending:
        table = Table("revision", "message", "file", title="pending, in the order they would run")
        for rev in result.pending:
            table.add_row(rev.id, rev.message, rev.file or "")
        out.print(table)
    if check and result.state != "up to date":
        raise typer.Exit(1)


@app.command()
def drift() -> None:
    """Whether Dev and Prod, on the same revision, still differ in their live schemas (exit 1 when they do)."""
    with console_context() as context:
        found = migrations.drift(context)
    if found is None:
        out.print("no drift: the branches are on different revisions, or their schemas match")
        return
    out.print(f"drift: {found.summary()}")
    for change in found.changes:
        out.print(f"  {change.describe()}", markup=False, highlight=False)
    raise typer.Exit(1)


@app.command()
def history(branch: BranchArg) -> None:
    """Applied revisions, newest first, with who applied them and when."""
    with console_context() as context:
        result = migrations.history(context, branch)
    table = Table("revision", "message", "applied at", "by", "ms", title=f"{result.branch.label}: applied revisions")
    for item in result.applied:
        when = f"{item.applied_at:%Y-%m-%d %H:%M:%S}" if item.applied_at else ""
        who = item.applied_by if item.by_dbadmin else "[yellow]outside dbadmin[/]"
        table.add_row(item.revision.id, item.revision.message, when, who, str(item.duration_ms or ""))
    out.print(table)
    if result.runs:
        runs = Table("started", "revision", "direction", "by", "outcome", "error", title="runs")
        for run in result.runs:
            runs.add_row(
                f"{run.started_at:%Y-%m-%d %H:%M:%S}",
                run.revision,
                run.direction,
                run.actor,
                run.outcome,
                run.error or "",
            )
        out.print(runs)


@app.command()
def sql(branch: BranchArg) -> None:
    """The SQL pending revisions would run (stdout), and lint findings (stderr)."""
    with console_context() as context:
        preview = migrations.preview(context, branch)
        findings = _lint(context, branch, sql=preview.sql)
    sys.stdout.write(preview.sql or "-- nothing pending\n")
    _print_notices(preview.skipped)
    _print_findings(findings)


@app.command()
def up(
    branch: BranchArg,
    steps: Annotated[str | None, typer.Option(help="Apply only the next N revisions.")] = None,
    reason: Reason = None,
) -> None:
    """Apply pending revisions (Development; Production changes by promote)."""
    with console_context() as context:
        result = migrations.upgrade(context, branch, actor=actor(), steps=steps, reason=reason)
    out.print(f"{result.branch.label}: applied {', '.join(result.revisions)}; now at {', '.join(result.after)}")


@app.command()
def down(
    branch: BranchArg,
    steps: Annotated[str, typer.Option(help="Roll back the last N revisions.")],
    confirm: Confirm = None,
    yes: Yes = False,
    reason: Reason = None,
) -> None:
    """Roll back the last N revisions (Production: phrase 'ROLLBACK N')."""
    with console_context() as context:
        plan = _planned(
            context, actions.MIGRATE_DOWN, branch, reason, lambda: migrations.plan_rollback(context, branch, steps)
        )
        if not wrong_phrase(plan, confirm):  # a wrong phrase is refused (and audited) by the verb, plan unprinted
            out.print(f"{plan.branch.label} loses: {', '.join(f'{rev.id} ({rev.message})' for rev in plan.removes)}")
            out.print(plan.commits, markup=False, highlight=False)
            confirm = confirm_plan(plan, confirm, yes)
        result = migrations.downgrade(context, branch, actor=actor(), steps=steps, confirm=confirm, reason=reason)
    out.print(
        f"{result.branch.label}: rolled back {', '.join(result.revisions)}; now at {', '.join(result.after) or 'base'}"
    )


@app.command()
def promote(confirm: Confirm = None, yes: Yes = False, reason: Reason = None) -> None:
    """Upgrade Production to exactly Development's revision (phrase 'PROMOTE N')."""
    with console_context() as context:
        plan = _planned(
            context, actions.MIGRATE_PROMOTE, Branch.PROD, reason, lambda: migrations.plan_promotion(context)
        )
        if not wrong_phrase(plan, confirm):  # a wrong phrase is refused (and audited) by the verb, plan unprinted
            _show_promotion(context, plan)
            confirm = confirm_plan(plan, confirm, yes)
        result = migrations.promote(context, actor=actor(), confirm=confirm, reason=reason)
    out.print(f"Production: applied {', '.join(result.revisions)}; now at {', '.join(result.after)}")


@app.command()
def baseline(
    branch: BranchArg,
    revision: Annotated[str, typer.Option(help="The revision the database already matches, e.g. 'a1b2c3'.")],
    confirm: Confirm = None,
    yes: Yes = False,
    reason: Reason = None,
) -> None:
    """Record that a database made without migrations is at REVISION, after comparing its schema with what
    REVISION builds in a scratch database (Production: phrase 'BASELINE REVISION')."""
    with console_context() as context:
        plan = _planned(
            context,
            actions.MIGRATE_BASELINE,
            branch,
            reason,
            lambda: migrations.plan_baseline(context, branch, revision),
        )
        confirm = confirm_plan(plan, confirm, yes)
        result = migrations.baseline(context, branch, actor=actor(), revision=revision, confirm=confirm, reason=reason)
    for notice in result.notices:
        err.print(f"notice: {notice}", markup=False, highlight=False)
    out.print(
        f"{result.branch.label}: recorded at {result.revision} ({result.tables} tables compared, identical); "
        "nothing was run"
    )


@app.command()
def new(message: Annotated[str, typer.Argument(help="What the revision does, e.g. 'add customer status'.")]) -> None:
    """Write a new, empty, reversible revision file into the project."""
    revision = migrations.new_revision(load_settings(), message)
    out.print(f"wrote {revision.file} (revision {revision.id})")


def _show_promotion(context: Context, plan: migrations.Promotion) -> None:
    table = Table("revision", "message", title=f"Production will receive {len(plan.revisions)} revision(s)")
    for rev in plan.revisions:
        table.add_row(rev.id, rev.message)
    out.print(table)
    if plan.sql:
        out.print(plan.sql, markup=False, highlight=False, soft_wrap=True)
    _print_notices(plan.skipped)
    out.print(plan.commits, markup=False, highlight=False)
    _print_findings(
        _lint(context, Branch.PROD, destination=plan.dev[0] if len(plan.dev) == 1 else "heads", sql=plan.sql or None)
    )


def _planned(
    context: Context, action: ActionType, branch: Branch | str, reason: str | None, plan: Callable[[], T]
) -> T:
    """The plan to show before the phrase; when it cannot be made (the project does not load, a branch is
    down), the attempt and why it stopped are an audit row like any other attempt's, and that error is
    what the user sees.  Nothing runs."""
    try:
        return plan()
    except DBAdminError as error:
        migrations.record_attempt(context, action, branch, actor=actor(), reason=reason, error=error)
        raise


def _lint(context: Context, branch: Branch | str, destination: str = "heads", sql: str | None = None) -> list:
    try:
        return migrations.lint_pending(context, branch, destination=destination, sql=sql)
    except LintUnavailable as exc:
        err.print(f"lint skipped: {exc}")
        return []


def _print_notices(skipped: tuple) -> None:
    for item in skipped:
        err.print(f"notice: {item.notice()}", markup=False, highlight=False)


def _print_findings(findings: list) -> None:
    for finding in findings:
        err.print(
            f"[yellow]lint[/] {finding.revision or '?'} {finding.rule}: {finding.message}  [dim]{finding.statement}[/]"
        )
