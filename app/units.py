"""How sizes, counts and times read to a person: shared by the console and the CLI (no UI imports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def size(value: int | None, *, unknown: str = "unknown") -> str:
    """``7.5 MiB``; ``unknown`` when there is no figure."""
    if value is None:
        return unknown
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} TiB"


def count(value: int | None) -> str:
    """``1,234``; "unknown" for a table never analyzed."""
    return "unknown" if value is None else f"{value:,}"


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def span(length: timedelta) -> str:
    """``3 min``, ``5 h``, ``2 days``: a length of time as a person says it, rounded."""
    hours = length.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} days"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """``5 h ago`` (``just now`` under a minute); empty without a moment."""
    if moment is None:
        return ""
    length = (now or datetime.now(UTC)) - moment
    return "just now" if length < timedelta(minutes=1) else f"{span(length)} ago"
