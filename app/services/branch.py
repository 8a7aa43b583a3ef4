"""The two database branches, by name: what every layer says when it means Dev or Prod."""

from __future__ import annotations

from enum import StrEnum

from .errors import UnknownBranch


class Branch(StrEnum):
    """The two database branches dbadmin manages."""

    DEV = "dev"
    PROD = "prod"

    @property
    def label(self) -> str:
        return "Development" if self is Branch.DEV else "Production"

    @property
    def env_name(self) -> str:
        return f"{self.name}_DATABASE_URL"

    @classmethod
    def parse(cls, value: str | Branch) -> Branch:
        """The branch named ``value``, or ``UnknownBranch`` listing the valid names."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise UnknownBranch(f"unknown branch {str(value)[:40]!r}: use 'dev' or 'prod'") from None
