"""The Checkpoints panel of the Database tab: the schedule and last verified backup; list, create,
drill, compare with now, restore, delete."""

from __future__ import annotations

from nicegui import ui

from ...services import checkpoints, schedules
from ...services.branch import Branch
from ...services.errors import DBAdminError
from ...services.reports import backups, compare
from .. import dialogs, formatting
from ..shell import Visit, io_bound, view_only

COLUMNS = formatting.columns(
    ("id", "#"),
    ("label", "Label"),
    ("by", "Created by"),
    ("at", "Created at"),
    ("strategy", "Strategy"),
    ("size", "Size", "right"),
    ("revision", "Revision"),
    ("status", "Status"),
    ("drill", "Last drill"),
    ("actions", "", "right"),
)


class CheckpointsPanel:
    def __init__(self, visit: Visit, branch: Branch, on_change) -> None:
        self.visit, self.context, self.who = visit, visit.context, visit.who
        self.branch, self.on_change = branch, on_change

    @ui.refreshable_method
    async def build(self) -> None:
        with ui.row().classes("w-full items-center"):
            ui.label("Checkpoints").classes("text-lg font-semibold")
            ui.space()
            view_only(self.visit)
            if self.who.is_admin and checkpoints.can_restore_to_time(self.context, self.branch):
                ui.button("Restore to a time…", icon="history", on_click=self._restore_to_time).props(
                    "outline data-testid=restore-to-time"
                )
            if self.who.is_admin:
                ui.button("Create checkpoint", icon="add_a_photo", on_click=self._create).props(
                    "data-testid=create-checkpoint"
                )
        try:
            found = await io_bound(checkpoints.list_for_branch, self.context, self.branch)
            drilled = await io_bound(checkpoints.drills.last_of, self.context, [c.id for c in found])
            kept = await io_bound(backups.backups, self.context, self.branch)
        except DBAdminError as exc:
            formatting.problem(str(exc))
            return
        self._backups(kept)
        if not found:
            ui.label(
                "No checkpoints yet. Take one before risky work; Production gets one automatically before "
                "every migration."
            ).classes("text-slate-500 py-4").props("data-testid=checkpoints-empty")
            return
        rows = [
            {
                "id": c.id,
                "admin": self.who.is_admin,
                "label": c.label,
                "by": c.created_by,
                "at": formatting.when(c.created_at),
                "strategy": c.strategy,
                "size": formatting.size(c.size_bytes),
                "revision": c.revision or "",
                "status": c.status if c.status != "failed" else f"failed: {c.error or ''}",
                "drill": _drill_text(drilled.get(c.id)),
                "drillable": checkpoints.can_drill(self.context, c),
            }
            for c in found
        ]
        table = (
            ui.table(columns=COLUMNS, rows=rows, row_key="id")
            .props("flat dense hide-pagination wrap-cells data-testid=checkpoints")
            .classes("w-full")
        )
        table.pagination = {"rowsPerPage": 0}
        table.add_slot(
            "body-cell-actions",
            """
            <q-td :props="props">
              <q-btn v-if="props.row.status === 'ready'" flat dense size="sm" icon="compare_arrows" label="Compare"
                     :data-testid="'compare-' + props.row.id" @click="$parent.$emit('compare', props.row.id)" />
              <template v-if="props.row.admin">
                <q-btn v-if="props.row.drillable" flat dense size="sm" icon="fact_check" label="Drill"
                       :data-testid="'drill-' + props.row.id" @click="$parent.$emit('drill', props.row.id)" />
                <q-btn v-if="props.row.status === 'ready'" flat dense size="sm" icon="restore" label="Restore"
                       :data-testid="'restore-' + props.row.id" @click="$parent.$emit('restore', props.row.id)" />
                <q-btn flat dense size="sm" icon="delete" color="grey-7" :data-testid="'delete-' + props.row.id"
                       @click="$parent.$emit('delete', props.row.id)" />
              </template>
            </q-td>""",
        )
        table.on("compare", lambda e: self._compare(e.args))
        table.on("drill", lambda e: self._drill(e.args))
        table.on("restore", lambda e: self._restore(e.args))
        table.on("delete", lambda e: self._delete(e.args))

    def _backups(self, kept: backups.Backups) -> None:
        """The branch's schedule and its last verified backup, flagged when older than the schedule promises."""
        with ui.card().classes("w-full bg-slate-50").props("flat bordered data-testid=backups"):
            with ui.row().classes("w-full items-center gap-4"):
                ui.icon("schedule").classes("text-slate-500")
                if kept.crontab:
                    where = "from the settings" if kept.source == "settings" else "set in the console"
                    said = f"Scheduled: {'; '.join(kept.crontab)} UTC · keep {kept.keep} · {where}"
                    if kept.next_at:
                        said += f" · next {formatting.when(kept.next_at)} UTC"
                else:
                    said = "No schedule: checkpoints are taken by hand and before Production migrations."
                ui.label(said).props("data-testid=schedule-summary")
                ui.space()
                if self.who.is_admin:
                    edit = ui.button("Schedule…", icon="edit_calendar", on_click=lambda: self._edit_schedule(kept))
                    edit.props("outline dense data-testid=edit-schedule")
                    if not kept.editable:
                        edit.disable()
                        edit.tooltip(f"Set by {self.branch.name}_SCHEDULE in the settings: change it there")
            verified = kept.last_verified
            text = (
                f"Last verified backup: #{verified.checkpoint_id} {verified.label}, drilled {formatting.ago(verified.drilled_at)}"
                if verified
                else "No verified backup yet: drill a checkpoint to prove it restores."
            )
            ui.label(text).classes("text-sm").props("data-testid=last-verified")
            if kept.overdue:
                ui.label(f"⚠ {kept.overdue}").classes("text-sm text-red-700").props("data-testid=backups-overdue")

    async def _edit_schedule(self, kept: backups.Backups) -> None:
        with ui.dialog() as ask, ui.card().classes("w-[34rem] max-w-full").props("data-testid=schedule-dialog"):
            ui.label(f"Checkpoint schedule of {self.branch.label}").classes("text-lg font-semibold")
            ui.label(
                "Crontab lines in UTC, separated by ';' (0 3 * * * is every day at 03:00). Each scheduled "
                "checkpoint is drilled: restored into a scratch database and checked. Empty: no schedule."
            ).classes("text-sm text-slate-600")
            crontab = (
                ui.input("Schedule", value="; ".join(kept.crontab), placeholder="0 3 * * *; 0 9-17 * * 1-5")
                .props("maxlength=500 data-testid=schedule-crontab")
                .classes("w-full font-mono")
            )
            keep = (
                ui.input("Keep", value=kept.keep or "daily=7 weekly=4", placeholder="daily=7 weekly=4 within=2d")
                .props("maxlength=500 data-testid=schedule-keep")
                .classes("w-full font-mono")
            )
            ui.label("last=N hourly=N daily=N weekly=N monthly=N within=7d; the newest good one always stays.").classes(
                "text-xs text-slate-500"
            )
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: ask.submit(None)).props("flat")
                ui.button("Save", on_click=lambda: ask.submit((crontab.value, keep.value))).props(
                    "data-testid=schedule-save"
                )
        answer = await ask
        if answer is None:
            return
        await dialogs.run_operation(  # it notifies a refusal; either way the panel shows what is set now
            f"Schedule of {self.branch.label}",
            lambda: schedules.set_schedule(
                self.context, self.branch, answer[0] or "off", keep=answer[1], actor=self.who
            ),
        )
        self.build.refresh()

    async def _drill(self, checkpoint_id: int) -> None:
        done = await dialogs.run_operation(
            f"Drill of #{checkpoint_id}",
            lambda progress, cancel: checkpoints.drill(
                self.context, self.branch, checkpoint_id, actor=self.who, progress=progress, cancel=cancel
            ),
            progress=True,
            cancellable=True,
        )
        if done is not None:
            ui.notify(done.describe(), type="positive", multi_line=True)
        self.build.refresh()

    async def _create(self) -> None:
        try:
            expected = await io_bound(checkpoints.expected_unavailability, self.context, self.branch)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative", multi_line=True)
            return
        with ui.dialog() as ask, ui.card().classes("w-[28rem]").props("data-testid=create-dialog"):
            ui.label(f"Checkpoint of {self.branch.label}").classes("text-lg font-semibold")
            label = ui.input("Label").props("data-testid=checkpoint-label").classes("w-full")
            notes = ui.textarea("Notes (optional)").classes("w-full")
            ui.label(expected.explanation).classes("text-sm text-slate-600").props(
                "data-testid=expected-unavailability"
            )
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: ask.submit(None)).props("flat")
                ui.button("Create", on_click=lambda: ask.submit((label.value, notes.value))).props(
                    "data-testid=create-ok"
                )
        answer = await ask
        if not answer:
            return
        made = await dialogs.run_operation(
            f"Checkpoint of {self.branch.label}",
            lambda progress, cancel: checkpoints.create(
                self.context,
                self.branch,
                actor=self.who,
                label=answer[0],
                notes=answer[1],
                progress=progress,
                cancel=cancel,
            ),
            progress=True,
            cancellable=True,
        )
        if made is not None:
            self.on_change()

    async def _restore(self, checkpoint_id: int) -> None:
        try:
            plan = await io_bound(checkpoints.plan_restore, self.context, self.branch, checkpoint_id)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative")
            return
        await self._confirm_and_restore(
            f"Restore checkpoint #{checkpoint_id} on {self.branch.label}",
            f"checkpoint #{checkpoint_id}",
            plan,
            f"Restoring #{checkpoint_id} on {self.branch.label}",
            lambda confirm, progress, cancel: checkpoints.restore(
                self.context,
                self.branch,
                checkpoint_id,
                actor=self.who,
                confirm=confirm,
                progress=progress,
                cancel=cancel,
            ),
        )

    async def _restore_to_time(self) -> None:
        try:
            window = await io_bound(checkpoints.history, self.context, self.branch)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative", multi_line=True)
            return
        if window is None:  # the strategy changed under the page
            return
        span = f"{window.earliest:%Y-%m-%d %H:%M:%S} to {window.latest:%Y-%m-%d %H:%M:%S} UTC"
        with ui.dialog() as ask, ui.card().classes("w-[28rem]").props("data-testid=time-dialog"):
            ui.label(f"Restore {self.branch.label} to a time").classes("text-lg font-semibold")
            ui.label(f"Its history runs from {span}.").classes("text-sm text-slate-600").props(
                "data-testid=history-window"
            )
            moment = (
                ui.input("Time (UTC)", placeholder="2026-12-02 14:32:00 or 14:32")
                .props("maxlength=40 data-testid=restore-time")
                .classes("w-full")
            )
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=lambda: ask.submit(None)).props("flat")
                ui.button("Next", on_click=lambda: ask.submit(moment.value)).props("data-testid=time-ok")
        answer = await ask
        if not answer:
            return
        try:
            plan = await io_bound(checkpoints.plan_restore_to_time, self.context, self.branch, answer)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative", multi_line=True)
            return
        await self._confirm_and_restore(
            f"Restore {self.branch.label} to {plan.moment:%Y-%m-%d %H:%M:%S} UTC",
            "how it was at that moment",
            plan,
            f"Restoring {self.branch.label} to {plan.moment:%H:%M:%S}",
            lambda confirm, progress, cancel: checkpoints.restore_to_time(
                self.context,
                self.branch,
                plan.moment,
                actor=self.who,
                confirm=confirm,
                progress=progress,
                cancel=cancel,
            ),
        )

    async def _confirm_and_restore(self, title: str, back_to: str, plan, running: str, restore) -> None:
        """Ask for ``plan``'s phrase (and "are you sure" on Production), then run
        ``restore(confirm, progress, cancel)`` with a progress card; say which checkpoint is the undo."""
        phrase = await dialogs.confirm(
            title,
            f"{self.branch.label} goes back to {back_to}. Its current state is kept as a new checkpoint, so this can "
            f"be undone. {plan.effect}",
            phrase=plan.phrase,
            production=self.branch is Branch.PROD,
            action="Restore",
        )
        if phrase is None:
            return
        before = await dialogs.run_operation(
            running, lambda progress, cancel: restore(phrase or None, progress, cancel), progress=True, cancellable=True
        )
        if before is not None:
            ui.notify(f"The replaced state is checkpoint #{before.id}", type="info")
            self.on_change()

    async def _delete(self, checkpoint_id: int) -> None:
        answer = await dialogs.confirm(
            f"Delete checkpoint #{checkpoint_id}",
            "Its data is deleted; the catalog keeps a record that it existed.",
            action="Delete",
        )
        if answer is None:
            return
        if (
            await dialogs.run_operation(
                f"Deleting #{checkpoint_id}",
                lambda: checkpoints.delete(self.context, self.branch, checkpoint_id, actor=self.who),
            )
            is not None
        ):
            self.on_change()

    async def _compare(self, checkpoint_id: int) -> None:
        try:
            result = await io_bound(compare.since_checkpoint, self.context, self.branch, checkpoint_id)
        except DBAdminError as exc:
            ui.notify(str(exc), type="negative")
            return
        with ui.dialog() as shown, ui.card().classes("w-[44rem] max-w-full").props("data-testid=diff-dialog"):
            ui.label(f"{self.branch.label} now vs checkpoint #{checkpoint_id}").classes("text-lg font-semibold")
            ui.label(result.summary()).props("data-testid=diff-summary")
            for change in result.changes:
                ui.label(change.describe()).classes("font-mono text-sm")
            if result.rows:
                formatting.section(
                    "Row estimates that moved",
                    [
                        {"table": name, "then": formatting.count(a), "now": formatting.count(b)}
                        for name, (a, b) in sorted(result.rows.items())
                    ],
                )
            ui.button("Close", on_click=shown.close).props("flat")
        shown.open()


def _drill_text(drill: checkpoints.Drill | None) -> str:
    if drill is None:
        return ""
    if drill.outcome == "passed":
        return f"passed {formatting.ago(drill.started_at)}"
    if drill.outcome == "failed":
        return f"failed {formatting.ago(drill.started_at)}: {'; '.join(drill.findings[:2])}"
    return f"{drill.outcome} {formatting.ago(drill.started_at)}"
