"""``/rows?branch=&schema=&table=``: a table's rows, filtered, sorted and paged, with links along foreign keys.

The whole view lives in the URL (filters as ``where=column:op:value``, ``sort``, ``desc`` and the
page cursor ``after``), so a foreign key is a plain link, the browser's Back goes to the page
before, and a view can be shared.  What a page holds, what is masked and who may reveal a value
is the services' business (``data``); the CSV export is the API's streamed route, so the browser
downloads it without the page ever holding it.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from nicegui import ui

from ..gate import Gate
from ..services import data
from ..services.branch import Branch
from ..services.errors import DBAdminError
from . import dialogs, formatting
from .shell import Visit, console_page, io_bound, shown

OPERATORS = {
    "eq": "equals",
    "contains": "contains",
    "is_null": "is null",
    "not_null": "is not null",
    "gte": "at least",
    "lte": "at most",
}
PAGE_SIZE = 50
# A cell: a link along a foreign key, a null, or the value; values that are cut, JSON or masked
# open in full on a click (the page asks the service; a masked one only for admins, audited).
CELL = """
<q-td :props="props">
  <a v-if="props.row['href_' + props.col.name]" :href="props.row['href_' + props.col.name]"
     class="text-sky-700 underline" data-testid="row-link">{{ props.value }}</a>
  <span v-else-if="props.value === null" class="text-slate-400 italic">null</span>
  <span v-else>{{ props.value }}</span>
  <q-btn v-if="props.row['open_' + props.col.name]" flat dense round size="xs"
         :icon="props.row['open_' + props.col.name]" data-testid="cell-open"
         @click.stop="$parent.$emit('open', {key: props.row.key, column: props.col.label_name})" />
</q-td>
"""
REFERRERS = """
<q-td :props="props">
  <a v-for="ref in props.row.referrers" :key="ref.href" :href="ref.href"
     class="text-sky-700 underline mr-3 whitespace-nowrap" data-testid="row-referrers">{{ ref.label }}</a>
