"""The SQL tab of the Database tab: one read-only statement at a time, as the branch's reader.

What may run, who may run it and what comes back is the services' business (``data``); the
panel composes an editor, the buttons and the results grid.
"""

from __future__ import annotations

from nicegui import ui

from ...services import data
from ...services.branch import Branch
from ...services.errors import DBAdminError
from .. import dialogs, formatting
from ..shell import Visit, io_bound

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
        with ui.row().classes("w-full items-center gap-2"):
            ui.button("Run", icon="play_arrow", on_click=lambda: self._run(None)).props("data-testid=sql-run")
            ui.button("Explain", icon="account_tree", on_click=lambda: self._run("plan")).props(
                "outline data-testid=sql-explain"
            )
            ui.button("Explain analyze", icon="speed", on_click=lambda: self._run("analyze")).props(
                "flat data-testid=sql-analyze"
            ).tooltip("Runs the statement to time it (rolled back); Production asks for a phrase")
            ui.space()
            await self._saved_queries()
        self.results = ui.column().classes("w-full gap-2")

    @ui.refreshable_method
    async def _saved_queries(self) -> None:
        """Your saved queries: choosing one puts it in the editor; save the editor's text under a name."""
        try:
            kept = await io_bound(data.saved, self.context, self.who)
        except DBAdminError as exc:
            formatting.problem(str(exc))
            return
        self.kept = {q.id: q for q in kept}
        with ui.row().classes("items-center gap-1"):
            chosen = (
                ui.select(
                    {q.id: q.name for q in kept},
                    label="Saved queries" if kept else "No saved queries yet",
                    on_change=lambda e: self._load(e.value),
                )
                .props("dense clearable data-testid=sql-saved")
                .classes("w-56")
            )
            ui.button(icon="bookmark_add", on_click=self._save).props("flat dense round data-testid=sql-save").tooltip(
                "Save the editor's query under a name"
            )
            ui.button(icon="delete", on_click=lambda: self._forget(chosen.value)).props(
                "flat dense round data-testid=sql-forget"
            ).tooltip("Delete the chosen saved query").bind_enabled_from(chosen, "value", backward=bool)

    def _load(self, query_id: int | None) -> None:
        if query_id in self.kept:
            self.editor.value = self.kept[query_id].sql

    async def _save(self) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-[28rem]").props("data-testid=sql-save-dialog"):
            ui.label("Save this query").classes("text-lg font-semibold")
            name = ui.input("Name").props("outlined dense maxlength=100 data-testid=sql-save-name").classes("w-full")
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
                ui.button("Save", on_click=lambda: dialog.submit(name.value)).props("data-testid=sql-save-ok")
        given = await dialog
        if given is None:
            return
        try:
            await io_bound(data.save, self.context, self.who, given, self.editor.value or "")
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(f"Saved as {given.strip()}", type="positive")
        await self._saved_queries.refresh()

    async def _forget(self, query_id: int | None) -> None:
        if query_id is None:
            return
        try:
            await io_bound(data.forget, self.context, self.who, query_id)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative")
            return
        await self._saved_queries.refresh()

    async def _run(self, explain: str | None) -> None:
        confirm = None
        phrase = data.analyze_phrase(self.branch) if explain == "analyze" else None
        if phrase:
            confirm = await dialogs.confirm(
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
