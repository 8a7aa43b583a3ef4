"""Every failure of a route as the API's JSON error shape, and every request body bounded."""

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from ..json_errors import error_response
from ..services.errors import DBAdminError

MAX_BODY = 64 * 1024  # every body the API takes is a few small fields


class ErrorsAsJson(APIRoute):
    """Every failure of a route becomes the API's JSON error shape, never a traceback."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            if request.method not in ("GET", "HEAD", "OPTIONS") and not await _bounded_body(request):
                return JSONResponse(
                    {"error": "too_large", "detail": f"a request body may hold at most {MAX_BODY // 1024} KiB"},
                    status_code=413,
                )
            try:
                response = await handler(request)
            except DBAdminError as exc:
                response = error_response(exc)
            except RequestValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors()
                )
                response = JSONResponse({"error": "invalid_input", "detail": problems[:1000]}, status_code=400)
            response.headers["Cache-Control"] = "no-store"  # answers name databases and people: never cached
            return response

        return handle


async def _bounded_body(request: Request) -> bool:
    """Read the body, up to MAX_BODY bytes (a missing or lying Content-Length included); False past it.

    Starlette keeps what was read, so the route reads the same body afterwards.
    """
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return False
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return False
        chunks.append(chunk)
    request._body = b"".join(chunks)  # noqa: SLF001 - Starlette's own cache of the body
    return True


def domain_router() -> APIRouter:
    """A router for one resource's routes: its failures become JSON errors (the route class stays when included)."""
    return APIRouter(route_class=ErrorsAsJson)
