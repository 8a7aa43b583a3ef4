"""``/admin/compare``: Dev vs Prod, the schema difference and the migration difference between the branches."""

from __future__ import annotations

from nicegui import ui

from ..gate import Gate
from ..services import migrations
from ..services.branch import Branch
from ..services.context import Context
from ..services.errors import DBAdminError
from ..services.reports import compare as compare_service
from . import formatting
from .shell import Visit, console_page, io_bound, shown


def register(gate: Gate) -> None:
    @console_page(gate, "/compare", "Dev vs Prod")
    async def compare(visit: Visit) -> None:
        ui.label("Development vs Production").classes("text-2xl font-semibold text-slate-800")
        if not await shown():
            return
        await _migrations(visit.context)
        await _schema(visit)


async def _migrations(context: Context) -> None:
    ui.label("Migrations").classes("text-lg font-semibold")
    dev, prod = await _both(migrations.status, context, testid="compare-migrations-error")
    if dev is None:  # shown why
        return
    with ui.row().classes("w-full gap-4"):
        formatting.stat("Development", ", ".join(dev.current) or "no revision", dev.summary, testid="compare-dev")
        formatting.stat("Production", ", ".join(prod.current) or "no revision", prod.summary, testid="compare-prod")
    try:
        drift = await io_bound(migrations.drift, context)
    except DBAdminError:
        drift = None
    if drift is not None:
        formatting.problem(
            f"Drift: both branches are on {', '.join(dev.current)} but their schemas differ "
            f"({drift.summary()}): a change was made outside migrations.",
            testid="compare-drift",
        )
    try:
        plan = await io_bound(migrations.plan_promotion, context)
    except DBAdminError as exc:  # a refusal says why there is nothing to promote
        ui.label(str(exc)).classes("text-slate-600").props("data-testid=compare-promotion")
        return
    ui.label(
        f"Promoting would give Production {len(plan.revisions)} revision(s): "
        + ", ".join(f"{r.id} ({r.message})" for r in plan.revisions)
    ).props("data-testid=compare-promotion")


async def _schema(visit: Visit) -> None:
    context = visit.context
    ui.label("Schema").classes("text-lg font-semibold mt-4")
    try:
        result = await io_bound(compare_service.diff, context, "prod", "dev")
    except DBAdminError as exc:
        formatting.problem(str(exc), testid="compare-schema-error")
        return
    ui.label(f"From Production to Development: {result.summary()}").props("data-testid=compare-summary")
    if not result.changes:
        return
    try:
        explained = await io_bound(compare_service.explanations, context, result.changes)
    except DBAdminError:  # the differences stand without their explanations
        explained = [[] for _ in result.changes]
    formatting.section(
        "Differences",
        [
            {
                "object": c.object,
                "change": c.action,
                "table": c.table,
                "name": c.name or "",
                "production": _show(c.before),
                "development": _show(c.after),
                "changed outside migrations": "; ".join(_outside(e) for e in events[:3])
                + (f"; {len(events) - 3} more" if len(events) > 3 else ""),
            }
            for c, events in zip(result.changes, explained, strict=True)
        ],
        testid="compare-changes",
    )
    if any(explained):
        ui.label(
            "Differences with a change outside migrations beside them were made by hand on that branch: "
            "History has the whole statement."
        ).classes("text-sm text-slate-600")
        ui.link("History of changes outside migrations", visit.url("/history")).props("data-testid=compare-history")


def _outside(event) -> str:
    """One recorded change outside migrations, as short as the Differences table needs it."""
    who = event.role or "polling (who is not known)"
    return f"{event.command_tag} on {Branch.parse(event.branch).label} by {who}, {formatting.when(event.at)}"


async def _both(read, context: Context, *, testid: str) -> tuple:
    """``read`` for Dev and for Prod; (None, None) after showing why when either cannot be read."""
    try:
        return await io_bound(read, context, "dev"), await io_bound(read, context, "prod")
    except DBAdminError as exc:
        formatting.problem(str(exc), testid=testid)
        return None, None


def _show(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)
