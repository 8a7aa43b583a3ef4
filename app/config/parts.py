"""What the settings' sections share: MIGRATIONS_ENV's grammar, sslmode's values, environment aliases."""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Any, Literal

from pydantic import AliasChoices

# The parts of a branch URL that MIGRATIONS_ENV may hand env.py, as NAME={part}.
PARTS = ("url", "sqlalchemy_url", "host", "port", "database", "user", "password")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A setting marked so is dbadmin's alone (another branch's URL, the control store's, a login secret):
# the application's env.py never sees it (``private_env_names``).
PRIVATE: dict[str, Any] = {"private": True}
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


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


def env_alias(name: str) -> Any:
    """Field options for a setting whose environment name differs from its attribute name."""
    return AliasChoices(name, name.lower())


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``, bracketed or not)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
