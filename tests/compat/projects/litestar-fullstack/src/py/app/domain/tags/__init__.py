"""Tags domain - tag management."""

from app.domain.tags import controllers, schemas, services

__all__ = (
    "controllers",
    "schemas",
    "services",
)
