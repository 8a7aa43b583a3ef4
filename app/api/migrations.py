"""Migration status and history, running migrations up or down, baselines and promotion."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ..services import migrations
from ..services.migrations.verbs import Baseline, History, RunResult, Status
from ..services.operations.access import Principal
from .deps import Change, Deps
from .errors import domain_router


class BaselineRequest(Change):
    revision: str = Field(..., min_length=1, max_length=64, description="The revision the database already matches.")


class Migrations(BaseModel):
    status: Status
    history: History


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading, changing = deps.reading, deps.changing
    api = domain_router()

    @api.get("/{branch}/migrations", summary="Migration status and history (applied newest first, every run)")
    def migration_state(branch: str, _: Annotated[Principal, reading]) -> Migrations:
        return Migrations(
            status=migrations.status(gate.context, branch), history=migrations.history(gate.context, branch)
        )

    @api.post("/{branch}/migrate", summary="Migrate up (Dev) or down; Production rollbacks need 'ROLLBACK <n>'")
    def migrate(
        branch: str,
        who: Annotated[Principal, changing],
        dir: Literal["up", "down"],
        steps: Annotated[int | None, Query(ge=1, le=10000)] = None,
        body: Change | None = None,
    ) -> RunResult:
        body = body or Change()
        if dir == "up":
            return migrations.upgrade(gate.context, branch, actor=who, steps=steps, reason=body.reason)
        return migrations.downgrade(
            gate.context, branch, actor=who, steps=steps or 1, confirm=body.confirm, reason=body.reason
        )

    @api.post(
        "/{branch}/migrations/baseline",
        summary="Record that a database made without migrations is at a revision (Production: 'BASELINE <rev>')",
    )
    def migrate_baseline(branch: str, who: Annotated[Principal, changing], body: BaselineRequest) -> Baseline:
        return migrations.baseline(
            gate.context, branch, actor=who, revision=body.revision, confirm=body.confirm, reason=body.reason
        )

    @api.post("/promote", summary="Bring Production to Development's revision; needs 'PROMOTE <n>'")
    def promote(who: Annotated[Principal, changing], body: Change | None = None) -> RunResult:
        body = body or Change()
        return migrations.promote(gate.context, actor=who, confirm=body.confirm, reason=body.reason)

    return api
