"""System domain schemas."""

from app.domain.system.schemas._health import OAuthConfig, SystemHealth

__all__ = (
    "OAuthConfig",
    "SystemHealth",
)
