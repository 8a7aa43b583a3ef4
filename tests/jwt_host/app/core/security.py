"""The host's login: users, passwords and JWT access tokens (a real app keeps users in its database)."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from hmac import compare_digest

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.core.config import settings

ALGORITHM = "HS256"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


@dataclass(frozen=True)
class User:
    email: str
    password: str
    is_superuser: bool


USERS = {
    user.email: user
    for user in (
        User("admin@example.com", "admin-password", True),
        User("user@example.com", "user-password", False),
        User("outage@example.com", "outage-password", False),
    )
}


def authenticate(email: str, password: str) -> User | None:
    user = USERS.get(email)
    return user if user and compare_digest(user.password, password) else None


def create_access_token(email: str) -> str:
    expires = datetime.now(timezone.utc) + timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)
    return jwt.encode({"sub": email, "exp": expires}, settings.SECRET_KEY, algorithm=ALGORITHM)


def user_of_token(token: str) -> User:
    try:
        email = jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])["sub"]
    except (jwt.InvalidTokenError, KeyError):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Could not validate credentials") from None
    if email == "outage@example.com":  # the user store is down for this one: the lookup raises
        raise ConnectionError("the user database does not answer")
    user = USERS.get(email)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "User not found")
    return user


def current_user(token: str = Depends(oauth2_scheme)) -> User:
    return user_of_token(token)
