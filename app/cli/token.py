"""``dbadmin token ...``: API tokens for automation (a release pipeline that checkpoints Prod and promotes)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .. import units
from ..services.operations import access as auth
from .common import actor, console_context, out

app = typer.Typer(no_args_is_help=True, help="API tokens for scripts and pipelines.")


@app.command()
def create(
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'release pipeline'.")],
    role: Annotated[str, typer.Option(help="admin (may change things) or viewer (read only).")] = "viewer",
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    with console_context() as context:
        token, raw = auth.create_token(context, name=name, role=role, created_by=actor())
    typer.echo(f"token #{token.id} ({token.role}) {token.name}: store it now, it is not shown again:", err=True)
    typer.echo(raw)


@app.command("list")
def list_() -> None:
    """Tokens, with when each was last used (never their values)."""
    with console_context() as context:
        tokens = auth.list_tokens(context)
    table = Table("#", "name", "role", "created by", "created", "last used", "revoked")
    for t in tokens:
        table.add_row(
            str(t.id),
            t.name,
            t.role,
            t.created_by,
            units.when(t.created_at),
            units.when(t.last_used_at),
            units.when(t.revoked_at) if t.revoked_at else "",
        )
    out.print(table)


@app.command()
def revoke(token_id: Annotated[int, typer.Argument(help="The token's number (see 'dbadmin token list').")]) -> None:
    """Revoke a token: requests with it are refused from now on."""
    with console_context() as context:
        token = auth.revoke_token(context, token_id, by=actor())
    out.print(f"revoked token #{token.id} {token.name}")
