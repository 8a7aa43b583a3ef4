"""Tags domain schemas."""

from app.domain.tags.schemas._tag import Tag, TagCreate, TagUpdate

__all__ = (
    "Tag",
    "TagCreate",
    "TagUpdate",
)
