"""The Tables tab: a branch's tables, searched, sorted and paged from its listing, a chart of the
largest, and a details panel per table."""

from __future__ import annotations

from urllib.parse import urlencode

from nicegui import ui

from ...services.branch import Branch
from ...services.context import Context
from ...services.errors import DBAdminError
from ...services.schema import introspection
from .. import formatting
from ..shell import io_bound

PAGE_SIZE = 25
SORTS = {"name": "Name", "size": "Size", "rows": "Rows", "schema": "Schema", "kind": "Kind"}
COLUMNS = formatting.columns(
    ("schema", "Schema"),
    ("name", "Table"),
    ("kind", "Kind"),
    ("size", "Size (est.)", "right"),
    ("rows", "Rows (est.)", "right"),
    ("pk", "Primary key", "center"),
)


class TablesView:
    """The tables grid: every search, sort and page change asks the services for one page.

    The visit's first page reads the catalog; the clicks after it reuse that listing for
    LISTING_CACHE_SECONDS, and the refresh button reads it again.
    """

    def __init__(self, context: Context, branch: Branch) -> None:
        self.context, self.branch = context, branch
        self.search, self.sort, self.descending, self.offset = "", "name", False, 0
        self.fresh = True

    async def build(self) -> None:
        with ui.row().classes("w-full gap-6 items-start"):
            with ui.card().classes("flex-[3] min-w-[32rem]"):
                with ui.row().classes("w-full items-center gap-3"):
                    ui.label("Tables").classes("text-lg font-semibold")
                    ui.input(placeholder="Search schema.table", on_change=self._searched).props(
                        "dense clearable debounce=300 data-testid=table-search"
                    ).classes("w-64")
                    ui.select(SORTS, value="name", label="Sort by", on_change=self._sorted).props("dense").classes(
                        "w-32"
                    )
                    ui.switch("Descending", on_change=self._direction).props("dense")
                await self._grid()
            with ui.card().classes("flex-[2] min-w-[20rem]"):
                ui.label("Largest tables").classes("text-lg font-semibold")
                await self._chart()
        self.details = DetailsPanel(self.context, self.branch)

    @ui.refreshable_method
    async def _grid(self) -> None:
        fresh, self.fresh = self.fresh, False
        try:
            page = await io_bound(
                lambda: introspection.list_tables(
                    self.context,
                    self.branch,
                    search=self.search or None,
                    sort=self.sort,
                    descending=self.descending,
                    limit=PAGE_SIZE,
                    offset=self.offset,
                    fresh=fresh,
                )
            )
        except DBAdminError as exc:
            formatting.problem(str(exc), testid="tables-error")
            return
        if page.total == 0:
            ui.label(
                "No tables match." if self.search else "This database has no tables yet: run the migrations."
            ).classes("text-slate-500 py-6").props("data-testid=tables-empty")
            return
        rows = [
            {
                "id": f"{t.schema}.{t.name}",
                "schema": t.schema,
                "name": t.name,
                "kind": t.kind,
                "size": formatting.size(t.estimated_bytes),
                "rows": formatting.count(t.estimated_rows),
                "pk": "yes" if t.has_primary_key else ("—" if t.kind not in ("table", "partitioned table") else "no"),
            }
            for t in page.tables
        ]
        table = (
            ui.table(columns=COLUMNS, rows=rows, row_key="id")
            .props("flat dense hide-pagination data-testid=tables-grid")
            .classes("w-full cursor-pointer")
        )
        table.pagination = {"rowsPerPage": 0}
        table.on("rowClick", lambda e: self.details.show(e.args[1]["schema"], e.args[1]["name"]))
        last = min(page.offset + PAGE_SIZE, page.total)
        with ui.row().classes("w-full items-center justify-end gap-2 text-sm text-slate-600"):
            ui.label(f"as of {page.read_at:%H:%M:%S} UTC").classes("text-slate-400").props("data-testid=tables-read-at")
            ui.button(icon="refresh", on_click=self._reread).props(
                "flat dense round data-testid=tables-refresh"
            ).tooltip(
                "Read the tables again (changes made outside dbadmin show within "
                f"{self.context.settings.listing_cache_seconds:g} s anyway)"
            )
            ui.label(f"{page.offset + 1}–{last} of {page.total}").props("data-testid=tables-range")
            ui.button(icon="chevron_left", on_click=lambda: self._page(-PAGE_SIZE)).props(
                "flat dense round data-testid=tables-prev"
            ).set_enabled(page.offset > 0)
            ui.button(icon="chevron_right", on_click=lambda: self._page(PAGE_SIZE)).props(
                "flat dense round data-testid=tables-next"
            ).set_enabled(last < page.total)

    async def _chart(self) -> None:
        try:
            page = await io_bound(
                lambda: introspection.list_tables(self.context, self.branch, sort="size", descending=True, limit=10)
            )
        except DBAdminError as exc:
            formatting.problem(str(exc))
            return
        sized = [t for t in page.tables if t.estimated_bytes]
        if not sized:
            ui.label("No sizes yet: tables get one once analyzed.").classes("text-slate-500 py-6")
            return
        sized.reverse()
        ui.echart(
            {
                "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
                "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}"}},
                "yAxis": {"type": "category", "data": [t.name for t in sized]},
                "tooltip": {"trigger": "axis"},
                "series": [
                    {
                        "type": "bar",
                        "data": [round((t.estimated_bytes or 0) / 1024) for t in sized],
                        "name": "KiB",
                        "itemStyle": {"color": "#0ea5e9"},
                    }
                ],
            }
        ).classes("w-full h-64").props("data-testid=size-chart")

    async def _searched(self, event) -> None:
        self.search, self.offset = (event.value or "").strip(), 0
        await self._grid.refresh()

    async def _sorted(self, event) -> None:
        self.sort, self.offset = event.value, 0
        await self._grid.refresh()

    async def _direction(self, event) -> None:
        self.descending, self.offset = bool(event.value), 0
        await self._grid.refresh()

    async def _reread(self) -> None:
        self.fresh = True
        await self._grid.refresh()

    async def _page(self, step: int) -> None:
        self.offset = max(0, self.offset + step)
        await self._grid.refresh()


