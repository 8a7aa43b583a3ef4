"""``dbadmin schedule ...``: the branches' checkpoint schedules, over ``services.schedules``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .. import units
from ..services import checkpoints, schedules
from ..services.branch import Branch
from .common import BranchArg, Reason, actor, console_context, out

app = typer.Typer(no_args_is_help=True, help="Scheduled checkpoints of the Dev and Prod branches, each drilled.")


@app.command("list")
def list_() -> None:
    """Each branch's schedule, its next time, its last runs and its last verified backup."""
    with console_context() as context:
        schedules.sync_settings(context)
        found = {branch: schedules.get(context, branch) for branch in Branch}
        verified = {branch: checkpoints.last_verified(context, branch) for branch in Branch}
    for branch, current in found.items():
        last = verified[branch]
        proof = f"#{last[0].id}, drilled {units.when(last[1].started_at)}" if last else "none"
        if current is None:
            out.print(f"{branch.label}: no schedule (last verified backup: {proof})", markup=False, highlight=False)
            continue
        where = "set in the settings" if current.source == "settings" else f"set by {current.updated_by}"
        out.print(
            f"{branch.label}: {current.schedule.describe()} UTC, keep {current.schedule.keep.describe()} "
            f"({where}); next {units.when(current.next_at) if current.next_at else 'never'}; "
            f"last verified backup: {proof}",
            markup=False,
            highlight=False,
        )
        if current.runs:
            table = Table("time", "outcome", "checkpoint", "attempts", "by", "error")
            for run in current.runs[:10]:
                table.add_row(
                    f"{run.due_at:%Y-%m-%d %H:%M}",
                    run.state,
                    f"#{run.checkpoint_id}" if run.checkpoint_id else "",
                    str(run.attempts),
                    run.owner or "",
                    run.error or "",
                )
            out.print(table)


@app.command("set")
def set_(
    branch: BranchArg,
    crontab: Annotated[
        str, typer.Argument(help="Crontab lines in UTC separated by ';' (\"0 3 * * *; 0 9-17 * * 1-5\"), or off.")
    ],
    keep: Annotated[
        str | None, typer.Option(help="What to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d.")
    ] = None,
    strategy: Annotated[str | None, typer.Option(help="How to make them (default: the branch's).")] = None,
    reason: Reason = None,
) -> None:
    """Set (or, with off, remove) a branch's schedule; not one its settings declare."""
    with console_context() as context:
        current = schedules.set_schedule(
            context, branch, crontab, keep=keep, strategy=strategy, actor=actor(), reason=reason
        )
    if current is None:
        out.print(f"{Branch.parse(branch).label}: no schedule", markup=False, highlight=False)
    else:
        out.print(
            f"{current.branch.label}: {current.schedule.describe()} UTC, keep {current.schedule.keep.describe()}; "
            f"next {units.when(current.next_at) if current.next_at else 'never'}",
            markup=False,
            highlight=False,
        )


@app.command()
def run() -> None:
    """Run what is due now, once: from a crontab, beside (or instead of) the console's own scheduler;
    each scheduled time runs once however many processes look."""
    with console_context() as context:
        handled = schedules.run_due(context)
    if not handled:
        out.print("nothing is due")
    failed = False
    for item in handled:
        failed |= item.outcome in ("failed", "missed")
        out.print(
            f"{item.branch.label} {item.due_at:%Y-%m-%d %H:%M} UTC: {item.outcome}"
            + (f" (checkpoint #{item.checkpoint_id})" if item.checkpoint_id else "")
            + (f": {item.detail}" if item.detail else ""),
            markup=False,
            highlight=False,
        )
    if failed:
        raise typer.Exit(1)
