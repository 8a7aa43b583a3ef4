"""The SQL tab of the Database tab: one read-only statement at a time, as the branch's reader.

What may run, who may run it and what comes back is the services' business (``data``); the
panel composes an editor, the buttons and the results grid.
"""

from __future__ import annotations

from nicegui import ui

from ..services import data
from ..services.branch import Branch
from ..services.errors import DBAdminError
from . import actions, formatting
from .frame import Visit, io_bound

EXAMPLE = "SELECT * FROM pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT 20"


class SqlPanel:
    def __init__(self, visit: Visit, branch: Branch) -> None:
        self.visit, self.context, self.who, self.branch = visit, visit.context, visit.who, branch

    async def build(self) -> None:
        with ui.row().classes("w-full items-center"):
            ui.label("Read-only SQL").classes("text-lg font-semibold")
            ui.space()
            ui.label("runs as a role that cannot write, in a read-only transaction").classes("text-sm text-slate-500")
        access = self.context.settings.data_access_prod
        if self.branch is Branch.PROD and (access == "off" or (access == "admin" and not self.who.is_admin)):
            ui.label(
                "Read-only SQL on Production is off (DATA_ACCESS_PROD=off)."
                if access == "off"
                else "Only admins may run SQL on Production (DATA_ACCESS_PROD=admin)."
            ).classes("text-slate-600 py-2").props("data-testid=sql-not-allowed")
            return
        reader = await io_bound(data.describe, self.context, self.branch)
        if not reader.available:
            formatting.problem(reader.detail, testid="sql-off")
            return
        if self.branch is Branch.PROD:
            ui.label(
                "On Production every query is in the audit log, and sensitive columns cannot be selected."
            ).classes("text-sm text-slate-600").props("data-testid=sql-prod-note")
        self.editor = (
            ui.codemirror(EXAMPLE, language="PostgreSQL", line_wrapping=True)
            .classes("w-full h-40 border rounded")
            .props("data-testid=sql-editor")
        )
        with ui.row().classes("gap-2"):
            ui.button("Run", icon="play_arrow", on_click=lambda: self._run(None)).props("data-testid=sql-run")
            ui.button("Explain", icon="account_tree", on_click=lambda: self._run("plan")).props(
                "outline data-testid=sql-explain"
            )
            ui.button("Explain analyze", icon="speed", on_click=lambda: self._run("analyze")).props(
                "flat data-testid=sql-analyze"
            ).tooltip("Runs the statement to time it (rolled back); Production asks for a phrase")
        self.results = ui.column().classes("w-full gap-2")

    async def _run(self, explain: str | None) -> None:
        confirm = None
        phrase = data.analyze_phrase(self.branch) if explain == "analyze" else None
        if phrase:
            confirm = await actions.confirm(
                "EXPLAIN ANALYZE on Production",
                "EXPLAIN ANALYZE runs the statement (read-only, rolled back) to measure it.",
                phrase=phrase,
                production=True,
                action="Run it",
            )
            if confirm is None:
                return
        text = self.editor.value or ""
        self.results.clear()
        try:
            result = await io_bound(
                lambda: data.run(self.context, self.branch, text, actor=self.who, explain=explain, confirm=confirm)
            )
        except DBAdminError as exc:
            with self.results:
                formatting.problem(str(exc), testid="sql-error")
            return
        with self.results:
            summary = f"{result.row_count} row{'' if result.row_count == 1 else 's'} in {result.elapsed_ms} ms"
            ui.label(summary + (f" · {result.capped}" if result.capped else "")).classes(
                "text-sm " + ("text-amber-800" if result.capped else "text-slate-600")
            ).props("data-testid=sql-summary")
            columns = [
                {"name": f"c{i}", "label": f"{c.name} ({c.type})", "field": f"c{i}", "align": "left"}
                for i, c in enumerate(result.columns)
            ]
            rows = [
                {"id": n} | {f"c{i}": "null" if value is None else str(value) for i, value in enumerate(row)}
                for n, row in enumerate(result.rows)
            ]
            table = (
                ui.table(columns=columns, rows=rows, row_key="id")
                .props("flat dense wrap-cells data-testid=sql-results")
                .classes("w-full")
            )
            table.pagination = {"rowsPerPage": 50}
