"""``/admin/history``: the audit log as a timeline, filtered by branch, action, actor and outcome;
refused and failed attempts included, each with its details."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from nicegui import ui

from ..gate import Gate
from ..services import capture
from ..services.branch import Branch
from ..services.errors import DBAdminError, InvalidInput
from ..services.frame import audit
from . import formatting
from .frame import Visit, admit, frame, io_bound, quiet_when_stopping

PAGE = 50  # entries a page; "Older" pages on by the last id shown
OUTCOME_COLOURS = {"ok": "positive", "refused": "warning", "failed": "negative", "interrupted": "grey"}


def register(gate: Gate) -> None:
    @ui.page("/history")
    @quiet_when_stopping
    async def history(
        request: Request,
        branch: str = "",
        action: str = "",
        actor: str = "",
        outcome: str = "",
        since: str = "",
        until: str = "",
        before: str = "",
    ):
        visit = await admit(gate, request)
        if not isinstance(visit, Visit):
            return visit
        context = visit.context
        with frame("History", visit):
            filters: dict[str, Any] = {
                "branch": branch or None,
                "action": action or None,
                "actor": actor or None,
                "outcome": outcome or None,
            }
            with ui.row().classes("w-full items-end gap-3").props("data-testid=history-filters"):
                picked_branch = ui.select(
                    {"": "all branches", "dev": "Development", "prod": "Production"}, value=branch, label="Branch"
                ).classes("w-36")
                picked_outcome = ui.select(
                    {"": "any outcome", **{o.value: o.value for o in audit.Outcome}}, value=outcome, label="Outcome"
                ).classes("w-36")
                picked_action = ui.input("Action", value=action, placeholder="e.g. migrate.promote").classes("w-44")
                picked_actor = ui.input("Actor", value=actor).classes("w-36")
                picked_since = (
                    ui.input("From", value=since)
                    .props("type=date stack-label data-testid=history-since")
                    .classes("w-36")
                )
                picked_until = (
                    ui.input("To", value=until).props("type=date stack-label data-testid=history-until").classes("w-36")
                )
                ui.button(
                    "Filter",
                    icon="filter_list",
                    on_click=lambda: ui.navigate.to(
                        visit.url(
                            "/history",
                            branch=picked_branch.value,
                            outcome=picked_outcome.value,
                            action=(picked_action.value or "").strip(),
                            actor=(picked_actor.value or "").strip(),
                            since=picked_since.value,
                            until=picked_until.value,
                        )
                    ),
                ).props("data-testid=history-filter")
            shown = {
                "branch": branch,
                "outcome": outcome,
                "action": action,
                "actor": actor,
                "since": since,
                "until": until,
            }
            try:
                filters["since"], filters["until"] = audit.day_range(since, until)
                filters["before_id"] = _before(before)
                entries = await io_bound(
                    lambda: audit.list_actions(context.registry.control_pool(), limit=PAGE, **filters)
                )
            except DBAdminError as exc:
                formatting.problem(str(exc), testid="history-error")
                return None
            if not before:
                await _outside_migrations(context, branch or None)
            if not entries:
                ui.label("Nothing recorded matches these filters.").classes("text-slate-500").props(
                    "data-testid=history-empty"
                )
                return None
            with ui.timeline(side="right").classes("w-full").props("data-testid=history"):
                for entry in entries:
                    _entry(entry)
            with ui.row().classes("w-full justify-between"):
                ui.link("Newest", visit.url("/history", **shown)).props("data-testid=history-newest").set_visibility(
                    bool(before)
                )
                if len(entries) == PAGE:
                    ui.link("Older entries", visit.url("/history", **shown, before=entries[-1].id)).props(
                        "data-testid=history-older"
                    )
        return None


async def _outside_migrations(context, branch: str | None) -> None:
    """Schema changes no dbadmin run made, as the branches' DDL capture recorded them (shown when there are any)."""
    try:
        found = await io_bound(lambda: capture.recent(context, branch, limit=PAGE))
    except DBAdminError as exc:
        formatting.problem(str(exc), testid="outside-error")
        return
    if found:
        formatting.section(
            f"Changed outside migrations ({len(found)}{'+' if len(found) == PAGE else ''})",
            [{"branch": Branch.parse(e.branch).label} | formatting.schema_change(e) for e in found],
            testid="outside-migrations",
        )


def _before(text: str) -> int | None:
    """The ``before`` page parameter: the id the page starts below, or None for the newest."""
    if not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 18:
        raise InvalidInput(f"before must be an entry number, not {text.strip()[:20]!r}")
    return int(text.strip())


def _entry(entry: audit.Action) -> None:
    where = {"dev": "Development", "prod": "Production"}.get(entry.branch or "", "dbadmin")
    subtitle = f"{formatting.when(entry.created_at)} · {entry.actor} · {where}"
    if entry.duration_ms is not None:
        subtitle += f" · {entry.duration_ms} ms"
    with ui.timeline_entry(
        title=f"{entry.action} — {entry.outcome}", subtitle=subtitle, color=OUTCOME_COLOURS.get(entry.outcome, "grey")
    ).props(f"data-testid=history-entry-{entry.id}"):
        if entry.reason:
            ui.label(f"why: {entry.reason}").classes("text-sm")
        if entry.details.get("error"):
            ui.label(entry.details["error"]).classes("text-sm text-red-700")
        shown = {k: v for k, v in entry.details.items() if k != "error"}
        if shown:
            with ui.expansion("details").classes("text-sm"):
                ui.code(json.dumps(shown, indent=2, default=str), language="json").classes("w-full")
