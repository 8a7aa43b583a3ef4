"""``dbadmin guard on|off|bypass dev|prod``: let only migrations change a branch's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from ..services import capture
from ..services.branch import Branch
from ..services.errors import InvalidInput
from .common import BranchArg, Confirm, Reason, Yes, actor, confirm_plan, console_context, out

app = typer.Typer(no_args_is_help=True, help="Refuse schema changes made outside dbadmin's migration runs.")


@app.command()
def on(branch: BranchArg, reason: Reason = None) -> None:
    """Refuse every schema change on BRANCH that no dbadmin run makes (needs DDL capture); ends a bypass."""
    with console_context() as context:
        found = capture.guard(context, branch, True, actor=actor(), reason=reason)
    out.print(f"{found.branch.label}: {found.summary}")


@app.command()
def off(branch: BranchArg, confirm: Confirm = None, yes: Yes = False, reason: Reason = None) -> None:
    """Let schema changes outside migrations through again (they are still recorded); Production
    asks for the phrase 'GUARD OFF'."""
    with console_context() as context:
        confirm = confirm_plan(capture.GuardOffPlan(Branch.parse(branch)), confirm, yes)
        found = capture.guard(context, branch, False, actor=actor(), reason=reason, confirm=confirm)
    out.print(f"{found.branch.label}: {found.summary}")


@app.command()
def bypass(
    branch: BranchArg,
    minutes: Annotated[
        str, typer.Option(help=f"How long the bypass lasts, 1 to {capture.BYPASS_MINUTES} minutes.")
    ] = "15",
    confirm: Confirm = None,
    yes: Yes = False,
    reason: Reason = None,
) -> None:
    """Break glass: let schema changes through BRANCH's guard for some minutes, with the phrase
    'BYPASS GUARD <minutes>'; every one of them is still recorded."""
    with console_context() as context:
        try:
            confirm = confirm_plan(capture.plan_bypass(branch, minutes), confirm, yes)
        except InvalidInput:
            pass  # the service refuses it again, in the audit log

        found = capture.bypass(context, branch, minutes, actor=actor(), confirm=confirm, reason=reason)
    out.print(f"{found.branch.label}: {found.summary}")
