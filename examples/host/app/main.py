"""A host application with its own users, login and middleware, and dbadmin mounted at /admin."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import HTTPConnection

from dbadmin import mount_admin

# The host's users and roles; a real application has a user table and a proper login.
USERS = {"alice": "admin", "bob": "member"}

app = FastAPI(title="host application")


def user_of(connection: HTTPConnection) -> dict | None:
    """The host's own authentication, from a (demo, unsigned) cookie or its API's bearer token."""
    name = connection.cookies.get("demo_user")
    header = connection.headers.get("authorization", "")
    if header.startswith("Bearer host-token-"):  # the host's API login (a real one verifies a JWT)
        name = header.removeprefix("Bearer host-token-")
    return {"name": name, "role": USERS[name]} if name in USERS else None


class DemoLogin(BaseHTTPMiddleware):
    """Sets ``request.state.user`` for the host's own routes."""

    async def dispatch(self, request: Request, call_next):
        request.state.user = user_of(request)
        response = await call_next(request)
        response.headers["X-Host-Middleware"] = "ran"
        return response


app.add_middleware(DemoLogin)


@app.get("/")
def home(request: Request) -> dict:
    user = request.state.user
    return {"app": "host", "user": user["name"] if user else None}


@app.get("/login")
def login(user: str) -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("demo_user", user, httponly=True, samesite="lax")
    return response


def current_user(connection: HTTPConnection) -> tuple[str, str] | None:
    """dbadmin asks this who is signed in: the host's admins are dbadmin admins; other users get no role.

    It reads the connection itself rather than ``request.state``: dbadmin also asks for the
    console's socket, a websocket that HTTP middleware never sees.
    """
    user = user_of(connection)
    if user is None:
        return None
    return user["name"], "admin" if user["role"] == "admin" else "none"


mount_admin(app, prefix="/admin", identity=current_user)
