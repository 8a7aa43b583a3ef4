"""Login for the console and the API: who is asking, and the routes that let people in and out.

A request is identified, in this order, by one of dbadmin's API tokens
(``Authorization: Bearer dbadmin_...``), by the host application's identity callable
(embedded mode; any other bearer token is the host's own, e.g. its JWT), or by dbadmin's
own session cookie.  Sessions are server-side rows in the control store (so logout and
expiry are real); the cookie holds a signed random id, http-only, ``SameSite=Lax``,
``Secure`` over https.

People get a session in one of three ways:

* **OIDC** (``OIDC_ISSUER`` set): authorization code with PKCE, ``state`` and ``nonce``
  checked by authlib; the state lives in a short-lived signed cookie and is single-use,
  so a replayed callback is refused.  Roles come from the claims (``RolePolicy``).
* **Local** (no identity provider; the console binds to loopback only): a one-time
  ticket printed as a link by ``dbadmin serve`` (or ``dbadmin login-link``) makes the
  person at this machine the local admin.
* **The host bridge** (embedded mode): ``POST /auth/session`` with the host's own
  login (its bearer token) starts a console session for whoever the host's identity
  says it is, so a host that keeps its login out of cookies can open the console.

State-changing requests authenticated by a cookie must prove they come from the
console: an ``X-CSRF-Token`` header (the console and ``GET /auth/whoami`` give it) or a
same-origin ``Origin`` header.  Bearer-authenticated requests (dbadmin's tokens or the
host's) carry no ambient credentials and need neither.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import inspect
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from .config import Settings
from .json_errors import error_response
from .services.context import Context
from .services.errors import (
    DBAdminError,
    IdentityFailed,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    NotStarted,
    RateLimited,
)
from .services.frame import access as auth
from .services.frame import audit, rates
from .services.frame.access import Principal, Role

SESSION_COOKIE = "dbadmin_session"
LOGIN_COOKIE = "dbadmin_login"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ANONYMOUS_PER_MINUTE = 120  # API requests without a login that one client address may make a minute

# A host application's identity callable, sync or async, given the page's, request's or socket's
# connection: it returns a Principal, (name, "admin" | "viewer"), or None for nobody.
Identity = Callable[[HTTPConnection], Any]
_log = logging.getLogger("dbadmin")  # propagates to whatever the host application configured
R = TypeVar("R", bound=Response)


@dataclass
class RateLimiter:
    """At most ``limit`` requests per client address in any 60 seconds, in this process.

    For requests nobody is logged in for: counting them in the control store would give
    anyone a way to make it write.  The limit on changes, which people ask for, holds
    across processes (``Gate.check_rate``, ``services.frame.rates``).
    """

    limit: int
    window: float = 60.0
    what: str = "changes"
    _seen: dict[str, deque] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    MAX_KEYS = 10_000  # keys whose window has passed are forgotten past this many

    def check(self, actor: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > self.MAX_KEYS:
                self._seen = {
                    key: times for key, times in self._seen.items() if times and times[-1] > now - self.window
                }
            times = self._seen.setdefault(actor, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                retry = max(1, int(times[0] + self.window - now) + 1)
                raise RateLimited(
                    f"too many {self.what}: at most {self.limit} per minute; try again in {retry} s", retry
                )
            times.append(now)


class RefusalCounter:
    """How often each (route, reason, client) was refused, by minute, so that one row a minute tells it all.

    ``count(key)`` answers how many refusals of ``key`` were counted since the last recorded
    one, when this one should be recorded (the first of its minute), else None.  Keys expire
    with their minute, and at most ``MAX_KEYS`` are held: a flood of distinct keys is
    recorded, a row each minute per key, not remembered without limit.
    """

    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._minute = -1
        self._seen: dict[tuple, int] = {}
        self._carried: dict[tuple, int] = {}  # last minute's extra refusals, told with the next row
        self._lock = Lock()

    def count(self, key: tuple) -> int | None:
        minute = int(time.time() // 60)
        with self._lock:
            if minute != self._minute:
                self._carried = {k: n - 1 for k, n in self._seen.items() if n > 1} if minute == self._minute + 1 else {}
                self._seen, self._minute = {}, minute
            if key in self._seen:
                self._seen[key] += 1
                return None
            if len(self._seen) < self.MAX_KEYS:
                self._seen[key] = 1
            return self._carried.pop(key, 0)


class Gate:
    """Identifies requests and serves the login routes for one mounted console.

    Made from settings alone, so that mounting connects to nothing; the context (pools,
    control store) arrives with ``start``, from the host application's startup in
    embedded mode, before any request is served.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        prefix: str,
        identity: Identity | None = None,
        login_url: str | None = None,
        context: Context | None = None,
    ) -> None:
        self.settings = settings
        self.configured = settings  # as given: a restart opens from these, not the embedded server's URLs
        self._context = context
        self.prefix = prefix
        self.identity = identity
        self.host_login_url = login_url
        self.secret = auth.session_secret(settings)
        # Cookies ignore ports: a name of this instance's own keeps two dbadmins on one host (or any
        # other app there) from overwriting each other's session; the paths keep it to the console.
        self.cookie = f"{SESSION_COOKIE}_{hashlib.sha256(self.secret.encode()).hexdigest()[:10]}"
        self.cookie_paths = (prefix, f"/api{prefix}")
        self.signer = Signer(self.secret, salt="dbadmin-session")
        self.policy = auth.RolePolicy.from_settings(settings)
        self.anonymous = RefusalCounter()
        self.anonymous_limiter = RateLimiter(ANONYMOUS_PER_MINUTE, what="requests without a login")
        self.oauth = self._oauth() if settings.login == "oidc" and identity is None else None
        # Told a session's credential when it ends (sign-out), so its open pages end too (``live.LivePages``).
        self.session_ended: list[Callable[[str], object]] = []
        self.live: Any = None  # the live pages bound to logins (``live.LivePages``), set where the console is mounted

    @property
    def context(self) -> Context:
        if self._context is None:
            raise NotStarted("dbadmin is not started: it opens with the application's startup")
        return self._context

    def start(self, context: Context) -> None:
        """Serve with ``context`` from now on (its settings carry the embedded server's URLs, if any)."""
        self._context, self.settings = context, context.settings

    def stop(self) -> None:
        self._context, self.settings = None, self.configured

    def check_rate(self, principal: Principal) -> None:
        """Count a change ``principal`` asks for, or raise ``RateLimited`` past ACTION_RATE_LIMIT a minute
        (counted in the control store, so every console process shares one count)."""
        rates.check(self.context.registry, f"changes:{principal.name}", limit=self.settings.action_rate_limit)

    @property
    def mode(self) -> str:
        """``host`` (the host application logs people in), ``oidc`` or ``local``."""
        return "host" if self.identity is not None else self.settings.login

    # -- who is asking -----------------------------------------------------------------------

    async def principal(self, request: HTTPConnection) -> Principal | None:
        """The principal behind ``request`` (a page request or a socket's), or None for anonymous.

        In host mode the host's identity answers first; a console session made through the
        bridge (``POST /auth/session``) answers when it knows nobody.  Raises ``NotAllowed``
        for a host user the host gives no dbadmin role, ``IdentityFailed`` when its identity
        callable fails.  Lookups in the control store run off the event loop.
        """
        token = _bearer(request)
        if token is not None and (token.startswith(auth.TOKEN_PREFIX) or self.identity is None):
            return await run_in_threadpool(auth.token_principal, self.context.registry, token)
        if self.identity is not None:
            found = await self.host_principal(request)
            if found is not None or token is not None:  # the host's own bearer token is the host's to judge
                return found
        raw = self._session_id(request)
        session = await run_in_threadpool(auth.session, self.context.registry, raw, self.settings) if raw else None
        return session.principal if session else None

    async def host_principal(self, request: HTTPConnection) -> Principal | None:
        """Ask the host application's identity (sync ones in a worker thread, so a lookup never blocks
        the event loop).  Its ``HTTPException`` speaks for it: 401 is nobody, another 4xx a refusal."""
        assert self.identity is not None
        try:
            if inspect.iscoroutinefunction(self.identity):
                found = await self.identity(request)
            else:
                found = await run_in_threadpool(self.identity, request)
                if inspect.isawaitable(found):
                    found = await found
            return _host_principal(found)
        except HTTPException as exc:
            if exc.status_code == 401:
                return None
            if exc.status_code < 500:
                raise NotAllowed(f"the application refused: {str(exc.detail)[:200]}") from None
            _log.error("the application's identity callable answered %s: %s", exc.status_code, exc.detail)
            raise IdentityFailed("the application's login check failed; its log says why") from None
        except DBAdminError:
            raise
        except Exception:
            _log.exception("the application's identity callable failed")
            raise IdentityFailed("the application's login check failed; its log says why") from None

    async def credential(self, request: HTTPConnection) -> str | None:
        """The login behind ``request`` as a page or socket is bound to it; None for nobody."""
        try:
            return credential_of(await self.principal(request))
        except (NotAllowed, IdentityFailed, NotStarted):
            return None

    def still_live(self, credential: str) -> bool:
        """Whether a bound page's login is still live (a host application's users are the host's to end)."""
        if credential.startswith("host:"):
            return True
        try:
            auth.require_live(self.context.registry, _bound_principal(credential), self.settings)
        except NotAuthenticated:
            return False
        return True

    def _session_id(self, request: HTTPConnection) -> str | None:
        cookie = request.cookies.get(self.cookie)
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie).decode()
        except BadSignature:
            return None

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
        if request.method in SAFE_METHODS or _bearer(request) is not None:
            return False
        sent, expected = request.headers.get(CSRF_HEADER), self.csrf_token(credential_of(principal))
        if sent and expected and hmac.compare_digest(sent, expected):
            return False
        origin = request.headers.get("origin")
        return not (origin and urlsplit(origin).netloc == request.headers.get("host"))

    def refuse(self, request: Request, who: str | None, reason: str) -> None:
        """Audit a refused request: who (or anonymous), which route, why.

        Anybody can be refused, so anonymous refusals are counted, not written one by one:
        one row per route, reason and client address per minute, which says how many there
        were (``count``, the first of a minute; ``earlier`` carries the rest of the last one).
        A known person's refusals are rare and each is recorded.
        """
        route = _route_of(request)
        details: dict[str, object] = {"route": route, "reason": reason[:300]}
        if who is None:
            client = request.client.host if request.client else "unknown"
            earlier = self.anonymous.count((route, reason[:300], client))
            if earlier is None:
                return  # already recorded this minute; counted
            details |= {"client": client, "earlier": earlier} if earlier else {"client": client}
        audit.record(
            self.context.registry.control_pool(),
            actor=who or "anonymous",
            action="auth.refused",
            outcome="refused",
            details=details,
        )

    # -- sessions --------------------------------------------------------------------------

    def _signed_in(self, request: Request, principal: Principal, next_url: str) -> RedirectResponse:
        raw = self._new_session(principal)
        return self._with_cookie(request, RedirectResponse(self.safe_next(next_url), status_code=303), raw)

    def _new_session(self, principal: Principal) -> str:
        """A console session for ``principal``, audited; returns its id (only the cookie holds it)."""
        raw = auth.start_session(self.context.registry, principal, self.settings)
        audit.record(
            self.context.registry.control_pool(),
            actor=principal.name,
            action="auth.login",
            outcome="ok",
            details={"via": principal.via, "role": principal.role.value},
        )
        return raw

    def _with_cookie(self, request: Request, response: R, raw: str) -> R:
        secure = request.url.scheme == "https" or (self.settings.public_url or "").startswith("https://")
        for path in self.cookie_paths:  # the console and its API: one cookie each, the same session
            response.set_cookie(
                self.cookie,
                self.signer.sign(raw).decode(),
                httponly=True,
                samesite="lax",
                secure=secure,
                path=path,
                max_age=int(self.settings.session_max_hours * 3600),
            )
        return response

    def safe_next(self, next_url: str | None) -> str:
        """Only a path inside the console (or the API docs): never an open redirect to another site."""
        if next_url is None:
            return self.prefix + "/"
        inside = next_url.startswith(self.prefix) or next_url == f"/api{self.prefix}/docs"
        if inside and not next_url.startswith("//") and "\\" not in next_url:
            return next_url
        return self.prefix + "/"

    def login_url(self, next_url: str) -> str:
        """Where a visitor signs in, coming back to ``next_url``: the host application's login page when
        it named one (``login_url=``, given ``next``), else the console's own."""
        if self.mode == "host" and self.host_login_url:
            return f"{self.host_login_url}{'&' if '?' in self.host_login_url else '?'}next={quote(next_url, safe='')}"
        return f"{self.prefix}/login?next={quote(next_url, safe='')}"

    # -- routes -------------------------------------------------------------------------------

    def router(self) -> APIRouter:
        """``/auth/...`` routes, mounted inside the console's prefix."""
        router = APIRouter(prefix="/auth", include_in_schema=False)

        @router.get("/local")
        def local(request: Request, ticket: str = "", next: str = "") -> Any:
            if self.mode != "local":
                return plain_page(
                    404, "Not available", "Local login links are only used when no identity provider is configured."
                )
            if not auth.redeem_ticket(self.context.registry, ticket):
                self.refuse(request, None, "unknown, used or expired login link")
                return plain_page(
                    403,
                    "This login link does not work",
                    "It was already used, has expired, or was mistyped. Run <code>dbadmin login-link</code> "
                    "on the machine that runs dbadmin to get a new one.",
                )
            return self._signed_in(request, auth.local_principal(), next)

        @router.get("/login")
        async def login(request: Request, next: str = "") -> Any:
            if self.oauth is None:
                return RedirectResponse(f"{self.prefix}/login", status_code=303)
            request.session["next"] = self.safe_next(next)
            try:
                return await self.oauth.authorize_redirect(request, self._callback_url(request))
            except httpx.HTTPError as exc:
                return await run_in_threadpool(self._provider_down, request, exc)

        @router.get("/callback")
        async def callback(request: Request) -> Any:
            if self.oauth is None:
                return plain_page(404, "Not available", "No identity provider is configured.")
            from authlib.integrations.base_client import OAuthError

            issuer = request.query_params.get("iss")
            if issuer is not None and issuer.rstrip("/") != self.settings.oidc_issuer:  # RFC 9207: a mix-up attack
                await run_in_threadpool(self.refuse, request, None, "login failed: the answer names another issuer")
                return plain_page(
                    400,
                    "Login failed",
                    "The answer came from another identity provider than "
                    f"this dbadmin's. <a href='{self.prefix}/login'>Try again</a>.",
                )
            try:
                token = await self.oauth.authorize_access_token(request)  # checks state, nonce, PKCE
                claims = dict(token.get("userinfo") or {})
                if "email" not in claims and self.oauth.server_metadata.get("userinfo_endpoint"):
                    claims |= dict(await self.oauth.userinfo(token=token))
            except httpx.HTTPError as exc:
                return await run_in_threadpool(self._provider_down, request, exc)
            except OAuthError as exc:
                await run_in_threadpool(self.refuse, request, None, f"login failed: {exc.error}")
                return plain_page(
                    400,
                    "Login failed",
                    f"The identity provider's answer was refused "
                    f"({html.escape(exc.error)}). <a href='{self.prefix}/login'>Try again</a>.",
                )
            role = self.policy.role_for(claims)
            who = auth.display_name(claims)
            if role is None:
                await run_in_threadpool(
                    self.refuse, request, who, "not in ADMIN_EMAILS, ADMIN_GROUPS, VIEWER_EMAILS or VIEWER_DOMAINS"
                )
                return plain_page(
                    403,
                    "You are signed in, but not allowed here",
                    f"{html.escape(who)} is not on this dbadmin's list of admins or viewers (or the "
                    "provider has not verified the email address). Ask an admin to add you.",
                )
            return await run_in_threadpool(
                self._signed_in, request, Principal(who, role, "oidc"), request.session.pop("next", "")
            )

        @router.post("/session")
        async def bridge(request: Request) -> Any:
            """Host mode: a console session for whoever the host's identity says this request is.

            The bridge for hosts that keep their login in a header (a JWT in the frontend's
            storage): the frontend posts here once with that header, and the browser then
            opens the console with dbadmin's cookie.  The session is dbadmin's own, so it
            ends on sign-out and expires like any other.
            """
            if self.mode != "host":
                return error_response(NotFound("only an application that mounts dbadmin with identity= has this"))
            try:
                principal = await self.host_principal(request)
            except (NotAllowed, IdentityFailed) as exc:
                await run_in_threadpool(self.refuse, request, None, str(exc))
                return error_response(exc)
            if principal is None:
                await run_in_threadpool(self.refuse, request, None, "not logged in to the application")
                return error_response(NotAuthenticated("not logged in to the application"))
            if self.cross_site(request, principal):
                await run_in_threadpool(
                    self.refuse, request, principal.name, "cross-site request for a console session"
                )
                return error_response(
                    NotAllowed("refused: send the application's bearer token, or a same-origin request")
                )
            try:
                await run_in_threadpool(self.check_rate, principal)  # each session is a row: limited as changes
            except RateLimited as exc:
                return error_response(exc)
            raw = await run_in_threadpool(self._new_session, principal)
            body = {
                "name": principal.name,
                "role": principal.role.value,
                "csrf_token": self.csrf_token(auth.session_credential(raw)),
            }
            return self._with_cookie(request, JSONResponse(body, headers={"Cache-Control": "no-store"}), raw)

        @router.post("/logout")
        def logout(request: Request) -> Any:
            raw = self._session_id(request)
            found = auth.session(self.context.registry, raw, self.settings) if raw else None
            if self.cross_site(request, found.principal if found else None):
                return plain_page(403, "Not signed out", "The request did not come from the console.")
            if raw:
                auth.end_session(self.context.registry, raw)
                if found:
                    audit.record(
                        self.context.registry.control_pool(), actor=found.actor, action="auth.logout", outcome="ok"
                    )
                    for ended in self.session_ended:
                        ended(found.principal.credential or "")
            response = RedirectResponse(f"{self.prefix}/login", status_code=303)
            for path in self.cookie_paths:
                response.delete_cookie(self.cookie, path=path)
            return response

        @router.get("/whoami")
        async def whoami(request: Request) -> Any:
            try:
                principal = await self.principal(request)
            except (NotAllowed, IdentityFailed) as exc:
                return error_response(exc)
            if principal is None:
                return error_response(NotAuthenticated("not logged in"))
            cookie = _bearer(request) is None  # only a cookie login needs a CSRF token
            return {
                "name": principal.name,
                "role": principal.role.value,
                "via": principal.via,
                "csrf_token": self.csrf_token(credential_of(principal)) if cookie else None,
            }

        return router

    def _provider_down(self, request: Request, exc: Exception) -> HTMLResponse:
        where = urlsplit(self.settings.oidc_issuer or "").netloc
        self.refuse(request, None, f"identity provider {where} unreachable: {type(exc).__name__}")
        return plain_page(
            503,
            "The identity provider does not answer",
            f"dbadmin could not reach {html.escape(where)} to sign you in. Try again in a moment.",
        )

    def _callback_url(self, request: Request) -> str:
        """PUBLIC_URL's callback; the Host header only when none is set (then a loopback console)."""
        if self.settings.public_url:
            return f"{self.settings.public_url}{self.prefix}/auth/callback"
        return f"{request.url.scheme}://{request.url.netloc}{self.prefix}/auth/callback"

    def _oauth(self) -> Any:
        from authlib.integrations.starlette_client import OAuth

        settings = self.settings
        oauth = OAuth()
        return oauth.register(
            "oidc",
            server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
            client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
        )


