"""``/admin?branch=dev|prod``: the Database tab.

Both branches at a glance (cards that also select the branch, so the choice lives in the
URL), then the selected branch's summary, its tables (searched, sorted and paged from the
branch's listing, read afresh on each visit) with a chart of the largest ones, and a
details panel per table.  The other tabs are built the first time they are shown.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui

from ..gate import Gate
from ..services.branch import Branch
from ..services.context import Context
from ..services.errors import DBAdminError
from ..services.schema import introspection
from ..services.reports import overview
from . import formatting
from .branches import branch_card
from .capture_panel import CapturePanel
from .checkpoints_panel import CheckpointsPanel
from .shell import Visit, admit, frame, io_bound, quiet_when_stopping, shown
from .migrations_panel import MigrationsPanel
from .sql_panel import SqlPanel

PAGE_SIZE = 25
TABS = ("tables", "migrations", "checkpoints", "schema-changes", "sql")
SORTS = {"name": "Name", "size": "Size", "rows": "Rows", "schema": "Schema", "kind": "Kind"}
COLUMNS = formatting.columns(
    ("schema", "Schema"),
    ("name", "Table"),
    ("kind", "Kind"),
    ("size", "Size (est.)", "right"),
    ("rows", "Rows (est.)", "right"),
    ("pk", "Primary key", "center"),
)


def register(gate: Gate) -> None:
    @ui.page("/")
    @quiet_when_stopping
    async def admin(request: Request, branch: str = "dev", tab: str = "tables"):
        visit = await admit(gate, request)
        if not isinstance(visit, Visit):
            return visit
        context = visit.context
        try:
            selected = Branch.parse(branch)
        except DBAdminError as exc:
            with frame("Database", visit):
                formatting.problem(str(exc), testid="page-error")
                ui.link("Back to Development", visit.url(branch="dev"))
            return None
        with frame("Database", visit):
            if not await shown():
                return None
            cards = await io_bound(overview.overviews, context)
            with ui.row().classes("w-full gap-6 items-stretch"):
                for card in cards:
                    branch_card(
                        card, selected=card.status.branch is selected, href=visit.url(branch=card.status.branch.value)
                    )
            current = next(card for card in cards if card.status.branch is selected)
            if selected is Branch.PROD:
                with (
                    ui.row()
                    .classes("w-full items-center gap-2 rounded bg-rose-600 text-white px-4 py-2")
                    .props("data-testid=prod-banner")
                ):
                    ui.icon("warning")
                    ui.label("Production: changes here affect real users.").classes("font-semibold")
            if not current.status.reachable:
                formatting.problem(
                    current.status.error or f"{selected.label} is not configured: set {selected.env_name}",
                    testid="branch-problem",
                )
                return None
            _summary(current)
            with ui.tabs().classes("w-full") as tabs:
                ui.tab("tables", "Tables").props("data-testid=tab-tables")
                ui.tab("migrations", "Migrations").props("data-testid=tab-migrations")
                ui.tab("checkpoints", "Checkpoints").props("data-testid=tab-checkpoints")
                ui.tab("schema-changes", "Schema changes").props("data-testid=tab-schema-changes")
                ui.tab("sql", "SQL").props("data-testid=tab-sql")

            def reload() -> None:  # after a change, everything on the page is read again
                ui.navigate.to(visit.url(branch=selected.value, tab=tabs.value))

            builders = {
                "tables": lambda: TablesView(context, selected).build(),
                "migrations": lambda: MigrationsPanel(visit, selected, reload).build(),
                "checkpoints": lambda: CheckpointsPanel(visit, selected, reload).build(),
                "schema-changes": lambda: CapturePanel(visit, selected, reload).build(),
                "sql": lambda: SqlPanel(visit, selected).build(),
            }
            built: set[str] = set()

            async def opened(name: str) -> None:
                """A tab is built when first shown: a visit reads only what it looks at."""
                if name in builders and name not in built:
                    built.add(name)
                    with panels[name]:
                        await builders[name]()

            first = tab if tab in TABS else "tables"
            with ui.tab_panels(tabs, value=first, on_change=lambda e: opened(e.value)).classes("w-full bg-transparent"):
                panels = {name: ui.tab_panel(name).classes("p-0" if name == "tables" else "") for name in TABS}
            await opened(first)
            _footer(visit)
        return None


def _summary(card: overview.BranchOverview) -> None:
    summary = card.summary
    with ui.row().classes("w-full gap-4").props(f"data-testid=summary-{card.status.branch}"):
        tables = sum(summary.tables_by_kind.values()) if summary else 0
        kinds = (
            ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in summary.tables_by_kind.items() if n)
            if summary
            else ""
        )
        formatting.stat("Tables", str(tables), kinds or "none yet", testid="stat-tables")
        formatting.stat(
            "Size",
            formatting.size(summary.size_bytes) if summary else "—",
            f"PostgreSQL {summary.server_version}" if summary else "",
            testid="stat-size",
        )
        last = card.last_migration
        formatting.stat(
            "Last migration",
            last.revision.id if last else "none",
            (
                f"{last.revision.message} · {formatting.when(last.applied_at)} by {last.applied_by}"
                if last and last.by_dbadmin
                else (f"{last.revision.message} · applied outside dbadmin" if last else "no revision applied")
            ),
            testid="stat-migration",
        )
        formatting.stat(
            "Migrations",
            card.migrations or "—",
            f"at {card.revision}" if card.revision else ("see the Migrations tab" if card.migrations_problem else ""),
            testid="stat-migrations",
        )
        checkpoint = card.last_checkpoint
        formatting.stat(
            "Last checkpoint",
            f"#{checkpoint.id}" if checkpoint else "none",
            f"{checkpoint.label} · {formatting.when(checkpoint.created_at)}"
            if checkpoint
            else "take one before risky work",
            testid="stat-checkpoint",
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


def _footer(visit: Visit) -> None:
    context = visit.context
    parts = [f"Control store: {context.registry.location('control')}"]
    if context.embedded is not None:  # the server's folders are for admins only
        where = f" (data in {context.embedded.data_dir})" if visit.who.is_admin else ""
        parts.append(f"embedded PostgreSQL {context.embedded.version}{where}")
    ui.label(" · ".join(parts)).classes("text-xs text-slate-500")
