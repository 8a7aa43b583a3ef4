"""``dbadmin capture install|remove|status dev|prod``: record every schema change made on a branch."""

from __future__ import annotations

from rich.table import Table

import typer

from .. import units
from ..services import capture
from .common import BranchArg, Reason, actor, console_context, out

app = typer.Typer(no_args_is_help=True, help="Record every schema change made on a branch, migrations or not.")


@app.command()
def install(branch: BranchArg, reason: Reason = None) -> None:
    """Add the event triggers that record each DDL statement on BRANCH (needs a superuser)."""
    with console_context() as context:
        found = capture.install(context, branch, actor=actor(), reason=reason)
    out.print(f"{found.branch.label}: {found.summary}")


@app.command()
def remove(branch: BranchArg, reason: Reason = None) -> None:
    """Collect what BRANCH recorded, then take its event triggers and log away."""
    with console_context() as context:
        found = capture.remove(context, branch, actor=actor(), reason=reason)
    out.print(f"{found.branch.label}: {found.summary}")


@app.command()
def status(branch: BranchArg) -> None:
    """Whether BRANCH records its schema changes, and the latest ones (collected first)."""
    with console_context() as context:
        capture.collect(context, branch)
        found = capture.status(context, branch)
        recent = capture.events(context, branch, limit=20)
    out.print(f"{found.branch.label}: {found.summary}")
    if recent:
        table = Table("when", "by", "from", "command", "object", "in a dbadmin run", title="latest schema changes")
        for event in recent:
            table.add_row(
                units.when(event.at),
                event.role or "",
                event.application_name or event.client_addr or "",
                event.command_tag,
                event.object_identity or "",
                "yes"
                if event.by_dbadmin
                else (
                    "[red]no: under a bypass of the guard[/]" if event.bypass else "[yellow]no: outside migrations[/]"
                ),
            )
        out.print(table)