</q-td>
"""


def register(gate: Gate) -> None:
    @console_page(gate, "/rows", "Database")
    async def rows(
        visit: Visit, request: Request, branch: str = "dev", schema: str = "public", table: str = ""
    ) -> None:
        query = request.query_params
        view = View(
            visit,
            branch,
            schema[:200],
            table[:200],
            [w[:1100] for w in query.getlist("where")[: data.rows.MAX_FILTERS + 1]],
            (query.get("sort") or None),
            query.get("desc") == "true",
            query.get("after") or None,
        )
        if not await shown():
            return
        await view.build()


class View:
    """One page of one table's rows as the URL describes it; every change of view is a new URL."""

    def __init__(
        self,
        visit: Visit,
        branch: str,
        schema: str,
        table: str,
        where: list[str],
        sort: str | None,
        descending: bool,
        after: str | None,
    ) -> None:
        self.visit, self.context, self.who = visit, visit.context, visit.who
        self.branch_name, self.schema, self.table = branch, schema, table
        self.where, self.sort, self.descending, self.after = where, sort, descending, after

    def url(self, *, absolute: bool = False, **changes: Any) -> str:
        """This view's URL with ``changes`` (a new view starts at its first page); ``absolute`` for
        plain HTML links, which NiceGUI does not prefix with the mount path."""
        query = {
            "branch": self.branch_name,
            "schema": self.schema,
            "table": self.table,
            "where": self.where,
            "sort": self.sort,
            "desc": "true" if self.descending else None,
        } | changes
        kept = {k: v for k, v in query.items() if v not in (None, "", [])}
        path = "/rows?" + urlencode(kept, doseq=True)
        return self.visit.gate.prefix + path if absolute else path

    def elsewhere(self, link: data.Link, where: list[str]) -> str:
        """The first page of the table at the other end of ``link``, filtered to the rows it leads to."""
        query = {"branch": self.branch_name, "schema": link.other_schema, "table": link.other_table, "where": where}
        return self.visit.gate.prefix + "/rows?" + urlencode(query, doseq=True)

    async def build(self) -> None:
        with ui.row().classes("w-full items-center gap-3"):
            ui.link("← Tables", self.visit.url(branch=self.branch_name)).classes("text-sm")
            ui.label(f"{self.schema}.{self.table}").classes("text-xl font-semibold font-mono").props(
                "data-testid=rows-title"
            )
            ui.badge(self.branch_name.capitalize()[:10], color="rose-7" if self.branch_name == "prod" else "sky-7")
        try:
            branch = Branch.parse(self.branch_name)
            filters = [data.Filter.parse(w) for w in self.where]
            page = await io_bound(
                lambda: data.page(
                    self.context,
                    branch,
                    self.schema,
                    self.table,
                    actor=self.who,
                    filters=filters,
                    sort=self.sort,
                    descending=self.descending,
                    after=self.after,
                    limit=PAGE_SIZE,
                )
            )
        except DBAdminError as exc:
            formatting.problem(str(exc), testid="rows-error")
            if self.where or self.sort or self.after:
                ui.link("Show the table's first page, unfiltered", self.url(where=None, sort=None, desc=None))
            return
        self.branch, self.page = branch, page
        if branch is Branch.PROD:
            with ui.row().classes("w-full items-center gap-2 rounded bg-rose-600 text-white px-4 py-2"):
                ui.icon("warning")
                ui.label("Production: every page read here is in the audit log.").classes("font-semibold")
        self._controls(filters)
        self._grid()

    def _controls(self, filters: list[data.Filter]) -> None:
        page = self.page
        open_columns = [c.name for c in page.columns if c.name not in page.masked]
        with ui.row().classes("w-full items-center gap-2").props("data-testid=rows-filters"):
            for n, wanted in enumerate(filters):
                kept = self.where[:n] + self.where[n + 1 :]
                label = f"{wanted.column} {OPERATORS.get(wanted.op, wanted.op)}"
                label += "" if wanted.op in ("is_null", "not_null") else f" {wanted.value}"
                ui.chip(label, removable=True, icon="filter_alt").props("dense data-testid=rows-filter-chip").on(
                    "remove", lambda _=None, kept=kept: ui.navigate.to(self.url(where=kept))
                )
        with ui.row().classes("w-full items-end gap-2"):
            column = ui.select(open_columns, label="Column").props("dense data-testid=filter-column").classes("w-44")
            op = ui.select(OPERATORS, value="eq", label="Operator").props("dense data-testid=filter-op").classes("w-32")
            value = ui.input("Value").props("dense maxlength=1000 data-testid=filter-value").classes("w-56")
            value.bind_visibility_from(op, "value", backward=lambda o: o not in ("is_null", "not_null"))

            def add() -> None:
                if not column.value:
                    ui.notify("Choose a column to filter on", type="warning")
                    return
                given = "" if op.value in ("is_null", "not_null") else (value.value or "")
                ui.navigate.to(self.url(where=[*self.where, f"{column.value}:{op.value}:{given}"]))

            ui.button("Filter", icon="filter_alt", on_click=add).props("outline dense data-testid=filter-add")
            value.on("keydown.enter", add)
            ui.space()
            ui.select(
                {"": "key order", **{c: c for c in open_columns}},
                value=self.sort or "",
                label="Sort by",
                on_change=lambda e: ui.navigate.to(self.url(sort=e.value or None)),
            ).props("dense data-testid=rows-sort").classes("w-44")
            ui.switch(
                "Descending",
                value=self.descending,
                on_change=lambda e: ui.navigate.to(self.url(desc="true" if e.value else None)),
            ).props("dense data-testid=rows-desc")
            export = self._export_url()
            ui.html(
                f'<a href="{html.escape(export)}" download data-testid="rows-export" '
                'class="q-btn q-btn--outline q-btn--dense px-3 py-1 rounded border text-sky-800">⤓ Export CSV</a>',
                sanitize=False,
            ).tooltip(f"Every matching row, up to {self.context.settings.export_row_limit:,} (EXPORT_ROW_LIMIT)")

    def _export_url(self) -> str:
        query = {"where": self.where, "sort": self.sort, "desc": "true" if self.descending else None, "format": "csv"}
        kept = {k: v for k, v in query.items() if v not in (None, "", [])}
        where = f"{quote(self.schema, safe='')}/{quote(self.table, safe='')}"
        base = f"/api{self.visit.gate.prefix}/db/{self.branch.value}/tables/{where}/rows"
        return base + "?" + urlencode(kept, doseq=True)

    def _grid(self) -> None:
        page = self.page
        links = {c: link for link in page.references for c in link.columns[:1] if len(link.columns) == 1}
        columns = [
            {
                "name": f"c{i}",
                "label": f"{c.name} ({c.type})" + (" · masked" if c.name in page.masked else ""),
                "label_name": c.name,
                "field": f"c{i}",
                "align": "left",
            }
            for i, c in enumerate(page.columns)
        ]
        if page.referenced_by:
            columns.append({"name": "referrers", "label": "Referenced by", "field": "referrers", "align": "left"})
        rows = []
        for n, (values, key, linked) in enumerate(zip(page.rows, page.row_keys, page.linked, strict=True)):
            row: dict[str, Any] = {"id": n, "key": key}
            for i, (c, shown_value) in enumerate(zip(page.columns, values, strict=True)):
                row[f"c{i}"] = shown_value
                link = links.get(c.name)
                if link is not None and linked.get(c.name) is not None:
                    target = link.other_columns[0]
                    row[f"href_c{i}"] = self.elsewhere(link, [f"{target}:eq:{linked[c.name]}"])
                row[f"open_c{i}"] = self._opener(c, shown_value)
            row["referrers"] = [
                {
                    "label": f"{link.other} ({', '.join(link.other_columns)})",
                    "href": self.elsewhere(
                        link,
                        [f"{o}:eq:{linked[c]}" for c, o in zip(link.columns, link.other_columns, strict=True)],
                    ),
                }
                for link in page.referenced_by
                if all(linked.get(c) is not None for c in link.columns)
            ]
            rows.append(row)
        if not rows:
            ui.label("No rows match." if self.where else "This table has no rows.").classes(
                "text-slate-500 py-6"
            ).props("data-testid=rows-empty")
        else:
            table = (
                ui.table(columns=columns, rows=rows, row_key="id")
                .props("flat dense wrap-cells hide-pagination data-testid=rows-grid")
                .classes("w-full")
            )
            table.pagination = {"rowsPerPage": 0}
            table.add_slot("body-cell", CELL)
            table.add_slot("body-cell-referrers", REFERRERS)
            table.on("open", lambda e: self._open(e.args["key"], e.args["column"]))
        with ui.row().classes("w-full items-center justify-end gap-2 text-sm text-slate-600"):
            ui.label(
                f"{len(rows)} row{'' if len(rows) == 1 else 's'} on this page · by "
                f"{self.sort or ', '.join(page.key)}{' descending' if self.descending else ''}"
            ).props("data-testid=rows-range")
            if self.after:
                ui.button("First page", icon="first_page", on_click=lambda: ui.navigate.to(self.url())).props(
                    "flat dense data-testid=rows-first"
                )
            ui.button(
                "Next page", icon="chevron_right", on_click=lambda: ui.navigate.to(self.url(after=page.after))
            ).props("flat dense data-testid=rows-next").set_enabled(page.after is not None)

    def _opener(self, column: data.Column, shown_value: Any) -> str | None:
        """The icon of a cell that opens in full, or None: masked (admins only), JSON, or cut."""
        if column.name in self.page.masked:
            return "visibility" if self.who.is_admin and shown_value is not None else None
        if shown_value is None:
            return None
        if column.type in ("json", "jsonb") or str(shown_value).endswith(")") and " … (" in str(shown_value):
            return "open_in_full"
        return None

    async def _open(self, key: str, column: str) -> None:
        masked = column in self.page.masked
        if masked:
            answer = await dialogs.confirm(
                f"Reveal {column}?",
                f"The value of {column} in this row of {self.page.table} on {self.branch.label} is masked. "
                "Revealing it is recorded in the audit log under your name.",
                action="Reveal",
            )
            if answer is None:
                return
        try:
            found = await io_bound(
                data.value, self.context, self.branch, self.schema, self.table, column, key, actor=self.who
            )
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative", multi_line=True)
            return
        with ui.dialog() as dialog, ui.card().classes("w-[48rem] max-w-full").props("data-testid=value-dialog"):
            ui.label(f"{column} ({found.type})").classes("text-lg font-semibold font-mono")
            ui.label(
                ("revealed: this was recorded in the audit log · " if found.revealed else "")
                + (formatting.size(found.size) if found.size is not None else "null")
            ).classes("text-sm text-slate-500")
            if found.text is None:
                ui.label("null").classes("italic text-slate-400")
            else:
                ui.label(found.text).classes(  # text, never markdown or HTML: it is data
                    "w-full max-h-[60vh] overflow-auto whitespace-pre-wrap break-all font-mono text-sm "
                    "bg-slate-100 rounded p-3"
                ).props("data-testid=value-text")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()
