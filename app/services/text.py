"""Text on its way to PostgreSQL, which cannot store a NUL byte in any text value.

Inputs that carry one are refused with a clear message (``refuse_nul``); text that is only
being recorded (the audit log's actor, reason and details) is cleaned instead
(``scrub``), because a record must never fail to be written.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidInput

NUL = "\x00"


def refuse_nul(value: str | None, what: str) -> str | None:
    """``value`` unchanged, or ``InvalidInput`` when it holds a NUL byte."""
    if value is not None and NUL in value:
        raise InvalidInput(f"{what} contains a NUL byte")
    return value


def scrub(value: Any) -> Any:
    """``value`` with every NUL byte in its strings (dict keys included) written as ``\\0``."""
    if isinstance(value, str):
        return value.replace(NUL, "\\0")
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    return value
