"""Checkpoint settings, each strategy's beside its name (``checkpoint_strategy_*`` picks one)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from .parts import is_loopback


class Checkpoints(BaseModel):
    """Checkpoints of every strategy: where they are kept, which strategy each branch uses, how long they live."""

    # Strategy names are checked against the registered strategies when dbadmin starts
    # (``checkpoints.strategies.build``): settings know no strategy by name.
    checkpoint_dir: Path | None = Field(
        None, description="Where dump checkpoints are stored (default: DATA_DIR/checkpoints)."
    )
    checkpoint_strategy_dev: str = Field(
        "clone",
        max_length=40,
        description="Default checkpoint strategy on Dev (clone: fast, fences the branch off while copying; see `dbadmin checkpoint create --help`).",
    )
    checkpoint_strategy_prod: str = Field(
        "dump", max_length=40, description="Default checkpoint strategy on Prod (dump: online, no downtime)."
    )
    checkpoint_retention_days: float = Field(
        7, gt=0, le=3650, description="Days a checkpoint is kept before prune may delete it."
    )


class DumpSettings(BaseModel):
    """The dump strategy: pg_dump archives, on this machine or in S3."""

    dump_jobs: int = Field(2, ge=1, le=32, description="Parallel pg_restore jobs for dump checkpoints.")
    checkpoint_s3_bucket: str | None = Field(
        None,
        description="Keep dump checkpoints in this S3 bucket instead of CHECKPOINT_DIR (which then only stages them).",
    )
    checkpoint_s3_prefix: str = Field("dbadmin/", description="Key prefix for dump checkpoints in the bucket.")
    checkpoint_s3_endpoint: str | None = Field(
        None, description="S3-compatible endpoint URL (MinIO, Ceph, R2...); AWS when unset."
    )
    checkpoint_s3_region: str | None = Field(
        None, description="S3 region; credentials come from the usual AWS_* variables or profile."
    )


class CloneSettings(BaseModel):
    """The clone strategy: a copy of the database beside it."""

    clone_sessions: Literal["terminate", "wait"] = Field(
        "terminate", description="Other sessions on a branch being cloned: end them, or wait for them (CLONE_WAIT)."
    )
    clone_wait: float = Field(
        10, gt=0, le=600, description="Seconds to wait for other sessions to leave when CLONE_SESSIONS=wait."
    )


class NeonSettings(BaseModel):
    """The neon strategy: a Neon branch of the live branch, through Neon's API."""

    neon_api_key: SecretStr | None = Field(
        None,
        description="Neon API key for the neon checkpoint strategy (a project-scoped key fits); never shown or logged.",
    )
    neon_project_id: str | None = Field(
        None, max_length=100, description="The Neon project the branches live in (e.g. steep-forest-12345678)."
    )
    neon_branch_dev: str | None = Field(
        None, max_length=256, description="The Neon branch Dev is, by name (looked up again after every restore)."
    )
    neon_branch_prod: str | None = Field(None, max_length=256, description="The Neon branch Prod is, by name.")
    neon_api_url: str = Field("https://console.neon.tech/api/v2", max_length=500, description="Neon's API.")
    neon_operation_timeout: float = Field(
        600, gt=0, le=86400, description="Seconds to wait for a Neon operation (a branch, a restore) to finish."
    )

    @field_validator("neon_api_url")
    @classmethod
    def _neon_over_tls(cls, value: str) -> str:
        """The API key travels in every request: only over TLS, or to this machine (a local proxy)."""
        parts = urlsplit(value.strip())
        if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            return value.strip()
        raise ValueError(
            "must be an https:// URL (http:// only to this machine): the API key is sent with every request"
        )
