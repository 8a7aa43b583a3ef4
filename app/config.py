"""Settings, read once from the environment and an optional ``.env``, then passed in.

``load_settings()`` is the only constructor front ends use: it turns pydantic's
validation errors into one line per bad variable that names the variable and never
repeats its value (a URL's value is a password).
"""

from __future__ import annotations

import ipaddress
import os
import re
import string
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .services import dburl
from .services.errors import ConfigError

# The parts of a branch URL that MIGRATIONS_ENV may hand env.py, as NAME={part}.
PARTS = ("url", "sqlalchemy_url", "host", "port", "database", "user", "password")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_env_mapping(text: str) -> dict[str, str]:
    """``NAME={part},...`` (MIGRATIONS_ENV) as a dict, or ``ValueError`` saying what is wrong."""
    mapping: dict[str, str] = {}
    for item in filter(None, (piece.strip() for piece in text.split(","))):
        name, sep, template = item.partition("=")
        name = name.strip()
        if not sep or not _ENV_NAME.match(name):
            raise ValueError(f"{item[:40]!r} is not NAME={{part}}")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        except ValueError:
            raise ValueError(f"{name}: unbalanced braces") from None
        if unknown := [f for f in fields if f not in PARTS]:
            raise ValueError(f"{name}: unknown part {{{unknown[0][:20]}}} (known: {', '.join(PARTS)})")
        mapping[name] = template.strip()
    return mapping


SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


