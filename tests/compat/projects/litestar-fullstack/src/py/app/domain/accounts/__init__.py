"""Accounts domain - users, authentication, roles, OAuth."""

from app.domain.accounts import controllers, schemas, services

__all__ = (
    "controllers",
    "schemas",
    "services",
)
