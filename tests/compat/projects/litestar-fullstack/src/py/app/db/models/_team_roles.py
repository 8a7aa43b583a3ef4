from __future__ import annotations

from enum import StrEnum


class TeamRoles(StrEnum):
    """Valid Values for Team Roles."""

    ADMIN = "ADMIN"
    MEMBER = "MEMBER"
