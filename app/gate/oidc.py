"""Sign-in through an OpenID Connect provider: authorization code with PKCE, ``state`` and ``nonce``.

authlib checks state, nonce and PKCE; the state lives in a short-lived signed cookie and is
single-use, so a replayed callback is refused.  Roles come from the claims (``RolePolicy``).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ..config import Settings
from ..services.operations import access
from ..services.operations.access import Principal
from . import sessions
from .html import plain_page

if TYPE_CHECKING:
    from . import Gate


def client(settings: Settings) -> Any:
    """authlib's client for the configured provider (its metadata is read at the first sign-in)."""
    from authlib.integrations.starlette_client import OAuth

    return OAuth().register(
        "oidc",
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )


async def begin(gate: Gate, request: Request, next_url: str) -> Response:
    """Send the visitor to the provider, remembering where they were going."""
    request.session["next"] = gate.safe_next(next_url)
    try:
        return await gate.oauth.authorize_redirect(request, _callback_url(gate, request))
    except httpx.HTTPError as exc:
        return await run_in_threadpool(_provider_down, gate, request, exc)


async def finish(gate: Gate, request: Request) -> Response:
    """The provider's answer: checked, turned into a role by the policy, and a session (or a refusal)."""
    issuer = request.query_params.get("iss")
    if issuer is not None and issuer.rstrip("/") != gate.settings.oidc_issuer:  # RFC 9207: a mix-up attack
        await run_in_threadpool(gate.refuse, request, None, "login failed: the answer names another issuer")
        return _failed(gate, "The answer came from another identity provider than this dbadmin's.")
    from authlib.integrations.base_client import OAuthError

    try:
        claims = await _claims(gate, request)
    except httpx.HTTPError as exc:
        return await run_in_threadpool(_provider_down, gate, request, exc)
    except OAuthError as exc:
        await run_in_threadpool(gate.refuse, request, None, f"login failed: {exc.error}")
        return _failed(gate, f"The identity provider's answer was refused ({html.escape(exc.error)}).")
    role = gate.policy.role_for(claims)
    who = access.display_name(claims)
    if role is None:
        await run_in_threadpool(
            gate.refuse, request, who, "not in ADMIN_EMAILS, ADMIN_GROUPS, VIEWER_EMAILS or VIEWER_DOMAINS"
        )
        return plain_page(
            403,
            "You are signed in, but not allowed here",
            f"{html.escape(who)} is not on this dbadmin's list of admins or viewers (or the "
            "provider has not verified the email address). Ask an admin to add you.",
        )
    principal = Principal(who, role, "oidc")
    return await run_in_threadpool(sessions.signed_in, gate, request, principal, request.session.pop("next", ""))


async def _claims(gate: Gate, request: Request) -> dict:
    token = await gate.oauth.authorize_access_token(request)  # checks state, nonce, PKCE
    claims = dict(token.get("userinfo") or {})
    if "email" not in claims and gate.oauth.server_metadata.get("userinfo_endpoint"):
        claims |= dict(await gate.oauth.userinfo(token=token))
    return claims


def _failed(gate: Gate, why_html: str) -> HTMLResponse:
    return plain_page(400, "Login failed", f"{why_html} <a href='{gate.prefix}/login'>Try again</a>.")


def _provider_down(gate: Gate, request: Request, exc: Exception) -> HTMLResponse:
    where = urlsplit(gate.settings.oidc_issuer or "").netloc
    gate.refuse(request, None, f"identity provider {where} unreachable: {type(exc).__name__}")
    return plain_page(
        503,
        "The identity provider does not answer",
        f"dbadmin could not reach {html.escape(where)} to sign you in. Try again in a moment.",
    )


def _callback_url(gate: Gate, request: Request) -> str:
    """PUBLIC_URL's callback; the Host header only when none is set (then a loopback console)."""
    if gate.settings.public_url:
        return f"{gate.settings.public_url}{gate.prefix}/auth/callback"
    return f"{request.url.scheme}://{request.url.netloc}{gate.prefix}/auth/callback"
