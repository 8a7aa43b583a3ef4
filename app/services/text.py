"""Text on its way to PostgreSQL, which cannot store a NUL byte in any text value.

Inputs that carry one are refused with a clear message (``refuse_nul``); text that is only
being recorded (the audit log's actor, reason and details) is cleaned instead
(``scrub``), because a record must never fail to be written.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidInput

NUL = "\x00"
RECORDED_CHARS = 2000  # a string in an audit record (a label, an error, a statement) at most
RECORDED_ITEMS = 200  # a list or mapping in an audit record at most


def shortened(value: str, limit: int) -> str:
    """``value`` on one line (runs of whitespace as one space), cut to ``limit`` characters with an ellipsis."""
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def refuse_nul(value: str | None, what: str) -> str | None:
    """``value`` unchanged, or ``InvalidInput`` when it holds a NUL byte."""
    if value is not None and NUL in value:
        raise InvalidInput(f"{what} contains a NUL byte")
    return value


def scrub(value: Any) -> Any:
    """``value`` as it may be recorded: NUL bytes written as ``\\0``, every string cut to
    ``RECORDED_CHARS`` and every list to ``RECORDED_ITEMS``, so that nothing a caller sends
    makes a record (or the History page that shows it) grow without limit."""
    if isinstance(value, str):
        value = value.replace(NUL, "\\0")
        return value if len(value) <= RECORDED_CHARS else f"{value[:RECORDED_CHARS]}… ({len(value):,} characters)"
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in list(value.items())[:RECORDED_ITEMS]}
    if isinstance(value, (list, tuple)):
        kept = [scrub(item) for item in list(value)[:RECORDED_ITEMS]]
        return kept + ([f"… {len(value) - RECORDED_ITEMS:,} more"] if len(value) > RECORDED_ITEMS else [])
    return value
