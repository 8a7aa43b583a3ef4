"""``/admin?branch=dev|prod``: the Database page.

Both branches at a glance (cards that also select the branch, so the choice lives in the
URL), then the selected branch's summary and its tabs (``TABS``, one module each under
``tabs/``), each built the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from ..gate import Gate
from ..services.branch import Branch
from ..services.reports import overview
from . import formatting
from .branches import branch_card
from .shell import Visit, console_page, io_bound, shown
from .tabs.capture import CapturePanel
from .tabs.checkpoints import CheckpointsPanel
from .tabs.migrations import MigrationsPanel
from .tabs.sql import SqlPanel
from .tabs.tables import TablesView

Reload = Callable[[], None]


@dataclass(frozen=True)
class Tab:
    """One tab of the Database page: its name in the URL (``?tab=``), its label, and how it is built."""

    name: str
    label: str
    build: Callable[[Visit, Branch, Reload], Awaitable[None]]
    padded: bool = True


TABS = (
    Tab("tables", "Tables", lambda visit, branch, reload: TablesView(visit.context, branch).build(), padded=False),
    Tab("migrations", "Migrations", lambda visit, branch, reload: MigrationsPanel(visit, branch, reload).build()),
    Tab("checkpoints", "Checkpoints", lambda visit, branch, reload: CheckpointsPanel(visit, branch, reload).build()),
    Tab("schema-changes", "Schema changes", lambda visit, branch, reload: CapturePanel(visit, branch, reload).build()),
    Tab("sql", "SQL", lambda visit, branch, reload: SqlPanel(visit, branch).build()),
)


def register(gate: Gate) -> None:
    @console_page(gate, "/", "Database")
    async def admin(visit: Visit, branch: str = "dev", tab: str = "tables") -> None:
        selected = Branch.parse(branch)  # an unknown one is the page's error, shown by the shell
        if not await shown():
            return
        cards = await io_bound(overview.overviews, visit.context)
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
            return
        _summary(current)
        await _tabs(visit, selected, tab)
        _footer(visit)


async def _tabs(visit: Visit, branch: Branch, first: str) -> None:
    """The tab bar and its panels; a tab is built when first shown, so a visit reads only what it looks at."""
    by_name = {tab.name: tab for tab in TABS}
    first = first if first in by_name else TABS[0].name
    with ui.tabs().classes("w-full") as bar:
        for tab in TABS:
            ui.tab(tab.name, tab.label).props(f"data-testid=tab-{tab.name}")

    def reload() -> None:  # after a change, everything on the page is read again
        ui.navigate.to(visit.url(branch=branch.value, tab=bar.value))

    built: set[str] = set()

    async def opened(name: str) -> None:
        if name in by_name and name not in built:
            built.add(name)
            with panels[name]:
                await by_name[name].build(visit, branch, reload)

    with ui.tab_panels(bar, value=first, on_change=lambda e: opened(e.value)).classes("w-full bg-transparent"):
        panels = {tab.name: ui.tab_panel(tab.name).classes("" if tab.padded else "p-0") for tab in TABS}
    await opened(first)


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


def _footer(visit: Visit) -> None:
    context = visit.context
    parts = [f"Control store: {overview.control_store(context)}"]
    if context.embedded is not None:  # the server's folders are for admins only
        where = f" (data in {context.embedded.data_dir})" if visit.who.is_admin else ""
        parts.append(f"embedded PostgreSQL {context.embedded.version}{where}")
    ui.label(" · ".join(parts)).classes("text-xs text-slate-500")
