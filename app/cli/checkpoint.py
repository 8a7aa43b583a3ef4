"""``dbadmin checkpoint ...``: snapshots of a branch, over ``services.checkpoints``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from .. import units
from ..services import checkpoints
from ..services.branch import Branch
from ..services.checkpoints import strategies
from ..services.reports import compare
from .common import BranchArg, Confirm, Reason, Yes, actor, confirm_plan, console_context, out

STRATEGY_HELP = "how to make it (default per branch): " + "; ".join(
    f"{strategy.name}: {strategy.summary}" for strategy in strategies.REGISTERED
)

app = typer.Typer(no_args_is_help=True, help="Checkpoints (snapshots) of the Dev and Prod branches.")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=True, disable=not sys.stderr.isatty()
    )


@app.command()
def create(
    branch: BranchArg,
    label: Annotated[str, typer.Argument(help="A short name for the checkpoint.")],
    notes: Annotated[str | None, typer.Option(help="Free text kept with it.")] = None,
    strategy: Annotated[str | None, typer.Option(help=STRATEGY_HELP)] = None,
    reason: Reason = None,
) -> None:
    """Snapshot a branch now."""
    with console_context() as context, _bar() as bar:
        task = bar.add_task("checkpoint", total=None)
        made = checkpoints.create(
            context,
            branch,
            actor=actor(),
            label=label,
            notes=notes,
            strategy=strategy,
            reason=reason,
            progress=lambda done, total, _: bar.update(task, completed=done, total=total or None),
        )
    out.print(
        f"checkpoint #{made.id} ({made.strategy}, {units.size(made.size_bytes, unknown='')}) of {Branch(made.branch).label}: {made.label}"
    )


@app.command("list")
def list_(branch: BranchArg) -> None:
    """Checkpoints of a branch, newest first."""
    with console_context() as context:
        found = checkpoints.list_for_branch(context, branch)
        drilled = checkpoints.drills.last_of(context, [c.id for c in found])
    table = Table(
        "id", "label", "created by", "created at", "strategy", "size", "revision", "status", "expires", "last drill"
    )
    for c in found:
        drill = drilled.get(c.id)
        table.add_row(
            str(c.id),
            c.label,
            c.created_by,
            units.when(c.created_at),
            c.strategy,
            units.size(c.size_bytes, unknown=""),
            c.revision or "",
            c.status if c.status == "ready" else f"[red]{c.status}[/]",
            f"{c.expires_at:%Y-%m-%d}" if c.expires_at else "",
            "" if drill is None else f"{drill.outcome} {units.when(drill.started_at)}",
        )
    out.print(table)


@app.command()
def drill(checkpoint_id: Annotated[str, typer.Argument(metavar="ID")], reason: Reason = None) -> None:
    """Prove a checkpoint restores: restore it into a scratch database beside its branch (never the branch
    itself), check its schema and rows against what the checkpoint recorded, drop the scratch database."""
    with console_context() as context, _bar() as bar:
        task = bar.add_task("drill", total=None)
        done = checkpoints.drill(
            context,
            checkpoints.branch_of(context, checkpoint_id),
            checkpoint_id,
            actor=actor(),
            reason=reason,
            progress=lambda done, total, _: bar.update(task, completed=done, total=total or None),
        )
    out.print(done.describe(), markup=False, highlight=False)


@app.command()
def restore(
    branch: BranchArg,
    checkpoint_id: Annotated[str, typer.Argument(metavar="ID")],
    confirm: Confirm = None,
    yes: Yes = False,
    reason: Reason = None,
) -> None:
    """Bring a branch back to a checkpoint (Production: phrase 'RESTORE ID'); the state it replaces is kept."""
    with console_context() as context:
        confirm = confirm_plan(checkpoints.plan_restore(context, branch, checkpoint_id), confirm, yes)
        with _bar() as bar:
            task = bar.add_task("restore", total=None)
            before = checkpoints.restore(
                context,
                branch,
                checkpoint_id,
                actor=actor(),
                confirm=confirm,
                reason=reason,
                progress=lambda done, total, _: bar.update(task, completed=done, total=total or None),
            )
    out.print(
        f"restored checkpoint #{checkpoint_id}; the replaced state is checkpoint #{before.id} (restore it to undo)"
    )


@app.command("restore-to-time")
def restore_to_time(
    branch: BranchArg,
    moment: Annotated[
        str,
        typer.Argument(
            metavar="WHEN", help="ISO 8601 (2026-12-02T14:32:00Z) or HH:MM[:SS] today; UTC unless it names a zone."
        ),
    ],
    confirm: Confirm = None,
    yes: Yes = False,
    reason: Reason = None,
) -> None:
    """Bring a branch back to how it was at a moment of its history, where its strategy keeps one
    (Production: phrase 'RESTORE TO YYYY-MM-DD HH:MM:SS'); the state it replaces is kept."""
    with console_context() as context:
        plan = checkpoints.plan_restore_to_time(context, branch, moment)
        confirm = confirm_plan(plan, confirm, yes)
        with _bar() as bar:
            task = bar.add_task("restore", total=None)
            before = checkpoints.restore_to_time(
                context,
                branch,
                plan.moment,
                actor=actor(),
                confirm=confirm,
                reason=reason,
                progress=lambda done, total, _: bar.update(task, completed=done, total=total or None),
            )
    out.print(
        f"restored {plan.branch.label} to {plan.moment:%Y-%m-%d %H:%M:%S} UTC; the replaced state is checkpoint "
        f"#{before.id} (restore it to undo)"
    )


@app.command()
def delete(checkpoint_id: Annotated[str, typer.Argument(metavar="ID")], reason: Reason = None) -> None:
    """Delete a checkpoint's data (its catalog row stays, marked deleted)."""
    with console_context() as context:
        gone = checkpoints.delete(
            context, checkpoints.branch_of(context, checkpoint_id), checkpoint_id, actor=actor(), reason=reason
        )
    out.print(f"deleted checkpoint #{gone.id} ({units.size(gone.size_bytes, unknown='')} freed)")


@app.command()
def diff(checkpoint_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """What changed in the branch's schema since a checkpoint, and row estimates per table."""
    with console_context() as context:
        branch = checkpoints.branch_of(context, checkpoint_id)
        result = compare.since_checkpoint(context, branch, checkpoint_id)
    out.print(f"{branch.label} now vs checkpoint #{checkpoint_id}: {result.summary()}")
    for change in result.changes:
        out.print(f"  {change.describe()}", markup=False, highlight=False)
    if result.rows:
        table = Table("table", "rows then (est.)", "rows now (est.)", title="row estimates that moved")
        for name, (then, now) in sorted(result.rows.items()):
            table.add_row(name, units.count(then), units.count(now))
        out.print(table)


@app.command()
def prune(reason: Reason = None) -> None:
    """Delete expired checkpoints, never the newest one of a branch."""
    with console_context() as context:
        pruned = checkpoints.prune(context, actor=actor(), reason=reason)
    out.print(
        f"pruned {len(pruned.deleted)} checkpoint(s), {units.size(pruned.freed_bytes)} freed"
        + (f": {', '.join(f'#{c.id}' for c in pruned.deleted)}" if pruned.deleted else "")
    )
    for checkpoint, why in pruned.kept:
        out.print(f"kept #{checkpoint.id}: {why}", markup=False, highlight=False)
