"""What every ``dbadmin`` sub-command shares: the consoles it prints to, its arguments, who acts,
the context it opens, and the two prompts a Production change asks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from ..config import load_settings
from ..services.branch import Branch
from ..services.context import Context
from ..services.operations.access import Principal, cli_principal
from ..services.startup import open_context

# Piped output (a pipeline's log, grep) is not cut at 80 columns.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

BranchArg = Annotated[str, typer.Argument(help="dev or prod")]
Reason = Annotated[str | None, typer.Option(help="Why: recorded in the audit log.")]
Confirm = Annotated[str | None, typer.Option(help="The typed phrase, e.g. 'ROLLBACK 2' (asked for when omitted).")]
Yes = Annotated[bool, typer.Option("--yes", help="Skip the final 'are you sure' on Production (for pipelines).")]


def actor() -> Principal:
    """Who runs a CLI command: the operating-system user, marked as coming from the CLI."""
    return cli_principal()


@contextmanager
def console_context() -> Iterator[Context]:
    with open_context(load_settings()) as context:
        yield context


def wrong_phrase(plan, given: str | None) -> bool:
    """A phrase given on the command line that is not the plan's: refused before the plan is printed."""
    return plan.phrase is not None and given is not None and given != plan.phrase


def confirm_plan(plan, given: str | None, yes: bool) -> str | None:
    """The phrase for a planned change (its ``phrase``, None where none is asked), prompted for at a
    terminal when not given, then "are you sure"; without a terminal the given phrase alone confirms."""
    if plan.phrase is None:
        return given
    if given is None and sys.stdin.isatty():
        given = typer.prompt(f"{plan.what[:1].upper()}{plan.what[1:]}: type {plan.phrase!r} to go on")
    production = getattr(plan, "branch", Branch.PROD) is Branch.PROD  # a plan that names no branch is Prod's
    if (
        production
        and not yes
        and sys.stdin.isatty()
        and not typer.confirm("This changes Production. Are you sure?", default=False)
    ):
        raise typer.Exit(1)
    return given  # the service checks it (and audits a wrong or missing one)
