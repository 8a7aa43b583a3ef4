"""How sizes, counts and times read to a person: shared by the console and the CLI (no UI imports)."""

from __future__ import annotations

from datetime import datetime


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
