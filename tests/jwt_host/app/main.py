"""The host application: its API under /api/v1, its login page, and dbadmin mounted at /admin."""

import logging
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from starlette.requests import HTTPConnection

from app.core.config import settings
from app.core.security import USERS, User, authenticate, create_access_token, current_user, user_of_token
from dbadmin import mount_admin

logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
logger = logging.getLogger("app")

app = FastAPI(title="host application")
app.add_middleware(
    CORSMiddleware,
    allow_origins=[settings.FRONTEND_ORIGIN],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


class ItemNotFound(Exception):
    pass


@app.exception_handler(ItemNotFound)
def item_not_found(request: Request, exc: ItemNotFound) -> JSONResponse:
    return JSONResponse({"message": "no such item"}, status_code=404)


@app.post("/api/v1/login/access-token")
def login_access_token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    user = authenticate(form.username, form.password)
    if user is None:
        raise HTTPException(400, "Incorrect email or password")
    logger.info("signed in: %s", user.email)
    return {"access_token": create_access_token(user.email), "token_type": "bearer"}


@app.get("/api/v1/users/me")
def read_me(user: Annotated[User, Depends(current_user)]) -> dict:
    return {"email": user.email, "is_superuser": user.is_superuser}


@app.get("/api/v1/items/{item_id}")
def read_item(item_id: int) -> dict:
    raise ItemNotFound(item_id)


@app.get("/api/v1/utils/health-check")
def health_check() -> bool:
    logger.info("health check")
    return True


@app.get("/login", response_class=HTMLResponse)
def login_page() -> str:
    """The frontend's login: the token goes to localStorage, then dbadmin's bridge gives the console a session."""
    return LOGIN_PAGE


async def dbadmin_identity(connection: HTTPConnection) -> tuple[str, str] | None:
    """Who dbadmin is talking to: the bearer token's user; superusers administer, other users look."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    user = user_of_token(token)
    return user.email, "admin" if user.is_superuser else "viewer"


dbadmin = mount_admin(app, prefix="/admin", identity=dbadmin_identity, login_url="/login")


@app.post("/api/v1/users/{email}/demote")
def demote(email: str, user: Annotated[User, Depends(current_user)]) -> dict:
    """A superuser takes another user's superuser flag away; dbadmin's console forgets them at once."""
    if not user.is_superuser or email not in USERS:
        raise HTTPException(403, "Not allowed")
    USERS[email] = replace(USERS[email], is_superuser=False)
    return {"email": email, "console_sessions_ended": dbadmin.end_sessions(email)}


LOGIN_PAGE = """<!doctype html><html lang=en><meta charset=utf-8><title>Sign in · host application</title>
<body style="font-family:system-ui;max-width:24rem;margin:4rem auto">
<h1>Host application</h1>
<form id=login>
  <p><label>Email <input name=username type=email required></label></p>
  <p><label>Password <input name=password type=password required></label></p>
  <button>Sign in</button> <span id=problem role=alert></span>
</form>
<script>
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await fetch("/api/v1/login/access-token", {method: "POST", body: new URLSearchParams(new FormData(event.target))});
  if (!answer.ok) { document.getElementById("problem").textContent = "Wrong email or password"; return; }
  const token = (await answer.json()).access_token;
  localStorage.setItem("access_token", token);
  const next = new URLSearchParams(location.search).get("next") || "/";
  if (next.startsWith("/admin")) {  // the console takes a cookie: trade the token for a console session
    const bridged = await fetch("/admin/auth/session", {method: "POST", headers: {Authorization: "Bearer " + token}});
    if (!bridged.ok) { document.getElementById("problem").textContent = (await bridged.json()).detail; return; }
  }
  const local = next.startsWith("/") && !next.startsWith("//") && !next.includes("\\\\");  // never another site
  location.assign(local ? next : "/");
});
</script>
</body></html>"""
