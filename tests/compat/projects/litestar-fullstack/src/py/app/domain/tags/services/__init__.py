"""Tags domain services."""

from app.domain.tags.services._tag import TagService

__all__ = ("TagService",)
