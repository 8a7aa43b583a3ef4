"""System status schemas."""

from __future__ import annotations

from typing import Literal

from app.__metadata__ import __version__
from app.lib.schema import CamelizedBaseStruct


class SystemHealth(CamelizedBaseStruct, kw_only=True):
    app: str
    database_status: Literal["online", "offline"] = "offline"
    version: str = __version__


class OAuthConfig(CamelizedBaseStruct, kw_only=True):
    """OAuth provider configuration for frontend."""

    google_enabled: bool = False
    github_enabled: bool = False
