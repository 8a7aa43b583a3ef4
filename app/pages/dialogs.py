"""Confirmations and long-running operations, shared by every page that changes something.

A destructive action opens a dialog that says what will happen; on Production it needs
the exact typed phrase (the button stays disabled until it matches) and then a second
"are you sure" step.  Operations run off the event loop with a progress bar fed by the
services' progress callbacks; errors become readable notifications, never tracebacks.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from nicegui import ui

from ..services.errors import DBAdminError
from .shell import io_bound


async def confirm(
    title: str, explanation: str, *, phrase: str | None = None, production: bool = False, action: str = "Continue"
) -> str | None:
    """Ask for confirmation; returns the typed phrase (or "" when none is needed), None when cancelled."""
    result: asyncio.Future = asyncio.get_running_loop().create_future()

    def finish(value: str | None) -> None:
        if not result.done():
            result.set_result(value)
        dialog.close()

    with (
        ui.dialog().props("persistent") as dialog,
        ui.card().classes("w-[34rem] max-w-full").props("data-testid=confirm-dialog"),
    ):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(explanation).classes("text-slate-700 whitespace-pre-line")
        typed = None
        if phrase:
            ui.label(f"Type {phrase} to confirm.").classes("text-sm")
            typed = ui.input(placeholder=phrase).props("outlined dense data-testid=confirm-phrase").classes("w-full")
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("Cancel", on_click=lambda: finish(None)).props("flat data-testid=confirm-cancel")
            go = ui.button(action, color="red-7" if production else "primary").props("data-testid=confirm-ok")
        if typed is not None:
            go.bind_enabled_from(typed, "value", backward=lambda value: value == phrase)

        async def proceed() -> None:
            if production and not await _are_you_sure():
                finish(None)
                return
            finish(typed.value if typed is not None else "")  # exactly what was typed: the service checks it

        go.on_click(proceed)
    dialog.open()
    return await result


async def _are_you_sure() -> bool:
    answer: asyncio.Future = asyncio.get_running_loop().create_future()

    def finish(value: bool) -> None:
        if not answer.done():
            answer.set_result(value)
        dialog.close()

    with ui.dialog().props("persistent") as dialog, ui.card().props("data-testid=sure-dialog"):
        ui.label("This changes Production. Are you sure?").classes("text-lg font-semibold text-red-700")
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("No", on_click=lambda: finish(False)).props("flat data-testid=sure-no")
            ui.button("Yes, change Production", color="red-7", on_click=lambda: finish(True)).props(
                "data-testid=sure-yes"
            )
    dialog.open()
    return await answer


async def run_operation(
    title: str, call: Callable[..., Any], *, progress: bool = False, cancellable: bool = False
) -> Any:
    """Run a service call off the event loop; notify how it ended. Returns its result or None.

    With ``progress`` the call receives ``progress=`` and the card shows a bar and every
    message as a log line as it comes; with ``cancellable`` it also receives ``cancel=``
    (a ``threading.Event``) and the card has a Cancel button.  The rest of the page stays usable.
    """
    state: dict[str, Any] = {"done": 0, "total": 0, "message": "starting"}
    lines: list[str] = []
    lock = threading.Lock()
    cancel = threading.Event()

    def report(done: int, total: int, message: str) -> None:  # called from the worker thread
        with lock:
            if message != state["message"]:
                lines.append(f"{time.strftime('%H:%M:%S')}  {message}")
            state.update(done=done, total=total, message=message)

    with ui.card().classes("w-full").props("data-testid=operation") as box:
        with ui.row().classes("w-full items-center"):
            ui.label(title).classes("font-semibold")
            ui.space()
            if cancellable:  # the service stops its tool and removes what it had made
                ui.button("Cancel", on_click=cancel.set).props("flat dense data-testid=operation-cancel")
        bar = ui.linear_progress(show_value=False).props("indeterminate")
        log = (
            ui.log(max_lines=200).classes("w-full h-28 text-xs").props("data-testid=operation-log")
            if progress
            else None
        )

    def refresh() -> None:
        with lock:
            fresh, lines[:] = list(lines), []
            done, total = state["done"], state["total"]
        if log is not None:
            for line in fresh:
                log.push(line)
        if total:
            bar.props(remove="indeterminate")
            bar.value = min(done / total, 1)

    timer = ui.timer(0.2, refresh)
    kwargs: dict[str, Any] = {"progress": report} if progress else {}
    if cancellable:
        kwargs["cancel"] = cancel
    try:
        result = await io_bound(call, **kwargs)
    except DBAdminError as exc:
        ui.notify(f"{title}: {exc}", type="negative", multi_line=True, timeout=0, close_button=True)
        return None
    except Exception as exc:  # never a traceback on the page
        ui.notify(
            f"{title} failed unexpectedly ({type(exc).__name__}); see the server log",
            type="negative",
            timeout=0,
            close_button=True,
        )
        return None
    finally:
        timer.cancel()
        box.delete()
    ui.notify(f"{title}: done", type="positive")
    return result
