"""``/admin/history``: the audit log as a timeline, filtered by branch, action, actor and outcome;
refused and failed attempts included, each with its details."""

from __future__ import annotations

import json
from typing import Any

from nicegui import ui

from ..gate import Gate
from ..services import actions, capture
from ..services.branch import Branch
from ..services.errors import DBAdminError, InvalidInput
from ..services.operations import audit
from . import formatting
from .shell import Visit, console_page, io_bound
from .shell import shown as page_shown

PAGE = 50  # entries a page; "Older" pages on by the last id shown
_COMPACT = """
[data-testid=history] .q-timeline__title { font-size: 1rem; line-height: 1.4rem; margin-bottom: 0; }
[data-testid=history] .q-timeline__subtitle { margin-bottom: 2px; }
[data-testid=history] .q-timeline__content { padding-bottom: 12px; }
[data-testid=history] .q-expansion-item .q-item { min-height: 0; padding: 0 4px; }
"""
OUTCOME_COLOURS = {"ok": "positive", "refused": "warning", "failed": "negative", "interrupted": "grey"}


def register(gate: Gate) -> None:
    @console_page(gate, "/history", "History")
    async def history(
        visit: Visit,
        branch: str = "",
        action: str = "",
        actor: str = "",
        outcome: str = "",
        since: str = "",
        until: str = "",
        before: str = "",
    ) -> None:
        shown = {"branch": branch, "outcome": outcome, "action": action, "actor": actor, "since": since, "until": until}
        _filters(visit, shown)
        if await page_shown():  # the rest streams in: a branch that is down never holds the page back
            await _timeline(visit, shown, before)


def _filters(visit: Visit, shown: dict[str, str]) -> None:
    """The filter row; Filter reloads the page with the picked filters in its address."""
    with ui.row().classes("w-full items-end gap-3").props("data-testid=history-filters"):
        picked = {
            "branch": ui.select(
                {"": "all branches", "dev": "Development", "prod": "Production"}, value=shown["branch"], label="Branch"
            ).classes("w-36"),
            "outcome": ui.select(
                {"": "any outcome", **{o.value: o.value for o in audit.Outcome}},
                value=shown["outcome"],
                label="Outcome",
            ).classes("w-36"),
            "action": ui.select(
                {"": "any action", **{name: name for name in sorted(actions.REGISTRY)}}
                | ({shown["action"]: shown["action"]} if shown["action"] not in actions.REGISTRY else {}),
                value=shown["action"],
                label="Action",
                with_input=True,
            ).classes("w-52"),
            "actor": ui.input("Actor", value=shown["actor"]).classes("w-36"),
            "since": ui.input("From", value=shown["since"])
            .props("type=date stack-label data-testid=history-since")
            .classes("w-36"),
            "until": ui.input("To", value=shown["until"])
            .props("type=date stack-label data-testid=history-until")
            .classes("w-36"),
        }
        ui.button(
            "Filter",
            icon="filter_list",
            on_click=lambda: ui.navigate.to(
                visit.url("/history", **{key: (field.value or "").strip() for key, field in picked.items()})
            ),
        ).props("data-testid=history-filter")


async def _timeline(visit: Visit, shown: dict[str, str], before: str) -> None:
    """A page of entries, newest first, and the links to the newest and to older ones."""
    context = visit.context
    filters: dict[str, Any] = {key: shown[key] or None for key in ("branch", "action", "actor", "outcome")}
    try:
        filters["since"], filters["until"] = audit.day_range(shown["since"], shown["until"])
        filters["before_id"] = _before(before)
        entries = await io_bound(lambda: audit.log(context, limit=PAGE, **filters))
    except DBAdminError as exc:
        formatting.problem(str(exc), testid="history-error")
        return
    outside = ui.column().classes("w-full")  # filled last: it asks the branches, the timeline only the control store
    if not entries:
        ui.label("Nothing recorded matches these filters.").classes("text-slate-500").props("data-testid=history-empty")
    else:
        _entries(visit, shown, before, entries)
    if not before:
        with outside:
            await _outside_migrations(context, shown["branch"] or None)


def _entries(visit: Visit, shown: dict[str, str], before: str, entries: list[audit.Action]) -> None:
    ui.add_css(_COMPACT)
    with ui.timeline(side="right", layout="dense").classes("w-full").props("data-testid=history"):
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
    """One entry: what happened in words (the action's label), then when, who, where, how it ended, why;
    the details as labelled values, folded."""
    title = entry.label if entry.outcome == "ok" else f"{entry.label} — {entry.outcome}"
    subtitle = f"{formatting.when(entry.created_at)} · {entry.actor}"
    if entry.duration_ms is not None:
        subtitle += f" · {_duration(entry.duration_ms)}"
    with ui.timeline_entry(title=title, subtitle=subtitle, color=OUTCOME_COLOURS.get(entry.outcome, "grey")).props(
        f"data-testid=history-entry-{entry.id} data-outcome={entry.outcome}"
    ):
        if entry.reason:
            ui.label(f"Why: {entry.reason}").classes("text-sm")
        if entry.details.get("error"):
            ui.label(entry.details["error"]).classes("text-sm text-red-700")
        shown = {k: v for k, v in entry.details.items() if k != "error"}
        with ui.expansion(f"details · {entry.action}").classes("text-sm text-slate-600").props("dense"):
            with ui.grid(columns="auto 1fr").classes("gap-x-4 gap-y-0 text-sm"):
                for key, value in shown.items():
                    ui.label(key.replace("_", " ")).classes("text-slate-500")
                    ui.label(_value(value)).classes("break-all whitespace-pre-wrap")


def _duration(ms: int) -> str:
    return f"{ms} ms" if ms < 10_000 else f"{ms / 1000:.0f} s" if ms < 600_000 else f"{ms / 60_000:.0f} min"


def _value(value: Any) -> str:
    """A detail as a person reads it: lists joined, nested records as compact JSON, long text cut."""
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict | list):
        text = json.dumps(value, default=str)
    else:
        text = str(value)
    return text if len(text) <= 2000 else text[:2000] + " …"
