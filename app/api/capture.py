"""DDL capture and the guard of a branch, and the schema changes made outside migrations."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from ..services import capture
from ..services.capture import CaptureStatus, DdlEvent
from ..services.operations.access import Principal
from .deps import Change, Deps
from .errors import domain_router


class GuardChange(Change):
    on: bool = Field(..., description="true: refuse schema changes outside dbadmin's runs; false: let them through.")


class Bypass(Change):
    # Bounded by the service, so an attempt out of range is refused in the audit log like any other.
    minutes: int = Field(..., description=f"How long the bypass lasts: 1 to {capture.BYPASS_MINUTES} minutes.")


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading, changing = deps.reading, deps.changing
    api = domain_router()

    @api.get("/{branch}/capture", summary="Whether the branch records its schema changes (DDL capture)")
    def capture_status(branch: str, _: Annotated[Principal, reading]) -> CaptureStatus:
        return capture.status(gate.context, branch)

    @api.post("/{branch}/capture", summary="Record every schema change on the branch (event triggers; superuser)")
    def capture_install(branch: str, who: Annotated[Principal, changing], body: Change | None = None) -> CaptureStatus:
        return capture.install(gate.context, branch, actor=who, reason=(body or Change()).reason)

    @api.delete("/{branch}/capture", summary="Collect what the branch recorded, then stop recording")
    def capture_remove(
        branch: str, who: Annotated[Principal, changing], reason: Annotated[str | None, Query(max_length=1000)] = None
    ) -> CaptureStatus:
        return capture.remove(gate.context, branch, actor=who, reason=reason)

    @api.put(
        "/{branch}/guard",
        summary="Turn the branch's guard on (only dbadmin's runs change its schema) or off ('GUARD OFF' on Prod)",
    )
    def guard(branch: str, who: Annotated[Principal, changing], body: GuardChange) -> CaptureStatus:
        return capture.guard(gate.context, branch, body.on, actor=who, reason=body.reason, confirm=body.confirm)

    @api.post(
        "/{branch}/guard/bypass",
        summary="Let schema changes through the guard for some minutes; confirm: 'BYPASS GUARD <minutes>'",
    )
    def guard_bypass(branch: str, who: Annotated[Principal, changing], body: Bypass) -> CaptureStatus:
        return capture.bypass(gate.context, branch, body.minutes, actor=who, confirm=body.confirm, reason=body.reason)

    @api.get("/schema-changes", summary="Schema changes DDL capture recorded, newest first (collected first)")
    def schema_changes(
        _: Annotated[Principal, reading],
        branch: Literal["dev", "prod"] | None = None,
        outside_migrations: bool = True,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> list[DdlEvent]:
        return capture.recent(gate.context, branch, outside_only=outside_migrations, limit=limit)

    return api