def _route_of(request: Request) -> str:
    """The route a request matched (``GET /api/admin/db/{branch}/tables``), not the values it was sent with."""
    path = request.url.path
    for name, value in request.path_params.items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return f"{request.method} {path}"[:200]


def _bearer(request: HTTPConnection) -> str | None:
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


def _bound_principal(credential: str) -> Principal:
    return Principal("a console page", Role.VIEWER, "page", credential=credential)


def _host_principal(found: Any) -> Principal | None:
    """A host identity as a Principal; a signed-in host user without a dbadmin role is refused, not anonymous.

    Anything but None, a Principal or a (name, role) pair is the identity's mistake: a
    ``TypeError`` the caller logs, never a guess at what was meant.
    """
    if found is None or isinstance(found, Principal):
        return found
    if not isinstance(found, tuple | list) or len(found) != 2:
        raise TypeError(
            f"identity= returned a {type(found).__name__}; it must return None, a Principal or "
            "(name, 'admin' | 'viewer')"
        )
    name, role = found
    if str(role).lower() not in ("admin", "viewer"):
        raise NotAllowed(f"{str(name)[:200]} is signed in to the application but has no dbadmin role")
    return Principal(str(name)[:200], Role(str(role).lower()), "host")


def plain_page(status: int, title: str, body_html: str) -> HTMLResponse:
    """A small, plain page for the login routes' dead ends (they run before any console page can)."""
    return HTMLResponse(
        f"<!doctype html><title>{html.escape(title)} · dbadmin</title>"
        "<body style='font-family:system-ui;max-width:40rem;margin:4rem auto;color:#0f172a'>"
        f"<h1 style='font-size:1.4rem'>{html.escape(title)}</h1><p>{body_html}</p></body>",
        status_code=status,
    )