def _env(name: str) -> Any:
    """Field options for a setting whose environment name differs from its attribute name."""
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Everything dbadmin can be told. With no database URL at all, it runs an embedded PostgreSQL."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True, frozen=True
    )

    dev_database_url: SecretStr | None = Field(None, description="Development branch database.")
    prod_database_url: SecretStr | None = Field(None, description="Production branch database.")
    admin_database_url: SecretStr | None = Field(
        None, description="dbadmin's control store: audit log, checkpoint catalog, migration runs."
    )
    db_ssl: SslMode | None = Field(None, description="libpq sslmode for every connection that does not set its own.")
    migrations: Path | None = Field(None, description="The application's alembic.ini or Alembic script directory.")
    migrations_env: str = Field(
        "DATABASE_URL={url}",
        description="Environment variables env.py is started with, NAME={part} comma-separated; parts: url, sqlalchemy_url, host, port, database, user, password of the branch (e.g. DATABASE_URL={url},POSTGRES_SERVER={host},POSTGRES_DB={database}).",
    )
    migrations_driver: str | None = Field(
        None,
        description="SQLAlchemy driver env.py's engine is made with (psycopg2, psycopg, asyncpg, pg8000, ...). "
        "Default: the one the branch URLs name (postgresql+psycopg2://...), else the one alembic.ini's sqlalchemy.url "
        "names, else SQLAlchemy's own default (psycopg2 when installed, psycopg otherwise).",
    )
    migrations_python: Path | None = Field(
        None,
        description="The Python that runs env.py (the application's, with its Alembic, SQLAlchemy and driver). "
        "Default: the active virtualenv (VIRTUAL_ENV), else a .venv or venv in the project's folder or above it, "
        "else the Python running dbadmin.",
    )
    migrations_path: str = Field(
        "",
        description="Folders put on env.py's sys.path (PYTHONPATH), separated by ':'; relative ones from the folder of alembic.ini.",
    )
    checkpoint_dir: Path | None = Field(
        None, description="Where dump checkpoints are stored (default: DATA_DIR/checkpoints)."
    )
    listing_cache_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="Seconds a branch's table listing is reused before the catalog is read again (0: not kept, every page waits for a catalog read); dbadmin's own changes refresh it at once.",
    )
    statement_timeout: float = Field(
        15.0, gt=0, le=3600, description="Seconds a read query may run before it is cancelled."
    )
    migration_statement_timeout: float = Field(
        600.0, ge=0, le=86400, description="Seconds one migration statement may run (0: no limit)."
    )
    migration_lock_timeout: float = Field(
        10.0, ge=0, le=3600, description="Seconds a migration waits for a table lock before giving up (0: no limit)."
    )
    # Strategy names are checked against the registered strategies when dbadmin starts
    # (``checkpoints.strategies.build``): settings know no strategy by name.
    checkpoint_strategy_dev: str = Field(
        "clone",
        max_length=40,
        description="Default checkpoint strategy on Dev (clone: fast, fences the branch off while copying; see `dbadmin checkpoint create --help`).",
    )
    checkpoint_strategy_prod: str = Field(
        "dump", max_length=40, description="Default checkpoint strategy on Prod (dump: online, no downtime)."
    )
    checkpoint_retention_days: float = Field(
        7, gt=0, le=3650, description="Days a checkpoint is kept before prune may delete it."
    )
    checkpoint_s3_bucket: str | None = Field(
        None,
        description="Keep dump checkpoints in this S3 bucket instead of CHECKPOINT_DIR (which then only stages them).",
    )
    checkpoint_s3_prefix: str = Field("dbadmin/", description="Key prefix for dump checkpoints in the bucket.")
    checkpoint_s3_endpoint: str | None = Field(
        None, description="S3-compatible endpoint URL (MinIO, Ceph, R2...); AWS when unset."
    )
    checkpoint_s3_region: str | None = Field(
        None, description="S3 region; credentials come from the usual AWS_* variables or profile."
    )
    clone_sessions: Literal["terminate", "wait"] = Field(
        "terminate", description="Other sessions on a branch being cloned: end them, or wait for them (CLONE_WAIT)."
    )
    clone_wait: float = Field(
        10, gt=0, le=600, description="Seconds to wait for other sessions to leave when CLONE_SESSIONS=wait."
    )
    dump_jobs: int = Field(2, ge=1, le=32, description="Parallel pg_restore jobs for dump checkpoints.")
    neon_api_key: SecretStr | None = Field(
        None,
        description="Neon API key for the neon checkpoint strategy (a project-scoped key fits); never shown or logged.",
    )
    neon_project_id: str | None = Field(
        None, max_length=100, description="The Neon project the branches live in (e.g. steep-forest-12345678)."
    )
    neon_branch_dev: str | None = Field(
        None, max_length=256, description="The Neon branch Dev is, by name (looked up again after every restore)."
    )
    neon_branch_prod: str | None = Field(None, max_length=256, description="The Neon branch Prod is, by name.")
    neon_api_url: str = Field("https://console.neon.tech/api/v2", max_length=500, description="Neon's API.")
    neon_operation_timeout: float = Field(
        600, gt=0, le=86400, description="Seconds to wait for a Neon operation (a branch, a restore) to finish."
    )
    auto_checkpoint_dev: bool = Field(
        False, description="Also take a checkpoint before Dev migrations (always on Prod)."
    )
    guard_dev: bool = Field(
        False, description="Keep Dev's guard on: only dbadmin's migration runs change its schema (needs DDL capture)."
    )
    guard_prod: bool = Field(
        False, description="Keep Prod's guard on: only dbadmin's migration runs change its schema (needs DDL capture)."
    )
    dev_schedule: str | None = Field(
        None,
        description="Dev's checkpoint schedule, crontab lines in UTC separated by ';' (0 3 * * *; 0 9-17 * * 1-5). Set here, the console shows it but cannot change it.",
    )
    prod_schedule: str | None = Field(
        None,
        description="Prod's checkpoint schedule, crontab lines in UTC separated by ';' (0 3 * * *). Set here, the console shows it but cannot change it.",
    )
    dev_schedule_keep: str = Field(
        "daily=7 weekly=4",
        description="Which of Dev's scheduled checkpoints to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d (the newest good one always stays).",
    )
    prod_schedule_keep: str = Field(
        "daily=7 weekly=4",
        description="Which of Prod's scheduled checkpoints to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d (the newest good one always stays).",
    )
    scheduler: bool = Field(
        True,
        description="Run the checkpoint schedules in this process (several may: each scheduled checkpoint is taken once, through the control store).",
    )
    schedule_lease_seconds: float = Field(
        60,
        ge=1,
        le=3600,
        description="A scheduled checkpoint whose process stops renewing its claim for this long is taken over by another.",
    )
    schedule_grace_minutes: float = Field(
        30,
        gt=0,
        le=1440,
        description="A scheduled checkpoint not started this many minutes after its time is recorded as missed.",
    )
    webhook_urls: SecretStr | None = Field(
        None,
        description="Where to tell about failed or missed backups, failed drills and every Prod change: URLs separated by spaces, slack+https://... for a Slack incoming webhook, https://... for a JSON body signed with WEBHOOK_SECRET. Secret: never shown.",
    )
    webhook_secret: SecretStr | None = Field(
        None, description="The key JSON webhooks are signed with (HMAC-SHA256 in the X-Dbadmin-Signature header)."
    )
    schema_poll_minutes: float = Field(
        10,
        ge=0,
        le=1440,
        description="Minutes between schema snapshots of a branch without DDL capture, to see changes made "
        "outside migrations (0: never).",
    )
    dev_reader_url: SecretStr | None = Field(
        None, description="A login that cannot write, for read-only SQL on Dev (else dbadmin manages one when it may)."
    )
    prod_reader_url: SecretStr | None = Field(
        None, description="A login that cannot write, for read-only SQL on Prod (else dbadmin manages one when it may)."
    )
    sql_row_limit: int = Field(1000, ge=1, le=100_000, description="Rows one read-only query returns at most.")
    sql_byte_limit: int = Field(
        8 * 2**20, ge=1024, le=256 * 2**20, description="Bytes of values one read-only query returns at most."
    )
    sql_max_length: int = Field(100_000, ge=100, le=1_000_000, description="Characters of one read-only query.")
    export_row_limit: int = Field(
        1_000_000, ge=1, le=100_000_000, description="Rows one CSV export of the Rows view streams at most."
    )
    export_timeout: float = Field(
        600.0, gt=0, le=86400, description="Seconds one CSV export may stream before it is cancelled."
    )
    data_access_prod: Literal["admin", "viewer", "off"] = Field(
        "admin", description="Who may run read-only SQL on Prod: admins, viewers too, or nobody."
    )
    audit_dev_queries: bool = Field(False, description="Also write an audit row for every read-only query on Dev.")
    masked_columns: str = Field(
        "password,passwd,secret,token,api_key,apikey,ssn,email,phone,iban,card_number",
        description="Comma-separated parts of column names that are sensitive: Prod's reader may not select them.",
    )
    redis_url: SecretStr | None = Field(
        None, description="Redis of the application's cache; enables cache invalidation after runs."
    )
    cache_invalidate_patterns: str = Field(
        "",
        description="Comma-separated key patterns deleted after a migration, promotion or restore; {branch} becomes dev or prod.",
    )
    after_run_hook: str | None = Field(
        None, description="module:function called after a successful migration, promotion or restore."
    )
    pool_max_size: int = Field(5, ge=1, le=100, description="Connections per branch pool at most.")
    pool_timeout: float = Field(
        5.0, gt=0, le=120, description="Seconds to wait for a connection before a branch counts as unavailable."
    )
    oidc_issuer: str | None = Field(
        None, description="OpenID Connect issuer URL (discovery at /.well-known/openid-configuration); enables login."
    )
    oidc_client_id: str | None = Field(None, description="OAuth client id registered with the issuer.")
    oidc_client_secret: SecretStr | None = Field(None, description="OAuth client secret (confidential client).")
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
        None, description="Signs session cookies (default: generated once and kept in DBADMIN_DATA_DIR)."
    )
    session_idle_minutes: float = Field(
        60, gt=0, le=10080, description="A session ends after this many minutes without a request."
    )
    session_max_hours: float = Field(
        12, gt=0, le=720, description="A session ends this many hours after login, active or not."
    )
    action_rate_limit: int = Field(
        10, ge=1, le=10000, description="Changes one person or token may ask for per minute through the API."
    )
    public_url: str | None = Field(
        None,
        description="The console's address as people reach it (https://ops.example.com behind a TLS proxy): the OIDC redirect URI is built from it, not from the Host header, and cookies are Secure when it is https.",
    )
    host: str = Field("127.0.0.1", validation_alias=_env("DBADMIN_HOST"), description="Address the console listens on.")
    port: int = Field(
        8080, ge=1, le=65535, validation_alias=_env("DBADMIN_PORT"), description="Port the console listens on."
    )
    data_dir: Path = Field(
        Path(".dbadmin"), validation_alias=_env("DBADMIN_DATA_DIR"), description="Embedded server data and local state."
    )
    embedded_postgres_version: Literal[16, 18] = Field(18, description="Major version of the embedded PostgreSQL.")

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

    @field_validator("redis_url", mode="before")
    @classmethod
    def _valid_redis_url(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not raw.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("is not a Redis URL (expected redis://host:port/db)")
        return SecretStr(raw)

    @field_validator("neon_api_url")
    @classmethod
    def _neon_over_tls(cls, value: str) -> str:
        """The API key travels in every request: only over TLS, or to this machine (a local proxy)."""
        parts = urlsplit(value.strip())
        if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname or "")):
            return value.strip()
        raise ValueError(
            "must be an https:// URL (http:// only to this machine): the API key is sent with every request"
        )

    @field_validator("after_run_hook")
    @classmethod
    def _hook_spelling(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", value.strip()):
            raise ValueError("must be written module.path:function")
        return value.strip() if value else None

    @field_validator("migrations")
    @classmethod
    def _migrations_exist(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.is_file() or (value.is_dir() and ((value / "alembic.ini").is_file() or (value / "env.py").is_file())):
            return value
        raise ValueError("must be an alembic.ini file or a directory holding alembic.ini or env.py")

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

    @field_validator("migrations_driver")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if value not in dburl.DRIVERS:
            raise ValueError(f"unknown PostgreSQL driver {value[:30]!r} (known: {', '.join(sorted(dburl.DRIVERS))})")
        return value

    @field_validator("migrations_env")
    @classmethod
    def _env_mapping(cls, value: str) -> str:
        parse_env_mapping(value)  # raises ValueError naming the bad item
        return value

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
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise ValueError("must use https (plain http is only accepted for a provider on this machine)")
        return value.strip().rstrip("/")

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
        if self.oidc_issuer and not self.public_url and not _is_loopback(self.host):
            raise ValueError(
                "PUBLIC_URL: required with OIDC_ISSUER on a non-loopback address (the login's "
                "redirect URI is built from it, never from a request's Host header)"
            )
        # Without login, anyone who reaches the port would act as the local admin.
        if not self.oidc_issuer and not _is_loopback(self.host):
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


def _is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``, bracketed or not)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def private_env_names() -> frozenset[str]:
    """dbadmin's variables that the application's env.py never sees: every database URL (the other
    branch's, the control store's) and the login secrets.  The rest may be the application's too."""
    return frozenset(
        {"DEV_DATABASE_URL", "PROD_DATABASE_URL", "ADMIN_DATABASE_URL", "OIDC_CLIENT_SECRET", "SESSION_SECRET"}
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
