"""The ASGI application: FastAPI underneath, the NiceGUI console on top."""

from __future__ import annotations

from fastapi import FastAPI
from nicegui import ui

from . import __version__, pages
from .services.context import Context


def create_app(context: Context) -> FastAPI:
    """Build the web application for ``context``. Call once per process (NiceGUI pages are process-wide)."""
    app = FastAPI(title="dbadmin", version=__version__)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    pages.register(context)
    ui.run_with(app, title="dbadmin", favicon="🗄️", show_welcome_message=False, reconnect_timeout=10)
    return app
