"""The branch card: a branch at a glance (configured or missing, where, reachable, schema, checkpoint).

Clicking a card selects that branch (``/admin?branch=prod``), so the choice can be linked and reloaded.
"""

from __future__ import annotations

from nicegui import ui

from .. import units
from ..services.branch import Branch
from ..services.reports.overview import BranchOverview

# Production must be unmistakable: a warm colour and a badge on every card that shows it.
_ACCENT = {Branch.DEV: "border-sky-500", Branch.PROD: "border-rose-600"}
_STATE = {
    "reachable": ("reachable", "positive", "check_circle"),
    "unreachable": ("unreachable", "negative", "error"),
    "missing": ("missing", "grey", "help"),
}


def branch_card(card: BranchOverview, *, selected: bool, href: str) -> None:
    status = card.status
    text, colour, icon = _STATE[status.state]
    ring = "ring-2 ring-slate-400" if selected else "opacity-90 hover:opacity-100"
    with (
        ui.link(target=href).classes("flex-1 min-w-[18rem] no-underline text-inherit"),
        ui.card()
        .classes(f"w-full h-full border-t-4 {_ACCENT[status.branch]} {ring}")
        .props(f"data-testid=branch-{status.branch}"),
    ):
        with ui.row().classes("w-full items-center justify-between"):
            with ui.row().classes("items-center gap-2"):
                ui.label(status.branch.label).classes("text-xl font-semibold")
                if status.branch is Branch.PROD:
                    ui.badge("PROD", color="red-7").classes("font-bold")
            ui.chip(text, icon=icon, color=colour, text_color="white").props("dense").props(
                f"data-testid=state-{status.branch}"
            )
        if not status.configured:
            ui.label(f"Not configured. Set {status.branch.env_name} to manage this branch.").classes("text-slate-600")
            return
        with ui.grid(columns="auto 1fr").classes("gap-x-4 gap-y-1 text-sm"):
            ui.label("Database").classes("text-slate-500")
            ui.label(status.location or "").classes("font-mono").props(f"data-testid=location-{status.branch}")
            ui.label("Server").classes("text-slate-500")
            ui.label(f"PostgreSQL {status.server_version}" if status.server_version else "—")
            if status.reachable:
                ui.label("Schema").classes("text-slate-500")
                schema = (
                    f"{card.revision} · {card.migrations}"
                    if card.revision
                    else (card.migrations_problem or card.migrations)
                )
                ui.label(schema or "—").props(f"data-testid=schema-{status.branch}")
                ui.label("Checkpoint").classes("text-slate-500")
                last = card.last_checkpoint
                ui.label(
                    f"#{last.id} {last.label} · {units.when(last.created_at)} by {last.created_by}"
                    if last
                    else "none yet"
                ).props(f"data-testid=checkpoint-{status.branch}")
                ui.label("Verified backup").classes("text-slate-500")
                verified = card.backups.last_verified if card.backups else None
                ui.label(
                    f"#{verified.checkpoint_id} · {units.ago(verified.created_at)} (drilled {units.ago(verified.drilled_at)})"
                    if verified
                    else "none yet"
                ).props(f"data-testid=verified-{status.branch}")
        if card.backups and card.backups.overdue:
            ui.label(f"⚠ {card.backups.overdue}").classes("text-sm text-red-700").props(
                f"data-testid=overdue-{status.branch}"
            )
        if card.outside_migrations:
            ui.label(
                f"⚠ {card.outside_migrations} schema change{'s' if card.outside_migrations != 1 else ''} "
                f"outside migrations{' since the last one' if card.last_migration else ''}: see History"
            ).classes("text-sm text-amber-800").props(f"data-testid=outside-{status.branch}")
        if card.next_step:
            ui.label(card.next_step).classes("text-sm text-sky-800").props(f"data-testid=next-step-{status.branch}")
        if card.busy:
            ui.label(card.busy.describe()).classes("text-sm text-amber-700").props(f"data-testid=busy-{status.branch}")
        if status.error:
            ui.label(status.error).classes("text-sm text-red-700")
