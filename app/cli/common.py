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
from ..services.context import Context
from ..services.frame.access import Principal, cli_principal
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



def ask_phrase(given: str | None, expected: str, what: str) -> str | None:
    if given is not None or not sys.stdin.isatty():
        return given  # the service checks it (and audits a wrong or missing one)
    return typer.prompt(f"To {what}, type {expected!r}")


def ask_sure(yes: bool) -> None:
    """The second prompt on Production; without a terminal the typed phrase alone confirms (pipelines)."""
    if yes or not sys.stdin.isatty():
        return
    if not typer.confirm("This changes Production. Are you sure?", default=False):
        raise typer.Exit(1)


