"""The shell every console page shares: who may see it, the header with the signed-in person, tabs."""

from __future__ import annotations

import html
import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from nicegui import core, run, ui
from nicegui.client import ClientConnectionTimeout
from starlette.concurrency import run_in_threadpool

from ..gate import Gate, credential_of, plain_page
from ..services.context import Context
from ..services.errors import DBAdminError, IdentityFailed, NotAllowed, NotStarted
from ..services.operations.access import Principal
from . import formatting

T = TypeVar("T")
TABS = [("Database", "/"), ("Dev vs Prod", "/compare"), ("History", "/history")]


@dataclass(frozen=True)
class Visit:
    """One page view: the gate it came through and who is looking."""

    gate: Gate
    who: Principal

    @property
    def context(self) -> Context:
        return self.gate.context

    def url(self, path: str = "/", **query: object) -> str:
        """A console URL for NiceGUI links and navigation, which add the mount prefix themselves;
        empty query values are left out."""
        query = {key: value for key, value in query.items() if value not in (None, "")}
        return path + (f"?{urlencode(query)}" if query else "")


async def admit(gate: Gate, request: Request) -> Visit | Response:
    """The visit, or the response that sends an anonymous visitor to log in (or refuses a known one).

    NiceGUI made a client for this page before asking; one that is sent away is deleted at
    once, so anonymous requests hold no memory on the server (NiceGUI would keep it a while).
    """
    try:
        who = await gate.principal(request)
    except NotStarted as exc:  # a host server that runs no lifespan (``--lifespan off``) never opens dbadmin
        return _away(plain_page(503, "Not started", html.escape(str(exc)) + "."))
    except (NotAllowed, IdentityFailed) as exc:
        await run_in_threadpool(gate.refuse, request, None, str(exc))
        if isinstance(exc, IdentityFailed):
            return _away(plain_page(500, "Sign-in check failed", html.escape(str(exc)) + "."))
        return _away(
            plain_page(403, "Not allowed", html.escape(str(exc)) + ". Ask an admin of the application for access.")
        )
    if who is not None:
        return Visit(gate, who)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _away(RedirectResponse(gate.login_url(here), status_code=303))


def console_page(gate: Gate, path: str, title: str) -> Callable[[Callable[..., Awaitable[None]]], None]:
    """``@console_page(gate, "/history", "History")`` over ``async def body(visit, <query parameters>)``:
    the page route, the sign-in guard (``admit``), the chrome (``chrome``), a page cut short by the server
    stopping, and a ``DBAdminError`` the body lets through, shown on the page in one line.  The body may
    also take ``request`` (the query string's repeated parameters)."""

    def register(body: Callable[..., Awaitable[None]]) -> None:
        signature = inspect.signature(body, eval_str=True)
        wants_request = "request" in signature.parameters
        query = [param for name, param in signature.parameters.items() if name not in ("visit", "request")]
        request_param = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)

        async def page(request: Request, **params: Any) -> Response | None:
            visit = await admit(gate, request)
            if not isinstance(visit, Visit):
                return visit
            with chrome(title, visit):
                try:
                    await body(visit, **({"request": request} if wants_request else {}), **params)
                except Stopping:
                    pass
                except DBAdminError as exc:
                    formatting.problem(str(exc), testid="page-error")
                    ui.link("Back to the console", visit.url("/"))
            return None

        page.__signature__ = signature.replace(parameters=[request_param, *query])  # type: ignore[attr-defined]
        page.__name__ = page.__qualname__ = body.__name__
        ui.page(path)(page)

    return register


def _away(response: Response) -> Response:
    ui.context.client.delete()
    return response


@contextmanager
def chrome(title: str, visit: Visit | None) -> Iterator[ui.column]:
    """``with chrome('Database', visit):`` gives a page with the dbadmin header and the tab bar."""
    if visit is not None:  # its socket must carry this login, or the page takes none (``live``)
        visit.gate.live.bind(ui.context.client, credential_of(visit.who))
    ui.page_title(f"{title} · dbadmin")
    ui.query("body").classes("bg-slate-50")
    with ui.header().classes("bg-slate-900 text-white items-center gap-6 px-6 py-2"):
        ui.icon("storage", size="sm")
        ui.label("dbadmin").classes("text-lg font-semibold tracking-wide")
        if visit is not None:
            with ui.row().classes("gap-1"):
                for name, path in TABS:
                    active = "bg-white/15" if name == title else ""
                    ui.link(name, visit.url(path)).classes(f"text-white no-underline px-3 py-1 rounded {active}")
            ui.space()
            _signed_in(visit)
    with ui.column().classes("w-full max-w-6xl mx-auto p-6 gap-6") as content:
        yield content


class Stopping(Exception):
    """The server stops while a page is being built: the page is left unfinished, quietly."""


async def io_bound(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A blocking service call off the event loop (NiceGUI's ``run.io_bound``).

    NiceGUI answers None instead of running it once the server is stopping; a page still
    being built then stops with ``Stopping`` (``console_page`` ends it quietly), not with an
    error about None.
    """
    result = await run.io_bound(call, *args, **kwargs)
    if result is None and core.app.is_stopping:
        raise Stopping
    return result  # type: ignore[return-value]  # None only when T allows it


async def shown() -> bool:
    """Let the page's chrome reach the browser before the slow part of the page is built.

    NiceGUI answers the request once the page function waits for the connection, and the
    rest streams in over the socket: a branch that takes seconds to answer (or to time out)
    never holds the whole page back.  False when the browser never connected.
    """
    try:
        await ui.context.client.connected(timeout=30)
    except ClientConnectionTimeout:
        return False
    return True


def view_only(visit: Visit) -> None:
    """Where an admin sees action buttons, a viewer sees why there are none."""
    if not visit.who.is_admin:
        ui.chip(
            "view only: changes need the admin role", icon="visibility", color="blue-grey-1", text_color="blue-grey-9"
        ).props("dense data-testid=view-only")


def _signed_in(visit: Visit) -> None:
    who = visit.who
    with ui.row().classes("items-center gap-3 text-sm").props("data-testid=who"):
        ui.label(who.name).classes("text-slate-200")
        ui.badge(who.role.value, color="amber-8" if who.is_admin else "blue-grey-6").props("data-testid=role")
        if (who.credential or "").startswith("session:"):  # a console session; the host's own login is the host's
            ui.html(
                f'<form method="post" action="{visit.gate.prefix}/auth/logout" style="margin:0">'
                '<button type="submit" data-testid="logout" style="text-decoration:underline">Sign out</button></form>',
                sanitize=False,
            )
