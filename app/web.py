"""The standalone ASGI application (``dbadmin serve``): a bare FastAPI app with dbadmin mounted at /admin."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from . import __version__
from .auth import Gate
from .mount import mount_admin
from .services.context import Context


def create_app(context: Context) -> tuple[FastAPI, Gate]:
    """Build the web application for ``context``. Call once per process (NiceGUI pages are process-wide)."""
    app = FastAPI(title="dbadmin", version=__version__)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/admin/")

    return app, mount_admin(app, context=context)
