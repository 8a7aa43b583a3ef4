"""``/admin/login``: how to get in. With an identity provider, a button; in local mode, where the link is.

A plain HTML page, not a NiceGUI one: anonymous visitors get no live client on the server
(no memory held for them, no socket to open), and nothing on it needs one.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import app as nicegui_app

from ..gate import Gate

_STYLE = """
body{font-family:Roboto,system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0}
header{background:#0f172a;color:#fff;padding:.8rem 1.5rem;font-weight:600;letter-spacing:.03em;font-size:1.1rem}
main{max-width:32rem;margin:3rem auto;background:#fff;border-radius:.5rem;padding:1.5rem;
     box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 1rem} p{color:#475569;line-height:1.45}
a.button{display:inline-block;background:#1976d2;color:#fff;text-decoration:none;padding:.55rem 1.1rem;
         border-radius:.25rem;text-transform:uppercase;font-weight:500;font-size:.9rem}
code{display:block;background:#f1f5f9;padding:.6rem .8rem;border-radius:.25rem}
"""


def register(gate: Gate) -> None:
    @nicegui_app.get("/login", include_in_schema=False)
    async def login(request: Request, next: str = "") -> Response:
        if await gate.credential(request) is not None:
            return RedirectResponse(next if next.startswith(gate.prefix) else gate.prefix + "/", status_code=303)
        if gate.mode == "oidc":
            issuer = html.escape(urlsplit(gate.settings.oidc_issuer or "").netloc)
            target = f"{gate.prefix}/auth/login?next={quote(next or gate.prefix + '/', safe='')}"
            body = (
                f"<p>Sign in with your account at {issuer}. Admins can change the databases; viewers can look.</p>"
                f'<a class="button" data-testid="sign-in" href="{html.escape(target)}">Sign in</a>'
            )
        elif gate.mode == "host" and gate.host_login_url:
            return RedirectResponse(gate.login_url(gate.safe_next(next)), status_code=303)
        elif gate.mode == "host":
            body = "<p>This console uses the application's own login: sign in there, then come back.</p>"
        else:
            body = (
                "<p>This console runs in local mode: it listens on this machine only, and the person at the "
                "machine is the admin.</p><p>Open the one-time link that <b>dbadmin serve</b> printed in its "
                "terminal, or print a new one with:</p><code>dbadmin login-link</code>"
            )
        return HTMLResponse(
            f"<!doctype html><html lang=en><meta charset=utf-8><title>Sign in · dbadmin</title>"
            f"<style>{_STYLE}</style><header>dbadmin</header>"
            f'<main data-testid="login"><h1>Sign in to dbadmin</h1>{body}</main></html>'
        )
