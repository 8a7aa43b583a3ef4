"""``dbadmin webhook ...``: try the webhooks WEBHOOK_URLS names, and see what was delivered."""

from __future__ import annotations

import typer
from rich.table import Table

from .. import units
from ..services import webhooks
from .common import actor, console_context, out

app = typer.Typer(no_args_is_help=True, help="The webhooks that hear of failed backups and Production changes.")


@app.command()
def test() -> None:
    """Send a test notice to every webhook now, and say how each delivery went."""
    with console_context() as context:
        if context.webhooks is None or not context.webhooks.targets:
            out.print("no webhooks: set WEBHOOK_URLS")
            raise typer.Exit(1)
        sent = context.webhooks.test(actor().name)
    for delivery in sent:
        said = "delivered" if delivery.status == "delivered" else f"failed: {delivery.last_error}"
        out.print(f"{delivery.target}: {said} ({delivery.attempts} attempt(s))", markup=False, highlight=False)
    if any(delivery.status != "delivered" for delivery in sent):
        raise typer.Exit(1)


@app.command()
def deliveries() -> None:
    """The latest deliveries, newest first: what was told, to which webhook (its host), and how it went."""
    with console_context() as context:
        found = webhooks.recent(context)
    table = Table("id", "event", "webhook", "status", "attempts", "answer", "at")
    for d in found:
        table.add_row(
            str(d.id),
            d.event,
            d.target,
            d.status,
            str(d.attempts),
            d.last_error or (str(d.response_status) if d.response_status else ""),
            units.when(d.created_at),
        )
    out.print(table)
