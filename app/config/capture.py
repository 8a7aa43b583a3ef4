"""Schema changes outside migrations: the guard and the polling where no trigger records."""

from __future__ import annotations


from pydantic import BaseModel, Field


class Capture(BaseModel):
    """Schema changes outside migrations: the guard and the polling where no trigger records."""

    guard_dev: bool = Field(
        False, description="Keep Dev's guard on: only dbadmin's migration runs change its schema (needs DDL capture)."
    )
    guard_prod: bool = Field(
        False, description="Keep Prod's guard on: only dbadmin's migration runs change its schema (needs DDL capture)."
    )
    schema_poll_minutes: float = Field(
        10,
        ge=0,
        le=1440,
        description="Minutes between schema snapshots of a branch without DDL capture, to see changes made "
        "outside migrations (0: never).",
    )
