"""What hears of a change: webhooks, the cache invalidated after a run, the after-run hook."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator


class Notices(BaseModel):
    """What hears of a change: webhooks, the cache invalidated after a run, the after-run hook."""

    webhook_urls: SecretStr | None = Field(
        None,
        description="Where to tell about failed or missed backups, failed drills and every Prod change: URLs separated by spaces, slack+https://... for a Slack incoming webhook, https://... for a JSON body signed with WEBHOOK_SECRET. Secret: never shown.",
    )
    webhook_secret: SecretStr | None = Field(
        None, description="The key JSON webhooks are signed with (HMAC-SHA256 in the X-Dbadmin-Signature header)."
    )
    redis_url: SecretStr | None = Field(
        None, description="Redis of the application's cache; enables cache invalidation after runs."
    )
    cache_invalidate_patterns: str = Field(
        "",
        description="Comma-separated key patterns deleted after a migration, promotion or restore; {branch} becomes dev or prod.",
    )
    after_run_hook: str | None = Field(
        None, description="module:function called after a successful migration, promotion or restore."
    )

    @field_validator("redis_url", mode="before")
    @classmethod
    def _valid_redis_url(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not raw.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("is not a Redis URL (expected redis://host:port/db)")
        return SecretStr(raw)

    @field_validator("after_run_hook")
    @classmethod
    def _hook_spelling(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", value.strip()):
            raise ValueError("must be written module.path:function")
        return value.strip() if value else None
