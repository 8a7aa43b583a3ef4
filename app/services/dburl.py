"""PostgreSQL URLs: validate, describe without secrets, and scrub secrets out of text.

Users paste URLs in the spellings their other tools use (``postgres://``,
``postgresql+psycopg://`` from SQLAlchemy); all of them are accepted and normalized to
the libpq form psycopg expects.  Nothing in this module ever returns a password.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict

_SCHEME = re.compile(r"^(postgres|postgresql)(\+[a-z0-9_]+)?://", re.IGNORECASE)
# user:password@ inside any URL-looking text; used to scrub messages from drivers and tools.
_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@\s]*)@", re.IGNORECASE)
_PASSWORD_PARAM = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def normalize(url: str) -> str:
    """Return ``url`` as a libpq URL, or raise ``ValueError`` with a message free of secrets.

    The message never quotes the URL: libpq's own parse errors repeat the input, password
    included, so they are replaced by our own wording.
    """
    url = url.strip()
    match = _SCHEME.match(url)
    if not match:
        raise ValueError("is not a PostgreSQL URL (expected postgresql://user:password@host:port/database)")
    url = "postgresql://" + url[match.end() :]
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise ValueError("is not a valid PostgreSQL URL (check its syntax and query parameters)") from None
    port = params.get("port")
    if port is not None and not all(p.isdigit() and 0 < int(p) < 65536 for p in str(port).split(",")):
        raise ValueError("has a port that is not a number between 1 and 65535")
    if not params.get("dbname"):
        raise ValueError("names no database (add /database_name to the URL)")
    return url


# SQLAlchemy's PostgreSQL drivers (dialect.driver names): what MIGRATIONS_DRIVER, a branch URL or a
# project's own sqlalchemy.url may name.
DRIVERS = frozenset({"psycopg", "psycopg_async", "asyncpg", "psycopg2", "psycopg2cffi", "pg8000"})


def driver(url: str) -> str | None:
    """The driver a SQLAlchemy-spelled URL names (``postgresql+psycopg2://`` is ``psycopg2``), lower-cased;
    None for a bare ``postgresql://`` or anything else.  Whether it is a known one is the caller's question."""
    match = _SCHEME.match(url.strip())
    return match.group(2)[1:].lower() if match and match.group(2) else None


def describe(url: str) -> str:
    """``host:port/database`` for display: where a URL leads, never who or with what secret."""
    params = conninfo_to_dict(url)
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = params.get("port") or "5432"
    return f"{host}:{port}/{params.get('dbname', '')}"


def parts(url: str) -> dict[str, str]:
    """libpq's parameters of ``url`` (host, port, dbname, user, password, ...), as text."""
    return {name: str(value) for name, value in conninfo_to_dict(url).items()}


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database (used for per-test and embedded databases)."""
    params = conninfo_to_dict(url)
    params["dbname"] = database
    return _build(params)


def with_login(url: str, user: str, password: str) -> str:
    """The same server and database, logged in as another role (a reader dbadmin manages)."""
    return _build(conninfo_to_dict(url) | {"user": user, "password": password})


def without_password(url: str) -> tuple[str, str | None]:
    """``url`` without its password, and the password: tools get it through PGPASSWORD,
    because a command line is visible to every user of the machine."""
    params = parts(url)
    password = params.pop("password", None)
    return _build(params), password


def _build(params: dict) -> str:
    params = dict(params)
    user = quote(params.pop("user", "") or "", safe="")
    password = params.pop("password", None)
    host = params.pop("host", "") or ""
    port = params.pop("port", None)
    dbname = quote(params.pop("dbname", "") or "", safe="")
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    netloc = (host if "/" not in host else "") + (f":{port}" if port else "")
    if "/" in host:  # a Unix socket directory travels as a query parameter
        params["host"] = host
    suffix = "&".join(f"{k}={quote(str(v), safe='/')}" for k, v in params.items())
    return f"postgresql://{auth}{netloc}/{dbname}" + (f"?{suffix}" if suffix else "")


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove passwords from free text (driver and tool messages) before it is shown or stored."""
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    text = _PASSWORD_PARAM.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def reason(exc: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """The first line of an exception's message, scrubbed: what a driver or tool said, safe to show."""
    text = str(exc).strip()
    return scrub(text.splitlines()[0], secrets) if text else type(exc).__name__
