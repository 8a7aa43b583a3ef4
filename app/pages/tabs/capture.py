"""The Schema changes panel of the Database tab: whether the branch records its DDL (or is polled),
its guard, the break-glass bypass, and the latest changes made outside migrations."""

from __future__ import annotations

from nicegui import ui

from ...services import capture
from ...services.branch import Branch
from ...services.errors import DBAdminError
from .. import dialogs, formatting
from ..shell import Visit, io_bound, view_only

SHOWN = 20
COLUMNS = formatting.columns(
    ("when", "When"),
    ("who", "Who"),
    ("from", "From"),
    ("command", "Command"),
    ("object", "Object"),
    ("statement", "Statement"),
)


class CapturePanel:
    def __init__(self, visit: Visit, branch: Branch, on_change) -> None:
        self.visit, self.context, self.who = visit, visit.context, visit.who
        self.branch, self.on_change = branch, on_change

    async def build(self) -> None:
        with ui.row().classes("w-full items-center"):
            ui.label("Schema changes outside migrations").classes("text-lg font-semibold")
            ui.space()
            view_only(self.visit)
        try:
            found = await io_bound(capture.status, self.context, self.branch)
            events = await io_bound(lambda: capture.recent(self.context, self.branch, limit=SHOWN))
        except DBAdminError as exc:
            formatting.problem(str(exc), testid="capture-error")
            return
        self._state(found)
        if self.who.is_admin:
            self._buttons(found)
        if not events:
            ui.label("No schema change made outside migrations has been seen on this branch.").classes(
                "text-slate-500 py-2"
            ).props("data-testid=capture-empty")
            return
        table = (
            ui.table(columns=COLUMNS, rows=[formatting.schema_change(e) | {"id": e.id} for e in events], row_key="id")
            .props("flat dense hide-pagination wrap-cells data-testid=capture-events")
            .classes("w-full")
        )
        table.pagination = {"rowsPerPage": 0}
        ui.link("All of them in History", self.visit.url("/history", branch=self.branch.value)).classes("text-sm")

    def _state(self, found: capture.CaptureStatus) -> None:
        minutes = self.context.settings.schema_poll_minutes
        if found.installed:
            detail = "every DDL statement is recorded with who, from where and the statement"
        elif minutes:
            detail = f"polled instead: a schema snapshot every {minutes:g} minutes shows what changed, not who"
        else:
            detail = "not polled either (SCHEMA_POLL_MINUTES=0): changes made outside migrations go unseen"
        colour = "text-amber-800" if found.bypass_until else "text-slate-700"
        with ui.column().classes("gap-0").props("data-testid=capture-state"):
            ui.label(found.summary).classes(f"font-medium {colour}").props("data-testid=capture-summary")
            ui.label(detail).classes("text-sm text-slate-600")
            if self.context.settings.guarded(self.branch.value):
                ui.label(f"GUARD_{self.branch.name}=on in the settings keeps this branch's guard on.").classes(
                    "text-sm text-slate-600"
                )

    def _buttons(self, found: capture.CaptureStatus) -> None:
        fixed = self.context.settings.guarded(self.branch.value)
        with ui.row().classes("gap-2"):
            if not found.installed and found.can_install:
                ui.button("Record schema changes", icon="fiber_manual_record", on_click=self._install).props(
                    "data-testid=capture-install"
                )
            if found.installed and not found.guarded:
                ui.button("Turn the guard on", icon="shield", on_click=lambda: self._guard(True)).props(
                    "data-testid=guard-on"
                )
                ui.button("Stop recording", icon="stop", on_click=self._remove).props("flat data-testid=capture-remove")
            if found.guarded and found.bypass_until:
                ui.button("End the bypass now", icon="shield", on_click=self._end_bypass).props(
                    "data-testid=bypass-end"
                )
            elif found.guarded:
                ui.button("Bypass the guard…", icon="lock_open", color="red-7", on_click=self._bypass).props(
                    "outline data-testid=guard-bypass"
                )
            if found.guarded and not fixed:
                ui.button("Turn the guard off", icon="remove_moderator", on_click=lambda: self._guard(False)).props(
                    "flat data-testid=guard-off"
                )

    async def _install(self) -> None:
        await self._run(
            f"Recording schema changes on {self.branch.label}",
            lambda: capture.install(self.context, self.branch, actor=self.who),
        )

    async def _remove(self) -> None:
        await self._run(
            f"Stopping the recording on {self.branch.label}",
            lambda: capture.remove(self.context, self.branch, actor=self.who),
        )

    async def _guard(self, on: bool) -> None:
        what = "on" if on else "off"
        await self._confirmed_guard(
            on,
            f"Turn {self.branch.label}'s guard {what}",
            "Schema changes that no dbadmin migration makes will be refused, with a message that says to write "
            "a migration. An admin can still bypass the guard for a few minutes in an emergency."
            if on
            else "Schema changes outside migrations will be allowed again (and still recorded).",
            f"Turn it {what}",
            phrase=None if on else capture.GuardOffPlan(self.branch).phrase,
        )

    async def _end_bypass(self) -> None:
        await self._confirmed_guard(
            True,
            f"End the bypass of {self.branch.label}'s guard",
            "Schema changes outside migrations are refused again from now on.",
            "End the bypass",
        )

    async def _confirmed_guard(
        self, on: bool, title: str, explanation: str, action: str, *, phrase: str | None = None
    ) -> None:
        typed = await dialogs.confirm(
            title, explanation, phrase=phrase, production=self.branch is Branch.PROD, action=action
        )
        if typed is None:
            return
        await self._run(
            title, lambda: capture.guard(self.context, self.branch, on, actor=self.who, confirm=typed or None)
        )

    async def _bypass(self) -> None:
        with ui.dialog() as ask, ui.card().classes("w-[28rem]").props("data-testid=bypass-dialog"):
            ui.label(f"Bypass {self.branch.label}'s guard").classes("text-lg font-semibold")
            ui.label(
                "For an emergency: schema changes outside migrations are let through for a few minutes, "
                "and each is still recorded as made under the bypass."
            ).classes("text-sm text-slate-600")
            minutes = (
                ui.number("Minutes", value=15, min=1, max=capture.BYPASS_MINUTES, precision=0)
                .props("data-testid=bypass-minutes")
                .classes("w-40")
            )
            reason = ui.input("Why").props("maxlength=500 data-testid=bypass-reason").classes("w-full")
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: ask.submit(None)).props("flat")
                ui.button("Next", on_click=lambda: ask.submit((minutes.value, reason.value))).props(
                    "data-testid=bypass-next"
                )
        answer = await ask
        if not answer:
            return
        try:
            plan = capture.plan_bypass(self.branch, "" if answer[0] is None else f"{answer[0]:g}")
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative")
            return
        phrase = await dialogs.confirm(
            f"Bypass {self.branch.label}'s guard",
            f"{plan.what.capitalize()}; every schema change made meanwhile is recorded.",
            phrase=plan.phrase,
            production=self.branch is Branch.PROD,
            action="Bypass the guard",
        )
        if phrase is None:
            return
        await self._run(
            f"Bypassing the guard on {self.branch.label}",
            lambda: capture.bypass(
                self.context, self.branch, plan.minutes, actor=self.who, confirm=phrase, reason=answer[1] or None
            ),
        )

    async def _run(self, title: str, call) -> None:
        if await dialogs.run_operation(title, call) is not None:
            self.on_change()
