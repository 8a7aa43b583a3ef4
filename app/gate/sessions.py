"""The console's session cookie and what binds a request to a login: signed ids, CSRF tokens, credentials.

Sessions are server-side rows in the control store (so logout and expiry are real); the
cookie holds a signed random id, http-only, ``SameSite=Lax``, ``Secure`` over https.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, Signer
from starlette.requests import HTTPConnection

from ..services import actions
from ..config import Settings
from ..services.operations import access, audit
from ..services.operations.access import Principal, Role

if TYPE_CHECKING:
    from . import Gate

SESSION_COOKIE = "dbadmin_session"
LOGIN_COOKIE = "dbadmin_login"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
R = TypeVar("R", bound=Response)


class Cookies:
    """The session cookie of one mounted console: its name, paths and signature."""

    def __init__(self, secret: str, prefix: str) -> None:
        self.secret = secret
        # Cookies ignore ports: a name of this instance's own keeps two dbadmins on one host (or any
        # other app there) from overwriting each other's session; the paths keep it to the console.
        self.name = f"{SESSION_COOKIE}_{hashlib.sha256(secret.encode()).hexdigest()[:10]}"
        self.paths = (prefix, f"/api{prefix}")
        self.signer = Signer(secret, salt="dbadmin-session")

    def session_id(self, request: HTTPConnection) -> str | None:
        """The session id the request's cookie carries, if its signature holds."""
        cookie = request.cookies.get(self.name)
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie).decode()
        except BadSignature:
            return None

    def set(self, request: Request, response: R, raw: str, settings: Settings) -> R:
        """``response`` carrying session ``raw``: one cookie for the console and one for its API."""
        secure = request.url.scheme == "https" or (settings.public_url or "").startswith("https://")
        for path in self.paths:
            response.set_cookie(
                self.name,
                self.signer.sign(raw).decode(),
                httponly=True,
                samesite="lax",
                secure=secure,
                path=path,
                max_age=int(settings.session_max_hours * 3600),
            )
        return response

    def clear(self, response: R) -> R:
        for path in self.paths:
            response.delete_cookie(self.name, path=path)
        return response

    def csrf_token(self, credential: str | None) -> str | None:
        """The token a cookie-authenticated login sends back in ``X-CSRF-Token`` (``whoami`` gives it).

        Derived from the login's credential: a console session's (new with every session) or,
        for a host application's cookie login, its user's.  None for nobody.
        """
        if credential is None:
            return None
        return hmac.new(self.secret.encode(), f"csrf:{credential}".encode(), hashlib.sha256).hexdigest()

    def cross_site(self, request: Request, principal: Principal | None) -> bool:
        """True when a state-changing, cookie-authenticated request does not prove it comes from this site.

        A bearer token (dbadmin's, or the host's own) is no ambient credential: a browser never
        sends it by itself, so such requests cannot be forged by another site.
        """
        if request.method in SAFE_METHODS or bearer(request) is not None:
            return False
        sent, expected = request.headers.get(CSRF_HEADER), self.csrf_token(credential_of(principal))
        if sent and expected and hmac.compare_digest(sent, expected):
            return False
        origin = request.headers.get("origin")
        return not (origin and urlsplit(origin).netloc == request.headers.get("host"))


def bearer(request: HTTPConnection) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None without one."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def credential_of(who: Principal | None) -> str | None:
    """What binds a page to a login: the session's (or token's) credential, or the host application's user."""
    if who is None:
        return None
    if who.credential:
        return who.credential
    return f"host:{who.name}:{who.role.value}" if who.via == "host" else None


def bound_principal(credential: str) -> Principal:
    """The principal a bound page's credential stands for, to check that its login is still live."""
    return Principal("a console page", Role.VIEWER, "page", credential=credential)


def route_of(request: Request) -> str:
    """The route a request matched (``GET /api/admin/db/{branch}/tables``), not the values it was sent with."""
    path = request.url.path
    for name, value in request.path_params.items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return f"{request.method} {path}"[:200]


def start(gate: Gate, principal: Principal) -> str:
    """A console session for ``principal``, audited; returns its id (only the cookie holds it)."""
    raw = access.start_session(gate.context, principal)
    audit.note(
        gate.context,
        actor=principal.name,
        action=actions.AUTH_LOGIN,
        outcome="ok",
        details={"via": principal.via, "role": principal.role.value},
    )
    return raw


def signed_in(gate: Gate, request: Request, principal: Principal, next_url: str) -> RedirectResponse:
    """A new session for ``principal`` and the way on to ``next_url`` (inside the console)."""
    raw = start(gate, principal)
    return gate.cookies.set(request, RedirectResponse(gate.safe_next(next_url), status_code=303), raw, gate.settings)
