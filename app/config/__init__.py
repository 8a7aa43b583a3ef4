"""Settings, read once from the environment and an optional ``.env``, then passed in.

``load_settings()`` is the only constructor front ends use: it turns pydantic's
validation errors into one line per bad variable that names the variable and never
repeats its value (a URL's value is a password).  The settings are one flat object
(``settings.neon_api_key``; every variable keeps its name) assembled from sections, one
module each: branches, migrations, capture, checkpoints (each strategy's beside its
name), schedules, notices, data, login, server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..services import dburl
from ..services.errors import ConfigError
from .branches import Branches
from .capture import Capture
from .checkpoints import Checkpoints, CloneSettings, DumpSettings, NeonSettings
from .parts import PARTS, SslMode, is_loopback, parse_env_mapping
from .data import DataAccess
from .login import Login
from .migrations import Migrations
from .notices import Notices
from .schedules import Schedules
from .server import Server

__all__ = [
    "PARTS",
    "Settings",
    "SslMode",
    "env_name",
    "env_names",
    "load_settings",
    "parse_env_mapping",
    "private_env_names",
]


class Settings(  # pydantic orders fields from the last base to the first: the sections in reverse
    BaseSettings,
    Server,
    Login,
    DataAccess,
    Notices,
    Schedules,
    NeonSettings,
    CloneSettings,
    DumpSettings,
    Checkpoints,
    Capture,
    Migrations,
    Branches,
):
    """Everything dbadmin can be told. With no database URL at all, it runs an embedded PostgreSQL."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True, frozen=True
    )

    @field_validator(
        "dev_database_url",
        "prod_database_url",
        "admin_database_url",
        "dev_reader_url",
        "prod_reader_url",
        mode="before",
    )
    @classmethod
    def _valid_url(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return SecretStr(dburl.normalize(raw))

    @model_validator(mode="before")
    @classmethod
    def _driver_from_urls(cls, data: Any) -> Any:
        """A branch URL written ``postgresql+psycopg2://`` names the driver env.py gets (the URL itself is kept
        in libpq's form, which has no driver)."""
        if not isinstance(data, dict) or data.get("migrations_driver") or data.get("MIGRATIONS_DRIVER"):
            return data
        named = {}
        for key in ("dev_database_url", "prod_database_url"):
            raw = data.get(key) or data.get(key.upper())
            raw = raw.get_secret_value() if isinstance(raw, SecretStr) else raw
            if isinstance(raw, str) and (found := dburl.driver(raw)):
                named[key.upper()] = found
        if len(set(named.values())) > 1:
            raise ValueError(
                "DEV_DATABASE_URL and PROD_DATABASE_URL name different drivers ("
                + ", ".join(f"{name}: {driver}" for name, driver in named.items())
                + "); the application's migrations run with one"
            )
        return data | ({"migrations_driver": next(iter(named.values()))} if named else {})

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        urls = {"DEV_DATABASE_URL": self.dev_database_url, "PROD_DATABASE_URL": self.prod_database_url}
        if any(urls.values()) and self.admin_database_url is None:
            raise ValueError(
                "ADMIN_DATABASE_URL: required once a branch URL is set (the control store keeps the audit log)"
            )
        if self.dev_database_url and self.dev_database_url == self.prod_database_url:
            raise ValueError(
                "PROD_DATABASE_URL: is the same URL as DEV_DATABASE_URL; the branches must be different databases"
            )
        for name, url in urls.items():
            if url and url == self.admin_database_url:
                raise ValueError(
                    f"ADMIN_DATABASE_URL: is the same URL as {name}; the control store needs its own database"
                )
        if bool(self.oidc_issuer) != bool(self.oidc_client_id):
            raise ValueError("OIDC_ISSUER and OIDC_CLIENT_ID: set both to enable login, or neither")
        if self.oidc_issuer and not (self.admin_emails or self.admin_groups):
            raise ValueError("ADMIN_EMAILS or ADMIN_GROUPS: required with OIDC_ISSUER, or nobody could act")
        if self.oidc_issuer and not self.public_url and not is_loopback(self.host):
            raise ValueError(
                "PUBLIC_URL: required with OIDC_ISSUER on a non-loopback address (the login's "
                "redirect URI is built from it, never from a request's Host header)"
            )
        # Without login, anyone who reaches the port would act as the local admin.
        if not self.oidc_issuer and not is_loopback(self.host):
            raise ValueError(
                "DBADMIN_HOST: must be a loopback address (127.0.0.1, ::1 or localhost) unless OIDC login is configured"
            )
        return self

    @property
    def login(self) -> Literal["oidc", "local"]:
        """``oidc`` when an identity provider is configured, else ``local`` (one-time links printed by the server)."""
        return "oidc" if self.oidc_issuer else "local"

    @property
    def embedded(self) -> bool:
        """True when no database URL is configured: dbadmin then runs its own PostgreSQL."""
        return not (self.dev_database_url or self.prod_database_url or self.admin_database_url)

    def migrations_python_path(self) -> list[Path]:
        """MIGRATIONS_PATH's folders, relative ones taken from the folder of MIGRATIONS."""
        if self.migrations is None:
            return []
        base = self.migrations.resolve()
        base = base.parent if base.is_file() else base
        return [base / folder for folder in self.migrations_path.split(os.pathsep) if folder.strip()]

    @property
    def checkpoint_path(self) -> Path:
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    def guarded(self, branch: str) -> bool:
        """Whether GUARD_DEV / GUARD_PROD asks for ``branch``'s guard to stay on."""
        return bool(getattr(self, f"guard_{branch}"))

    def secrets(self) -> tuple[str, ...]:
        """Every secret value in the settings, so error text can be scrubbed of them: a URL's
        password, any other secret whole (every ``SecretStr`` setting, so a new one is never missed)."""
        found: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if not isinstance(value, SecretStr) or not value.get_secret_value():
                continue
            if name == "webhook_urls":  # each URL whole: a Slack webhook's path is its secret
                found += value.get_secret_value().split()
            elif name.endswith(("_database_url", "_reader_url")):
                found.append(dburl.parts(value.get_secret_value()).get("password") or "")
            elif name.endswith("_url"):
                found.append(urlsplit(value.get_secret_value()).password or "")
            else:
                found.append(value.get_secret_value())
        return tuple(dict.fromkeys(secret for secret in found if secret))


def private_env_names() -> frozenset[str]:
    """dbadmin's variables that the application's env.py never sees: those its settings mark PRIVATE (every
    database URL: the other branch's, the control store's; and the login secrets).  The rest may be the
    application's too."""
    return frozenset(
        env_name(name)
        for name, field in Settings.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("private")
    )


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment (and ``.env``), with explicit overrides on top.

    Raises ``ConfigError`` whose message has one ``VARIABLE: problem`` part per bad value.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(error) for error in exc.errors())) from None


def _describe(error: Any) -> str:
    """``VARIABLE: message`` for one pydantic error, without the offending input."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:  # a model-level check already names its variable
        return message
    field = str(error["loc"][0])
    return f"{env_name(field) if field in Settings.model_fields else field.upper()}: {message}"


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (``data_dir`` is DBADMIN_DATA_DIR)."""
    alias = Settings.model_fields[field].validation_alias
    return str(alias.choices[0] if isinstance(alias, AliasChoices) else field).upper()


def env_names() -> tuple[str, ...]:
    """Every environment variable dbadmin reads, in the order the settings are declared."""
    return tuple(env_name(field) for field in Settings.model_fields)
