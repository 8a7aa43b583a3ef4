"""The standalone ASGI application (``dbadmin serve``): a bare FastAPI app with dbadmin mounted at /admin."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import RedirectResponse, Response

from . import __version__
from .gate import Gate
from .mount import mount_admin
from .services.context import Context


def create_app(context: Context) -> tuple[FastAPI, Gate]:
    """Build the web application for ``context``. Call once per process (NiceGUI pages are process-wide)."""
    # The interactive docs load their script from a CDN into the console's origin: only for a
    # signed-in person (the schema itself, /openapi.json, says nothing secret).
    app = FastAPI(title="dbadmin", version=__version__, docs_url=None, redoc_url=None)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/admin/")

    gate = mount_admin(app, context=context)

    where = f"/api{gate.prefix}/docs"  # under the API's path, where the session cookie goes

    @app.get(where, include_in_schema=False)
    async def docs(request: Request) -> Response:
        if await gate.credential(request) is None:
            return RedirectResponse(gate.login_url(where), status_code=303)
        return get_swagger_ui_html(openapi_url="/openapi.json", title="dbadmin API")

    @app.get("/docs", include_in_schema=False)
    def docs_moved() -> RedirectResponse:
        return RedirectResponse(where)

    return app, gate
