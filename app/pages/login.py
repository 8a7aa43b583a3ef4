"""``/admin/login``: how to get in. With an identity provider, a button; in local mode, where the link is."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..auth import Gate
from .frame import frame


def register(gate: Gate) -> None:
    @ui.page("/login")
    def login(request: Request, next: str = ""):
        if gate.principal(request) is not None:
            return RedirectResponse(next if next.startswith(gate.prefix) else gate.prefix + "/", status_code=303)
        with frame("Sign in", None), ui.card().classes("w-[32rem] max-w-full mx-auto mt-12 gap-4").props(
                "data-testid=login"):
            ui.label("Sign in to dbadmin").classes("text-xl font-semibold")
            if gate.mode == "oidc":
                issuer = urlsplit(gate.settings.oidc_issuer).netloc
                ui.label(f"Sign in with your account at {issuer}. Admins can change the databases; "
                         "viewers can look.").classes("text-slate-600")
                # NiceGUI adds the mount prefix to the path; ``next`` is a full path for the login route
                ui.button("Sign in", icon="login", on_click=lambda: ui.navigate.to(
                    f"/auth/login?next={quote(next or gate.prefix + '/', safe='')}")).props("data-testid=sign-in")
            else:
                ui.label("This console runs in local mode: it listens on this machine only, and the person at "
                         "the machine is the admin.").classes("text-slate-600")
                ui.label("Open the one-time link that dbadmin serve printed in its terminal, or print a new "
                         "one with:").classes("text-slate-600")
                ui.code("dbadmin login-link", language="bash").classes("w-full")
