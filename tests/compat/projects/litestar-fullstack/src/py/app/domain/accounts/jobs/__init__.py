"""Account domain background jobs."""

from app.domain.accounts.jobs._oauth_refresh import refresh_oauth_tokens

__all__ = ("refresh_oauth_tokens",)
