"""The Migrations panel of the Database tab: status, pending and applied revisions, SQL preview
with lint, and the actions: run up (Dev), promote Dev -> Prod, roll back the last N."""

from __future__ import annotations

from nicegui import ui

from ...services import migrations
from ...services.branch import Branch
from ...services.errors import DBAdminError
from ...services.migrations.lint import LintUnavailable
from ...services import actions
from ...services.actions import ActionType
from .. import dialogs, formatting
from ..shell import Visit, io_bound, view_only


class MigrationsPanel:
    def __init__(self, visit: Visit, branch: Branch, on_change) -> None:
        self.visit, self.context, self.who = visit, visit.context, visit.who
        self.branch, self.on_change = branch, on_change

    @ui.refreshable_method
    async def build(self) -> None:
        try:
            status = await io_bound(migrations.status, self.context, self.branch)
            history = await io_bound(migrations.history, self.context, self.branch, limit=50)
        except DBAdminError as exc:
            formatting.problem(str(exc), testid="migrations-error")
            return
        with ui.row().classes("w-full items-center gap-3"):
            ui.label(status.summary).classes("text-lg font-semibold").props("data-testid=migrations-status")
            ui.label(f"at {', '.join(status.current) or 'no revision'} · head {', '.join(status.heads)}").classes(
                "text-sm text-slate-500"
            )
            if status.handover:
                ui.label(f"env.py: {status.handover}").classes("text-xs text-slate-500").props(
                    "data-testid=migrations-handover"
                ).tooltip("How your env.py got this branch's database (dbadmin doctor --migrations says more)")
            ui.space()
            view_only(self.visit)
            if self.who.is_admin:  # the services refuse non-admins anyway; the buttons would only tease
                if self.branch is Branch.DEV and status.pending:
                    ui.button("Run pending", icon="play_arrow", on_click=self._run_up).props("data-testid=run-up")
                if self.branch is Branch.PROD:
                    ui.button("Promote from Development", icon="upgrade", on_click=self._promote).props(
                        "data-testid=promote"
                    )
                if status.current:
                    ui.button("Roll back…", icon="undo", on_click=self._rollback).props("outline data-testid=rollback")
                if status.state == "unmanaged" and status.tables:
                    ui.button("Baseline…", icon="flag", on_click=self._baseline).props("outline data-testid=baseline")
        if status.pending:
            formatting.section(
                f"Pending ({status.pending_count})",
                [{"revision": r.id, "message": r.message, "file": r.file or ""} for r in status.pending],
                testid="pending",
            )
            with ui.expansion("SQL preview and lint", icon="code").classes("w-full").props("data-testid=sql-preview"):
                await self._preview()
        formatting.section(
            "Applied (newest first)",
            [
                {
                    "revision": a.revision.id,
                    "message": a.revision.message,
                    "applied at": formatting.when(a.applied_at),
                    "by": a.applied_by if a.by_dbadmin else "outside dbadmin",
                }
                for a in history.applied
            ],
            testid="applied",
        )

    async def _preview(self, destination: str = "heads") -> None:
        try:
            preview = await io_bound(migrations.preview, self.context, self.branch, destination=destination)
        except DBAdminError as exc:
            formatting.problem(str(exc))
            return
        for skipped in preview.skipped:
            ui.label(f"ⓘ {skipped.notice()}").classes("text-sm text-sky-800").props("data-testid=preview-skipped")
        ui.code(preview.sql or "-- nothing pending", language="sql").classes("w-full max-h-96 overflow-auto")
        try:
            findings = await io_bound(
                migrations.lint_pending, self.context, self.branch, destination=destination, sql=preview.sql
            )
        except LintUnavailable as exc:
            ui.label(f"lint skipped: {exc}").classes("text-sm text-slate-500")
            return
        except DBAdminError as exc:
            formatting.problem(str(exc))
            return
        if not findings:
            ui.label("lint: no risky operations found").classes("text-sm text-green-700").props(
                "data-testid=lint-clean"
            )
        for finding in findings:
            ui.label(f"⚠ {finding.revision or '?'} · {finding.rule}: {finding.message}").classes(
                "text-sm text-amber-800"
            ).props("data-testid=lint-finding")

    async def _run_up(self) -> None:
        result = await dialogs.run_operation(
            "Running pending migrations on Development",
            lambda progress: migrations.upgrade(self.context, Branch.DEV, actor=self.who, progress=progress),
            progress=True,
        )
        await self._changed(result)

    async def _stopped(self, action: ActionType, branch: Branch, title: str, error: DBAdminError) -> None:
        """An attempt whose plan could not be made (the project does not load, a revision has no downgrade()): an
        audit row like any other attempt's, as the CLI records it, and the reason on the page."""
        try:
            await io_bound(
                migrations.record_attempt, self.context, action, branch, actor=self.who, reason=None, error=error
            )
        except DBAdminError:
            pass  # record_attempt raises the error it recorded
        ui.notify(f"{title}: {error}", type="warning", multi_line=True)

    async def _promote(self) -> None:
        try:
            plan = await io_bound(migrations.plan_promotion, self.context)
        except DBAdminError as exc:
            await self._stopped(actions.MIGRATE_PROMOTE, Branch.PROD, "Promotion", exc)
            return
        names = "\n".join(f"  {r.id}  {r.message}" for r in plan.revisions)
        notices = "".join(f"{s.notice()} (it runs online; review its code)\n" for s in plan.skipped)
        explanation = (
            f"Production goes from {', '.join(plan.prod) or 'nothing'} to {', '.join(plan.dev)}, receiving "
            f"{len(plan.revisions)} revision(s):\n{names}\n\nA checkpoint of Production is taken first. "
            f"{plan.commits}\n\n"
            f"{notices}SQL:\n{plan.sql}"
        )
        phrase = await dialogs.confirm(
            "Promote to Production", explanation, phrase=plan.phrase, production=True, action="Promote"
        )
        if phrase is None:
            return
        result = await dialogs.run_operation(
            "Promoting to Production",
            lambda progress: migrations.promote(self.context, actor=self.who, confirm=phrase, progress=progress),
            progress=True,
        )
        await self._changed(result)

    async def _rollback(self) -> None:
        def field():
            steps = ui.number("Revisions to roll back", value=1, min=1, precision=0).props("data-testid=rollback-steps")
            return lambda: int(steps.value or 0)

        count = await self._ask("rollback", f"Roll back {self.branch.label}", field)
        if not count:
            return
        try:
            plan = await io_bound(migrations.plan_rollback, self.context, self.branch, count)
        except DBAdminError as exc:
            await self._stopped(actions.MIGRATE_DOWN, self.branch, "Roll back", exc)
            return
        removed = "\n".join(f"• {rev.id} · {rev.message}" for rev in plan.removes)
        await self._confirm_and_run(
            f"Roll back {plan.steps} revision(s) on {self.branch.label}",
            f"Undone with their downgrade(), newest first:\n{removed}\n"
            + ("A checkpoint of Production is taken first. " if self.branch is Branch.PROD else "")
            + plan.commits,
            phrase=plan.phrase,
            action="Roll back",
            running=f"Rolling back {self.branch.label}",
            call=lambda phrase, progress: migrations.downgrade(
                self.context, self.branch, actor=self.who, steps=plan.steps, confirm=phrase, progress=progress
            ),
        )

    async def _baseline(self) -> None:
        try:
            choices = await io_bound(migrations.revisions, self.context)
        except DBAdminError as exc:
            ui.notify(f"Baseline: {exc}", type="warning", multi_line=True)
            return

        def field():
            ui.label(
                "For a database whose tables were made without migrations: record the revision it already "
                "matches. Its schema is compared first with what that revision builds in a scratch database; "
                "nothing is run on the branch."
            ).classes("text-sm text-slate-600 max-w-md")
            chosen = (
                ui.select(
                    {r.id: f"{r.id} · {r.message}" for r in choices},
                    value=choices[0].id if choices else None,
                    label="Revision",
                )
                .classes("w-full")
                .props("data-testid=baseline-revision")
            )
            return lambda: chosen.value

        revision = await self._ask("baseline", f"Baseline {self.branch.label}", field)
        if not revision:
            return
        try:
            plan = await io_bound(migrations.plan_baseline, self.context, self.branch, revision)
        except DBAdminError as exc:
            await self._stopped(actions.MIGRATE_BASELINE, self.branch, "Baseline", exc)
            return
        await self._confirm_and_run(
            f"Baseline {self.branch.label} at {revision}",
            f"{self.branch.label} will be recorded at {revision} if its schema matches; any difference is shown and "
            "nothing is recorded.",
            phrase=plan.phrase,
            action="Baseline",
            running=f"Baselining {self.branch.label}",
            call=lambda phrase, progress: migrations.baseline(
                self.context, self.branch, actor=self.who, revision=str(revision), confirm=phrase, progress=progress
            ),
        )

    @staticmethod
    async def _ask(name: str, title: str, field) -> object:
        """A small dialog; ``field()`` builds its inputs and returns how to read the answer (None: cancelled)."""
        with ui.dialog() as ask, ui.card().props(f"data-testid={name}-dialog"):
            ui.label(title).classes("text-lg font-semibold")
            answer = field()
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: ask.submit(None)).props("flat")
                ui.button("Next", on_click=lambda: ask.submit(answer())).props(f"data-testid={name}-next")
        return await ask

    async def _confirm_and_run(
        self, title: str, explanation: str, *, phrase: str | None, action: str, running: str, call
    ) -> None:
        """Confirm (the plan's phrase, and "are you sure" on Production), then run ``call(phrase, progress)``."""
        typed = await dialogs.confirm(
            title, explanation, phrase=phrase, production=self.branch is Branch.PROD, action=action
        )
        if typed is None:
            return
        result = await dialogs.run_operation(running, lambda progress: call(typed or None, progress), progress=True)
        await self._changed(result)

    async def _changed(self, result) -> None:
        if result is not None:
            for hook in getattr(result, "hooks", ()):
                if not hook.ok:
                    ui.notify(f"{hook.hook} failed: {hook.detail}", type="warning", multi_line=True)
            self.on_change()
