"""``mount_admin``: the console and the API inside any FastAPI application.

The console's pages, login routes and assets live under ``prefix`` (default
``/admin``); the API under ``/api<prefix>/db``.  Host routes and middleware keep
working: dbadmin only adds a mount and a router, never an app-wide handler.

Mounting connects to nothing: the databases are opened (the control store migrated,
interrupted work settled) in the host's lifespan, at startup, and closed at shutdown.

Identity: pass ``identity=`` (a sync or async callable that takes the page's, request's
or socket's connection and returns a ``Principal``, a ``(name, "admin" | "viewer")``
pair, or None) to reuse the host's own login, and ``login_url=`` for where a visitor
signs in; otherwise dbadmin's login applies (OIDC when configured, else local links).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import ExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from nicegui import app as nicegui_app
from nicegui import background_tasks
from nicegui import ui
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from . import api, pages
from .gate import LOGIN_COOKIE, Gate, Identity
from .config import Settings, load_settings
from .gate.live import LivePages
from .services import capture
from .services.context import Context
from .services.errors import ConfigError, DBAdminError
from .services.schedules.scheduler import Runner
from .services.startup import open_context


_log = logging.getLogger(__name__)


def mount_admin(
    app: FastAPI,
    *,
    context: Context | None = None,
    settings: Settings | None = None,
    prefix: str = "/admin",
    identity: Identity | None = None,
    login_url: str | None = None,
    include_in_schema: bool | None = None,
) -> Gate:
    """Mount dbadmin into ``app``; once per process (NiceGUI's pages are process-wide).

    Without ``context``, one is opened from ``settings`` (or the environment) when ``app``
    starts and closed when it shuts down.  ``include_in_schema``: whether dbadmin's API
    routes appear in ``app``'s OpenAPI schema; by default only when dbadmin brings its own
    context (the standalone console), so a host's generated clients never pick them up.
    """
    prefix = "/" + prefix.strip("/")
    if prefix == "/":
        raise ConfigError("mount_admin: prefix must be a path such as /admin, not /")
    gate = Gate(
        context.settings if context else settings or load_settings(),
        prefix=prefix,
        identity=identity,
        login_url=login_url,
        context=context,
    )
    if context is None:
        _open_in_lifespan(app, gate)
    gate.live = LivePages(gate)
    gate.live.install()
    gate.session_ended.append(gate.live.end)
    nicegui_app.include_router(gate.router())
    # authlib keeps a login's state, nonce and PKCE verifier here between redirect and callback
    nicegui_app.add_middleware(
        SessionMiddleware,
        secret_key=gate.secret,
        session_cookie=LOGIN_COOKIE,
        path=prefix,
        max_age=600,
        same_site="lax",
    )
    nicegui_app.add_middleware(NotFramed)
    app.include_router(
        api.router(gate),
        prefix=f"/api{prefix}/db",
        include_in_schema=context is not None if include_in_schema is None else include_in_schema,
    )
    pages.register(gate)
    nicegui_app.on_startup(lambda: background_tasks.create(_watch_schemas(gate), name="dbadmin: schema changes"))
    if gate.configured.scheduler:  # SCHEDULER=off leaves the schedules to other processes (or to a crontab)
        runner = Runner(lambda: gate.context)
        nicegui_app.on_startup(runner.start)
        nicegui_app.on_shutdown(runner.stop)
    ui.run_with(app, mount_path=prefix, title="dbadmin", favicon="🗄️", show_welcome_message=False, reconnect_timeout=10)
    return gate


class NotFramed:
    """Console responses may not be shown inside another site's frame (clickjacking): the modern header
    and the old one, on the console's own sub-application only, never the host's routes."""

    HEADERS = [
        (b"content-security-policy", b"frame-ancestors 'none'"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


async def _watch_schemas(gate: Gate) -> None:
    """Every minute, collect what the branches' DDL capture recorded, or poll those without it."""
    while True:
        await asyncio.sleep(capture.watch.EVERY_SECONDS)
        try:
            context = gate.context
        except DBAdminError:  # stopping, or not started yet
            continue
        try:
            await run_in_threadpool(capture.watch_once, context)
        except Exception:  # the watch goes on next minute; the console never depends on it
            _log.exception("dbadmin: the schema watch failed")


def _open_in_lifespan(app: FastAPI, gate: Gate) -> None:
    """Open dbadmin's context as ``app`` starts (before the host's own startup runs) and close it
    after the host's shutdown; both off the event loop (starting may start the embedded server)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(host: Any):
        with ExitStack() as stack:
            gate.start(await run_in_threadpool(stack.enter_context, open_context(gate.configured)))
            try:
                async with inner(host) as state:
                    yield state
            finally:
                gate.stop()
                await run_in_threadpool(stack.close)

    app.router.lifespan_context = lifespan
