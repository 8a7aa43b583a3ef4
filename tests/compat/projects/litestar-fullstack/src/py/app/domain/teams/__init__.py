"""Teams domain - team management, members, invitations."""

from app.domain.teams import controllers, schemas, services

__all__ = (
    "controllers",
    "schemas",
    "services",
)
