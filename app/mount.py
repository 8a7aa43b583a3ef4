"""``mount_admin``: the console and the API inside any FastAPI application.

The console's pages, login routes and assets live under ``prefix`` (default
``/admin``); the API under ``/api<prefix>/db``.  Host routes and middleware keep
working: dbadmin only adds a mount and a router, never an app-wide handler.

Identity: pass ``identity=`` (a callable that takes the request and returns a
``Principal``, a ``(name, "admin" | "viewer")`` pair, or None) to reuse the host's own
login; otherwise dbadmin's login applies (OIDC when configured, else local links).
"""

from __future__ import annotations

from contextlib import ExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from nicegui import app as nicegui_app
from nicegui import ui
from starlette.middleware.sessions import SessionMiddleware

from . import api, pages
from .auth import LOGIN_COOKIE, Gate, Identity
from .live import LivePages
from .config import Settings, load_settings
from .services.context import Context, open_context
from .services.errors import ConfigError


def mount_admin(app: FastAPI, *, context: Context | None = None, settings: Settings | None = None,
                prefix: str = "/admin", identity: Identity | None = None) -> Gate:
    """Mount dbadmin into ``app``; once per process (NiceGUI's pages are process-wide).

    Without ``context``, one is opened from ``settings`` (or the environment) now and
    closed when ``app`` shuts down.
    """
    prefix = "/" + prefix.strip("/")
    if prefix == "/":
        raise ConfigError("mount_admin: prefix must be a path such as /admin, not /")
    if context is None:
        stack = ExitStack()
        context = stack.enter_context(open_context(settings or load_settings()))
        _close_on_shutdown(app, stack)
    gate = Gate(context, prefix=prefix, identity=identity)
    gate.live = LivePages(gate)
    gate.live.install()
    gate.session_ended.append(gate.live.end)
    nicegui_app.include_router(gate.router())
    # authlib keeps a login's state, nonce and PKCE verifier here between redirect and callback
    nicegui_app.add_middleware(SessionMiddleware, secret_key=gate.secret, session_cookie=LOGIN_COOKIE, path=prefix,
                               max_age=600, same_site="lax")
    nicegui_app.add_middleware(NotFramed)
    app.include_router(api.router(gate), prefix=f"/api{prefix}/db")
    pages.register(gate)
    ui.run_with(app, mount_path=prefix, title="dbadmin", favicon="🗄️", show_welcome_message=False,
                reconnect_timeout=10)
    return gate


class NotFramed:
    """Console responses may not be shown inside another site's frame (clickjacking): the modern header
    and the old one, on the console's own sub-application only, never the host's routes."""

    HEADERS = [(b"content-security-policy", b"frame-ancestors 'none'"), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"same-origin")]

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


def _close_on_shutdown(app: FastAPI, stack: ExitStack) -> None:
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(host: Any):
        try:
            async with inner(host) as state:
                yield state
        finally:
            stack.close()

    app.router.lifespan_context = lifespan
