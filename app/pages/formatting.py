"""Small display helpers and components shared by the console's pages (no service calls here)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ..services.text import shortened
from ..units import ago, count, size, when  # noqa: F401  (the pages' formatting vocabulary)


def stat(title: str, value: str, note: str, *, testid: str) -> None:
    """A summary card: a label, a big value, a line of context."""
    with ui.card().classes("flex-1 min-w-[11rem] gap-1").props(f"data-testid={testid}"):
        ui.label(title).classes("text-xs uppercase tracking-wide text-slate-500")
        ui.label(value).classes("text-xl font-semibold text-slate-800 break-words")
        ui.label(note).classes("text-xs text-slate-500")


def problem(message: str, *, testid: str = "problem") -> None:
    """A readable error in the page, never a traceback."""
    with (
        ui.row()
        .classes("w-full items-start gap-2 rounded border border-red-200 bg-red-50 p-3 text-red-800")
        .props(f"data-testid={testid}")
    ):
        ui.icon("error_outline")
        ui.label(message).classes("flex-1")


def columns(*specs: tuple[str, str] | tuple[str, str, str]) -> list[dict[str, str]]:
    """Quasar table columns from ``(field, label[, align])``; left-aligned unless said otherwise."""
    return [
        {"name": spec[0], "label": spec[1], "field": spec[0], "align": spec[2] if len(spec) > 2 else "left"}
        for spec in specs
    ]


def section(title: str, rows: list[dict[str, Any]], *, testid: str | None = None) -> None:
    """A titled, compact table of ``rows`` (columns from the first row's keys); an explanation when empty."""
    ui.label(title).classes("font-semibold mt-2")
    if not rows:
        ui.label("none").classes("text-sm text-slate-500")
        return
    table = (
        ui.table(
            columns=columns(*((key, key.capitalize()) for key in rows[0])),
            rows=[{"_key": i, **row} for i, row in enumerate(rows)],
            row_key="_key",
        )
        .props("flat dense hide-pagination wrap-cells" + (f" data-testid={testid}" if testid else ""))
        .classes("w-full")
    )
    table.pagination = {"rowsPerPage": 0}


def schema_change(event: Any) -> dict[str, str]:
    """One row of a table of schema changes (``capture.DdlEvent``), as History and the Schema changes tab show it."""
    return {
        "when": when(event.at),
        "who": event.role or "unknown (polled)",
        "from": " · ".join(part for part in (event.application_name, event.client_addr) if part),
        "command": event.command_tag + (" (guard bypassed)" if event.bypass else ""),
        "object": event.object_identity or "",
        "statement": shortened(event.statement or "", 160),
    }


def relationship_diagram(details: Any) -> str | None:
    """A Mermaid graph of a table and the tables its foreign keys link it with (both directions)."""
    here = f"{details.table.schema}.{details.table.name}"
    links = [
        (here, f"{c.ref_schema}.{c.ref_table}", ", ".join(c.columns or []))
        for c in details.constraints
        if c.kind == "foreign key"
    ]
    links += [(f"{r.schema}.{r.table}", here, ", ".join(r.columns or [])) for r in details.referenced_by]
    if not links:
        return None
    ids: dict[str, str] = {}

    def node(name: str) -> str:
        if name not in ids:
            ids[name] = f"n{len(ids)}"
        return ids[name]

    lines = ["graph LR"]
    for source, target, columns in links:
        lines.append(f'    {node(source)} -->|"{_label(columns)}"| {node(target)}')
    for name, key in ids.items():
        lines.append(f'    {key}["{_label(name)}"]')
    lines.append(f"    style {ids[here]} fill:#e0f2fe,stroke:#0284c7")
    return "\n".join(lines)


def _label(text: str) -> str:
    """Mermaid label text: quotes and brackets as entities, so any table name is safe."""
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("[", "#91;")
        .replace("]", "#93;")
        .replace("|", "#124;")
    )
