"""Who is asking, and what they may do: principals, roles, sessions, login tickets, API tokens.

Roles are checked here, in the services, not only by hiding buttons: every
state-changing service entry point passes its ``Principal`` to ``require_admin``
inside the audited frame, so a viewer's attempt is refused and recorded whichever
front end (console, API, CLI) it came through.

Secrets handed out (session ids, one-time login tickets, API tokens) are random
256-bit values; only their SHA-256 is stored, which is enough for values that cannot be
guessed and keeps a copy of the control store from logging anyone in.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from psycopg.rows import class_row, dict_row

from .. import actions
from ...config import Settings
from ..errors import ConfigError, InvalidInput, NotAllowed, NotAuthenticated, NotFound
from ..results import one
from ..context import Context
from ..registry import CONTROL
from . import audit

TOKEN_PREFIX = "dbadmin_"
TICKET_MINUTES = 15


class Role(StrEnum):
    VIEWER = "viewer"
    ADMIN = "admin"

    @classmethod
    def parse(cls, value: object) -> Role:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise InvalidInput(f"unknown role {str(value)[:20]!r}: use admin or viewer") from None


@dataclass(frozen=True)
class Principal:
    """Someone acting: ``name`` is what the audit log records, ``via`` how they got in."""

    name: str
    role: Role
    via: str
    # What let them in and must still be live when they act: "session:<hash>" or "token:<hash>"
    # (never the secret itself); None for the CLI, the system and a host application's users.
    credential: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __str__(self) -> str:
        return self.name


SYSTEM = Principal("dbadmin", Role.ADMIN, "system")


def cli_principal() -> Principal:
    """Whoever runs the CLI: they hold the configuration (database URLs), so they are admin."""
    return Principal(f"{getpass.getuser()} (cli)", Role.ADMIN, "cli")


def local_principal() -> Principal:
    """The person at this machine in local mode (no identity provider; console on loopback only)."""
    return Principal(f"{getpass.getuser()} (local)", Role.ADMIN, "local")


def require_live(context: Context, principal: Principal) -> None:
    """Refuse unless the session or token ``principal`` came with is live now.

    A page, socket or request carries its principal from when it was opened; the
    session may have ended since (sign-out, idle or absolute expiry) or the token been
    revoked.  Every state-changing service asks here, at the moment it acts.
    """
    kind, _, key = (principal.credential or "").partition(":")
    if kind == "session":
        live = _live_session(context, key) is not None
    elif kind == "token":
        with context.registry.connection(CONTROL) as conn:
            live = (
                conn.execute("SELECT 1 FROM api_tokens WHERE token_hash = %s AND revoked_at IS NULL", (key,)).fetchone()
                is not None
            )
    else:
        return  # the CLI, the system, a host application's user (the host's login is the host's)
    if not live:
        raise NotAuthenticated(
            f"the {kind} of {principal.name} has ended (signed out, expired or revoked): sign in again"
        )


def require_admin(principal: Principal, what: str) -> None:
    """Refuse ``what`` unless ``principal`` is an admin (raises ``NotAllowed``, which the audit frame records)."""
    if not principal.is_admin:
        raise NotAllowed(f"{principal.name} is a {principal.role.value}: only admins may {what}")


# -- roles from an identity provider's claims --------------------------------------------------


@dataclass(frozen=True)
class RolePolicy:
    """Who gets which role, from ADMIN_EMAILS, ADMIN_GROUPS, VIEWER_EMAILS, VIEWER_DOMAINS."""

    admin_emails: frozenset[str]
    admin_groups: frozenset[str]
    viewer_emails: frozenset[str]
    viewer_domains: frozenset[str]
    groups_claim: str

    @classmethod
    def from_settings(cls, settings: Settings) -> RolePolicy:
        def items(text: str, lower: bool = True) -> frozenset[str]:
            return frozenset(
                item.strip().lower() if lower else item.strip() for item in text.split(",") if item.strip()
            )

        return cls(
            items(settings.admin_emails),
            items(settings.admin_groups, lower=False),
            items(settings.viewer_emails),
            frozenset(domain.lstrip("@") for domain in items(settings.viewer_domains)),
            settings.oidc_groups_claim,
        )

    def role_for(self, claims: Mapping[str, Any]) -> Role | None:
        """The role these ID token / userinfo claims earn, or None (not allowed in).

        An email counts only when verified; a provider that does not say whether it
        verified emails is trusted as configured (many enterprise IdPs omit the claim).
        """
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
            email = ""
        groups = claims.get(self.groups_claim) or []
        groups = {groups} if isinstance(groups, str) else {str(group) for group in groups}
        if (email and email in self.admin_emails) or groups & self.admin_groups:
            return Role.ADMIN
        if email and (email in self.viewer_emails or email.rpartition("@")[2] in self.viewer_domains):
            return Role.VIEWER
        return None


def display_name(claims: Mapping[str, Any]) -> str:
    """What the audit log calls a person who logged in: their email, else their subject."""
    return str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "unknown")[:200]


# -- secrets -------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def session_secret(settings: Settings) -> str:
    """SESSION_SECRET, or one generated on first use and kept (0600) in the data folder; never printed.

    The file is written whole under another name and linked into place, so several processes
    starting at once (``uvicorn --workers``) all read the one secret that won, never a half-written one.
    """
    if settings.session_secret:
        return settings.session_secret.get_secret_value()
    path = Path(settings.data_dir) / "session-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".session-secret-{secrets.token_hex(8)}")
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(staged, path)  # fails if another process linked its secret first: that one is used
        except FileExistsError:
            pass
        finally:
            staged.unlink()
    secret = path.read_text().strip()
    if not secret:
        raise ConfigError(f"{path} is empty: delete it (a new secret is made) or set SESSION_SECRET")
    return secret


# -- sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    actor: str
    role: Role
    via: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    key: str  # the id's hash

    @property
    def principal(self) -> Principal:
        return Principal(self.actor, Role(self.role), self.via, credential=f"session:{self.key}")


def start_session(context: Context, principal: Principal) -> str:
    """A new session for ``principal``; returns its id, which only the browser's cookie holds.  One the host
    application's bridge opened lasts HOST_SESSION_MINUTES: the host says again who its user is, and as what."""
    raw = secrets.token_urlsafe(32)
    settings = context.settings
    lasts = settings.host_session_minutes * 60 if principal.via == "host" else settings.session_max_hours * 3600
    with context.registry.connection(CONTROL) as conn:
        conn.execute(
            "INSERT INTO auth_sessions (id_hash, actor, role, via, expires_at)"
            " VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))",
            (
                _hash(raw),
                principal.name,
                principal.role.value,
                principal.via,
                lasts,
            ),
        )
    return raw


