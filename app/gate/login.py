"""The ``/auth/...`` routes, mounted inside the console's prefix: in, out, and who am I.

* **OIDC** (``OIDC_ISSUER`` set): ``/auth/login`` and ``/auth/callback`` (``oidc.py``).
* **Local** (no identity provider; the console binds to loopback only): a one-time ticket
  printed as a link by ``dbadmin serve`` (or ``dbadmin login-link``) makes the person at
  this machine the local admin (``/auth/local``).
* **The host bridge** (embedded mode): ``POST /auth/session`` with the host's own login
  (its bearer token) starts a console session for whoever the host's identity says it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import html

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..services import actions
from ..json_errors import error_response
from ..services.errors import IdentityFailed, NotAllowed, NotAuthenticated, NotFound, RateLimited
from ..services.operations import access, audit
from . import oidc, sessions
from .html import plain_page

if TYPE_CHECKING:
    from . import Gate


def routes(gate: Gate) -> APIRouter:
    router = APIRouter(prefix="/auth", include_in_schema=False)

    @router.get("/local")
    def local(request: Request, ticket: str = "", next: str = "") -> Any:
        return _local(gate, request, ticket, next)

    @router.get("/login")
    async def login(request: Request, next: str = "") -> Any:
        if gate.oauth is None:
            return RedirectResponse(f"{gate.prefix}/login", status_code=303)
        return await oidc.begin(gate, request, next)

    @router.get("/callback")
    async def callback(request: Request) -> Any:
        if gate.oauth is None:
            return plain_page(404, "Not available", "No identity provider is configured.")
        return await oidc.finish(gate, request)

    @router.post("/session")
    async def bridge(request: Request) -> Any:
        return await _bridge(gate, request)

    @router.post("/logout")
    def logout(request: Request) -> Any:
        return _logout(gate, request)

    @router.get("/whoami")
    async def whoami(request: Request) -> Any:
        return await _whoami(gate, request)

    return router


def _local(gate: Gate, request: Request, ticket: str, next_url: str) -> Response:
    if gate.mode != "local":
        return plain_page(
            404, "Not available", "Local login links are only used when no identity provider is configured."
        )
    if not access.redeem_ticket(gate.context, ticket):  # a good link always works; bad ones are counted
        try:
            gate.ticket_limiter.check(request.client.host if request.client else "unknown")
        except RateLimited as exc:
            gate.refuse(request, None, "too many login links tried")
            return plain_page(429, "Too many tries", html.escape(str(exc)) + ".")
        gate.refuse(request, None, "unknown, used or expired login link")
        return plain_page(
            403,
            "This login link does not work",
            "It was already used, has expired, or was mistyped. Run <code>dbadmin login-link</code> "
            "on the machine that runs dbadmin to get a new one.",
        )
    return sessions.signed_in(gate, request, access.local_principal(), next_url)


async def _bridge(gate: Gate, request: Request) -> Response:
    """Host mode: a console session for whoever the host's identity says this request is.

    The bridge for hosts that keep their login in a header (a JWT in the frontend's
    storage): the frontend posts here once with that header, and the browser then opens
    the console with dbadmin's cookie.  The session is dbadmin's own, so it ends on
    sign-out and expires like any other.
    """
    if gate.mode != "host":
        return error_response(NotFound("only an application that mounts dbadmin with identity= has this"))
    try:
        principal = await gate.host_principal(request)
    except (NotAllowed, IdentityFailed) as exc:
        await run_in_threadpool(gate.refuse, request, None, str(exc))
        return error_response(exc)
    if principal is None:
        await run_in_threadpool(gate.refuse, request, None, "not logged in to the application")
        return error_response(NotAuthenticated("not logged in to the application"))
    if gate.cross_site(request, principal):
        await run_in_threadpool(gate.refuse, request, principal.name, "cross-site request for a console session")
        return error_response(NotAllowed("refused: send the application's bearer token, or a same-origin request"))
    try:
        await run_in_threadpool(gate.check_rate, principal)  # each session is a row: limited as changes
    except RateLimited as exc:
        return error_response(exc)
    raw = await run_in_threadpool(sessions.start, gate, principal)
    body = {
        "name": principal.name,
        "role": principal.role.value,
        "csrf_token": gate.csrf_token(access.session_credential(raw)),
    }
    response = JSONResponse(body, headers={"Cache-Control": "no-store"})
    return gate.cookies.set(request, response, raw, gate.settings)


def _logout(gate: Gate, request: Request) -> Response:
    raw = gate.cookies.session_id(request)
    found = access.session(gate.context, raw) if raw else None
    if gate.cross_site(request, found.principal if found else None):
        return plain_page(403, "Not signed out", "The request did not come from the console.")
    if raw:
        access.end_session(gate.context, raw)
        if found:
            audit.note(gate.context, actor=found.actor, action=actions.AUTH_LOGOUT, outcome="ok")
            for ended in gate.session_ended:
                ended(found.principal.credential or "")
    return gate.cookies.clear(RedirectResponse(f"{gate.prefix}/login", status_code=303))


async def _whoami(gate: Gate, request: Request) -> Any:
    try:
        principal = await gate.principal(request)
    except (NotAllowed, IdentityFailed) as exc:
        return error_response(exc)
    if principal is None:
        return error_response(NotAuthenticated("not logged in"))
    cookie = sessions.bearer(request) is None  # only a cookie login needs a CSRF token
    return {
        "name": principal.name,
        "role": principal.role.value,
        "via": principal.via,
        "csrf_token": gate.csrf_token(sessions.credential_of(principal)) if cookie else None,
    }
