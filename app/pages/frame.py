"""The frame every console page shares: header, tabs, content column."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

TABS = [("Database", "/admin"), ("Dev vs Prod", "/admin/compare"), ("History", "/admin/history")]


@contextmanager
def frame(title: str) -> Iterator[ui.column]:
    """``with frame('Database'):`` gives a page with the dbadmin header and the tab bar."""
    ui.page_title(f"{title} · dbadmin")
    ui.query("body").classes("bg-slate-50")
    with ui.header().classes("bg-slate-900 text-white items-center gap-6 px-6 py-2"):
        ui.icon("storage", size="sm")
        ui.label("dbadmin").classes("text-lg font-semibold tracking-wide")
        with ui.row().classes("gap-1"):
            for name, target in TABS:
                active = "bg-white/15" if name == title else ""
                ui.link(name, target).classes(f"text-white no-underline px-3 py-1 rounded {active}")
    with ui.column().classes("w-full max-w-6xl mx-auto p-6 gap-6") as content:
        yield content