def session_credential(raw: str) -> str:
    """The credential a session's pages and requests carry (``Principal.credential``): its id's hash."""
    return f"session:{_hash(raw)}"


def session(context: Context, raw: str) -> Session | None:
    """The live session with this id, or None when unknown, ended, idle too long or past its absolute expiry.

    Every request asks, so this is a read; the session is marked seen at most once a minute.
    """
    return _live_session(context, _hash(raw))


def _live_session(context: Context, key: str) -> Session | None:
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            """
            SELECT actor, role, via, created_at, last_seen_at, expires_at,
                   last_seen_at < now() - interval '1 minute' AS stale
              FROM auth_sessions
             WHERE id_hash = %s AND ended_at IS NULL AND expires_at > now()
               AND last_seen_at > now() - make_interval(secs => %s)
            """,
            (key, context.settings.session_idle_minutes * 60),
        ).fetchone()
        if row and row.pop("stale"):
            cur.execute("UPDATE auth_sessions SET last_seen_at = now() WHERE id_hash = %s", (key,))
    return Session(**row, key=key) if row else None


def end_sessions_of(context: Context, actor: str, via: str) -> list[str]:
    """End every live session of ``actor`` that came ``via`` (the host's bridge, say); their credentials."""
    with context.registry.connection(CONTROL) as conn:
        ended = conn.execute(
            "UPDATE auth_sessions SET ended_at = now() WHERE actor = %s AND via = %s AND ended_at IS NULL"
            " RETURNING id_hash",
            (actor, via),
        ).fetchall()
    return [f"session:{key}" for (key,) in ended]


