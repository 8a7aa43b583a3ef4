"""Domain modules for the application."""

from app.domain import accounts, system, tags, teams

__all__ = (
    "accounts",
    "system",
    "tags",
    "teams",
)