class DetailsPanel:
    """A side panel with one table's columns, indexes, constraints, foreign keys and neighbours."""

    def __init__(self, context: Context, branch: Branch) -> None:
        self.context, self.branch = context, branch
        with (
            ui.dialog().props("position=right full-height") as self.dialog,
            ui.card().classes("w-[44rem] max-w-full h-full overflow-auto").props("data-testid=details"),
        ):
            self.body = ui.column().classes("w-full gap-3")

    async def show(self, schema: str, table: str) -> None:
        self.body.clear()
        with self.body:
            with ui.row().classes("w-full items-center"):
                ui.label(f"{schema}.{table}").classes("text-xl font-semibold font-mono").props(
                    "data-testid=details-title"
                )
                ui.space()
                ui.button(
                    "Browse rows",
                    icon="table_rows",
                    on_click=lambda: ui.navigate.to(
                        "/rows?" + urlencode({"branch": self.branch.value, "schema": schema, "table": table})
                    ),
                ).props("outline dense data-testid=details-rows")
            try:
                details = await io_bound(introspection.table_details, self.context, self.branch, schema, table)
            except DBAdminError as exc:
                formatting.problem(str(exc))
            else:
                if details is None:
                    formatting.problem(f"{schema}.{table} no longer exists on {self.branch.label}")
                else:
                    _details_body(details)
        self.dialog.open()


def _details_body(details: introspection.TableDetails) -> None:
    t = details.table
    sizes = details.sizes
    ui.label(
        " · ".join(
            part
            for part in (
                t.kind,
                f"{formatting.size(sizes.total_bytes)} total" if sizes.total_bytes is not None else "",
                f"{formatting.count(t.estimated_rows)} rows (est.)" if t.kind != "view" else "",
                t.comment or "",
            )
            if part
        )
    ).classes("text-slate-600")
    formatting.section(
        "Columns",
        [
            {
                "name": c.name,
                "type": c.type,
                "null": "yes" if c.nullable else "no",
                "default": c.generated
                and f"generated: {c.generated}"
                or c.default
                or (c.identity and f"identity ({c.identity})")
                or "",
                "comment": c.comment or "",
            }
            for c in details.columns
        ],
        testid="details-columns",
    )
    formatting.section(
        "Indexes",
        [
            {
                "name": i.name,
                "kind": "primary" if i.is_primary else ("unique" if i.is_unique else ""),
                "definition": i.definition,
                "size": formatting.size(i.size_bytes),
                "scans": formatting.count(i.scans),
                "valid": "yes" if i.is_valid else "NO",
            }
            for i in details.indexes
        ],
        testid="details-indexes",
    )
    formatting.section(
        "Constraints",
        [{"name": c.name, "kind": c.kind, "definition": c.definition} for c in details.constraints],
        testid="details-constraints",
    )
    formatting.section(
        "Referenced by",
        [
            {
                "from": f"{r.schema}.{r.table} ({', '.join(r.columns or ())})",
                "to": ", ".join(r.ref_columns or ()),
                "name": r.name,
            }
            for r in details.referenced_by
        ],
        testid="details-referenced-by",
    )
    if details.triggers:
        formatting.section("Triggers", [{"name": tr.name, "definition": tr.definition} for tr in details.triggers])
    if details.partitions or details.parent or details.partition_key:
        rows = [{"partition": f"{p.schema}.{p.name}", "bound": p.bound} for p in details.partitions]
        if details.parent:
            rows.insert(0, {"partition": f"parent: {details.parent.schema}.{details.parent.name}", "bound": ""})
        formatting.section(f"Partitions{' by ' + details.partition_key if details.partition_key else ''}", rows)
    if details.view_definition:
        ui.label("Definition").classes("font-semibold mt-2")
        ui.code(details.view_definition, language="sql").classes("w-full")
    diagram = formatting.relationship_diagram(details)
    if diagram:
        ui.label("Relationships").classes("font-semibold mt-2")
        ui.mermaid(diagram).classes("w-full").props("data-testid=details-diagram")
