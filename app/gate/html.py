"""The plain HTML the gate answers with before any console page can run."""

from __future__ import annotations

import html

from fastapi.responses import HTMLResponse


def plain_page(status: int, title: str, body_html: str) -> HTMLResponse:
    """A small, plain page for the login routes' dead ends (they run before any console page can)."""
    return HTMLResponse(
        f"<!doctype html><title>{html.escape(title)} · dbadmin</title>"
        "<body style='font-family:system-ui;max-width:40rem;margin:4rem auto;color:#0f172a'>"
        f"<h1 style='font-size:1.4rem'>{html.escape(title)}</h1><p>{body_html}</p></body>",
        status_code=status,
    )