def end_session(context: Context, raw: str) -> None:
    with context.registry.connection(CONTROL) as conn:
        conn.execute("UPDATE auth_sessions SET ended_at = now() WHERE id_hash = %s AND ended_at IS NULL", (_hash(raw),))


# -- one-time login tickets (local mode) -----------------------------------------------------------


def issue_ticket(context: Context) -> str:
    """A one-time login ticket, valid for TICKET_MINUTES; `dbadmin serve` prints it as a link."""
    raw = secrets.token_urlsafe(32)
    with context.registry.connection(CONTROL) as conn:
        conn.execute("DELETE FROM auth_tickets WHERE expires_at < now()")
        conn.execute(
            "INSERT INTO auth_tickets (ticket_hash, expires_at) VALUES (%s, now() + make_interval(mins => %s))",
            (_hash(raw), TICKET_MINUTES),
        )
    return raw


def redeem_ticket(context: Context, raw: str) -> bool:
    """True once for a valid ticket (it is deleted in the same statement, so two tabs cannot both use it)."""
    with context.registry.connection(CONTROL) as conn:
        return (
            conn.execute(
                "DELETE FROM auth_tickets WHERE ticket_hash = %s AND expires_at > now() RETURNING 1",
                (_hash(raw or ""),),
            ).fetchone()
            is not None
        )


# -- API tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    role: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


_TOKEN_COLUMNS = "id, name, role, created_by, created_at, last_used_at, revoked_at"


def create_token(context: Context, *, name: str, role: Role | str, created_by: Principal) -> tuple[ApiToken, str]:
    """A new API token (audited); the raw value is returned once and never stored."""
    registry = context.registry
    with audit.operation(
        registry.control_pool(),
        actor=created_by.name,
        action=actions.TOKEN_CREATE,
        details={"name": str(name)[:100], "role": str(role)[:20]},
    ) as running:
        require_admin(created_by, "create API tokens")
        name = (name or "").strip()
        if not 1 <= len(name) <= 100 or not name.isprintable():
            raise InvalidInput("a token name must be 1 to 100 printable characters")
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(ApiToken)) as cur:
            token = one(
                cur.execute(
                    f"INSERT INTO api_tokens (name, role, token_hash, created_by) VALUES (%s, %s, %s, %s) RETURNING {_TOKEN_COLUMNS}",
                    (name, Role.parse(role).value, _hash(raw), created_by.name),
                )
            )
        running.details["token_id"] = token.id
    return token, raw


def token_principal(context: Context, raw: str) -> Principal | None:
    """Who a bearer token acts as, or None when it is unknown or revoked (its last use is noted once a minute)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    key = _hash(raw)
    with context.registry.connection(CONTROL) as conn:
        row = conn.execute(
            "SELECT id, name, role, coalesce(last_used_at < now() - interval '1 minute', true) FROM api_tokens"
            " WHERE token_hash = %s AND revoked_at IS NULL",
            (key,),
        ).fetchone()
        if row and row[3]:
            conn.execute("UPDATE api_tokens SET last_used_at = now() WHERE token_hash = %s", (key,))
    return Principal(f"token #{row[0]} {row[1]}", Role(row[2]), "token", credential=f"token:{key}") if row else None


def list_tokens(context: Context) -> list[ApiToken]:
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(ApiToken)) as cur:
        return cur.execute(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens ORDER BY id").fetchall()


def revoke_token(context: Context, token_id: int, *, by: Principal) -> ApiToken:
    """Revoke a token at once (audited); revoking twice keeps the first time."""
    registry = context.registry
    with audit.operation(
        registry.control_pool(), actor=by.name, action=actions.TOKEN_REVOKE, details={"token_id": token_id}
    ):
        require_admin(by, "revoke API tokens")
        with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(ApiToken)) as cur:
            token = cur.execute(
                f"UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s RETURNING {_TOKEN_COLUMNS}",
                (token_id,),
            ).fetchone()
        if token is None:
            raise NotFound(f"no API token #{token_id}")
    return token
