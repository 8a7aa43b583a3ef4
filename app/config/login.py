"""Who may sign in, as what, and for how long."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from .parts import PRIVATE, is_loopback


class Login(BaseModel):
    """Who may sign in, as what, and for how long."""

    oidc_issuer: str | None = Field(
        None, description="OpenID Connect issuer URL (discovery at /.well-known/openid-configuration); enables login."
    )
    oidc_client_id: str | None = Field(None, description="OAuth client id registered with the issuer.")
    oidc_client_secret: SecretStr | None = Field(
        None, json_schema_extra=PRIVATE, description="OAuth client secret (confidential client)."
    )
    oidc_scopes: str = Field("openid email profile", description="Scopes asked for at login.")
    oidc_groups_claim: str = Field(
        "groups", description="ID token / userinfo claim that lists the person's groups or roles."
    )
    admin_emails: str = Field("", description="Comma-separated verified emails that get the admin role.")
    admin_groups: str = Field("", description="Comma-separated groups (OIDC_GROUPS_CLAIM) that get the admin role.")
    viewer_emails: str = Field("", description="Comma-separated verified emails that may look but not change anything.")
    viewer_domains: str = Field(
        "", description="Comma-separated email domains whose verified addresses may look but not change anything."
    )
    session_secret: SecretStr | None = Field(
        None,
        json_schema_extra=PRIVATE,
        description="Signs session cookies (default: generated once and kept in DBADMIN_DATA_DIR).",
    )
    session_idle_minutes: float = Field(
        60, gt=0, le=10080, description="A session ends after this many minutes without a request."
    )
    session_max_hours: float = Field(
        12, gt=0, le=720, description="A session ends this many hours after login, active or not."
    )
    host_session_minutes: float = Field(
        15.0,
        gt=0,
        le=24 * 60,
        description="Minutes a console session opened through the host application's bridge (POST /auth/session) "
        "lasts; then the host's identity is asked again (its frontend posts to the bridge again).",
    )
    action_rate_limit: int = Field(
        10, ge=1, le=10000, description="Changes one person or token may ask for per minute through the API."
    )
    public_url: str | None = Field(
        None,
        description="The console's address as people reach it (https://ops.example.com behind a TLS proxy): the OIDC redirect URI is built from it, not from the Host header, and cookies are Secure when it is https.",
    )

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be the console's http(s) address, such as https://ops.example.com")
        return value.strip().rstrip("/")

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be the issuer's http(s) URL")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise ValueError("must use https (plain http is only accepted for a provider on this machine)")
        return value.strip().rstrip("/")
