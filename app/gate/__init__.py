"""The gate: who is asking, and whether their login is still live, for one mounted console.

A request is identified, in this order, by one of dbadmin's API tokens
(``Authorization: Bearer dbadmin_...``), by the host application's identity callable
(embedded mode; any other bearer token is the host's own, e.g. its JWT), or by dbadmin's
own session cookie (``sessions.py``).  The routes that let people in and out are in
``login.py`` (and ``oidc.py``); limits for requests nobody is logged in for in ``limits.py``.

State-changing requests authenticated by a cookie must prove they come from the
console: an ``X-CSRF-Token`` header (the console and ``GET /auth/whoami`` give it) or a
same-origin ``Origin`` header.  Bearer-authenticated requests (dbadmin's tokens or the
host's) carry no ambient credentials and need neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from ..services import actions
from ..config import Settings
from ..services.context import Context
from ..services.errors import IdentityFailed, NotAllowed, NotAuthenticated, NotStarted
from ..services.operations import access, audit, rates
from ..services.operations.access import Principal
from . import host, login, oidc
from .html import plain_page
from .host import Identity
from .limits import ANONYMOUS_PER_MINUTE, TICKETS_PER_MINUTE, RateLimiter, RefusalCounter
from .sessions import LOGIN_COOKIE, Cookies, bearer, bound_principal, credential_of, route_of

__all__ = ["Gate", "Identity", "LOGIN_COOKIE", "credential_of", "plain_page"]


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
        self.secret = access.session_secret(settings)
        self.cookies = Cookies(self.secret, prefix)
        self.policy = access.RolePolicy.from_settings(settings)
        self.anonymous = RefusalCounter()
        self.anonymous_limiter = RateLimiter(ANONYMOUS_PER_MINUTE, what="requests without a login")
        self.ticket_limiter = RateLimiter(TICKETS_PER_MINUTE, what="login links tried")
        self.oauth: Any = oidc.client(settings) if settings.login == "oidc" and identity is None else None
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

    @property
    def mode(self) -> str:
        """``host`` (the host application logs people in), ``oidc`` or ``local``."""
        return "host" if self.identity is not None else self.settings.login

    def router(self) -> APIRouter:
        """``/auth/...`` routes, mounted inside the console's prefix."""
        return login.routes(self)

    # -- who is asking -----------------------------------------------------------------------

    async def principal(self, request: HTTPConnection) -> Principal | None:
        """The principal behind ``request`` (a page request or a socket's), or None for anonymous.

        In host mode the host's identity answers first; a console session made through the
        bridge (``POST /auth/session``) answers when it knows nobody.  Raises ``NotAllowed``
        for a host user the host gives no dbadmin role, ``IdentityFailed`` when its identity
        callable fails.  Lookups in the control store run off the event loop.
        """
        token = bearer(request)
        if token is not None and (token.startswith(access.TOKEN_PREFIX) or self.identity is None):
            return await run_in_threadpool(access.token_principal, self.context, token)
        if self.identity is not None:
            found = await self.host_principal(request)
            if found is not None or token is not None:  # the host's own bearer token is the host's to judge
                return found
        raw = self.cookies.session_id(request)
        session = await run_in_threadpool(access.session, self.context, raw) if raw else None
        return session.principal if session else None

    async def host_principal(self, request: HTTPConnection) -> Principal | None:
        """The host application's answer for ``request`` (``host.ask``)."""
        assert self.identity is not None
        return await host.ask(self.identity, request)

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
            access.require_live(self.context, bound_principal(credential))
        except NotAuthenticated:
            return False
        return True

    def csrf_token(self, credential: str | None) -> str | None:
        return self.cookies.csrf_token(credential)

    def cross_site(self, request: Request, principal: Principal | None) -> bool:
        return self.cookies.cross_site(request, principal)

    def end_sessions(self, name: str) -> int:
        """For the host application: end the console sessions its user ``name`` opened through the bridge (the
        user was demoted, deleted or signed out); their open pages end too.  Returns how many."""
        ended = access.end_sessions_of(self.context, str(name)[:200], "host")
        if ended:
            audit.note(
                self.context,
                actor=str(name)[:200],
                action=actions.AUTH_LOGOUT,
                outcome="ok",
                details={"by": "the application", "sessions": len(ended)},
            )
        for credential in ended:
            for told in self.session_ended:
                told(credential)
        return len(ended)

    # -- limits and refusals -----------------------------------------------------------------

    def check_rate(self, principal: Principal) -> None:
        """Count a change ``principal`` asks for, or raise ``RateLimited`` past ACTION_RATE_LIMIT a minute
        (counted in the control store, so every console process shares one count)."""
        rates.check(self.context, f"changes:{principal.name}", limit=self.settings.action_rate_limit)

    def refuse(self, request: Request, who: str | None, reason: str) -> None:
        """Audit a refused request: who (or anonymous), which route, why.

        Anybody can be refused, so anonymous refusals are counted, not written one by one:
        one row per route, reason and client address per minute, which says how many there
        were (``count``, the first of a minute; ``earlier`` carries the rest of the last one).
        A known person's refusals are rare and each is recorded.
        """
        route = route_of(request)
        details: dict[str, object] = {"route": route, "reason": reason[:300]}
        if who is None:
            client = request.client.host if request.client else "unknown"
            earlier = self.anonymous.count((route, reason[:300], client))
            if earlier is None:
                return  # already recorded this minute; counted
            details |= {"client": client, "earlier": earlier} if earlier else {"client": client}
        audit.note(
            self.context,
            actor=who or "anonymous",
            action=actions.AUTH_REFUSED,
            outcome="refused",
            details=details,
        )

    # -- where people go ---------------------------------------------------------------------

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
