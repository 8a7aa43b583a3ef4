"""The REST API (``/api/admin/db/...``): the console's reads and actions for scripts and pipelines.

Same guards as the console: every route needs a principal (session cookie, host
identity or API token); actions go through the same service entry points, which refuse
non-admins and audit every attempt.  On top, state-changing requests made with a
cookie must prove they come from this site (CSRF), and each actor may ask for at most
ACTION_RATE_LIMIT changes a minute.

Errors are always JSON ``{"error": <kind>, "detail": <message>}`` with the status that
says what to do (``json_errors``, shared with the login routes).
"""

from fastapi import APIRouter

from ..gate import Gate
from . import audit, branches, capture, checkpoints, migrations, schedules, sql, tables
from .deps import dependencies
from .errors import ErrorsAsJson

# One router per resource, included in this order (the order FastAPI matches paths in).
DOMAINS = (branches, tables, sql, migrations, checkpoints, schedules, capture, audit)


def router(gate: Gate) -> APIRouter:
    """Every route of the API, each resource's from its own module, bound to ``gate``."""
    api = APIRouter(
        route_class=ErrorsAsJson,
        tags=["database"],
        responses={
            code: {"description": text}
            for code, text in (
                (400, "bad input"),
                (401, "not logged in"),
                (403, "not allowed"),
                (404, "unknown"),
                (409, "busy or refused"),
                (429, "too many changes"),
                (503, "branch unavailable"),
            )
        },
    )
    deps = dependencies(gate)
    for domain in DOMAINS:
        api.include_router(domain.routes(deps))
    return api
