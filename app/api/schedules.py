"""A branch's checkpoint schedule: what it is, its recent runs, and setting it."""

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..services import schedules
from ..services.checkpoints import strategies
from ..services.reports import backups
from ..services.reports.backups import Backups
from ..services.operations.access import Principal
from .deps import Deps
from .errors import domain_router


class ScheduleChange(BaseModel):
    crontab: str = Field(
        ..., max_length=500, description="Crontab lines in UTC separated by ';' (0 3 * * *; 0 9-17 * * 1-5), or off."
    )
    keep: str | None = Field(
        None, max_length=500, description="What to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d."
    )
    strategy: Literal[strategies.names()] | None = None  # type: ignore[valid-type]
    reason: str | None = Field(None, max_length=1000)


def _without_owners(found: Backups) -> Backups:
    """Which host and process ran each time is for the server's log, not for every reader."""
    return replace(found, runs=[replace(run, owner=None) for run in found.runs])


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading, changing = deps.reading, deps.changing
    api = domain_router()

    @api.get("/{branch}/schedule", summary="The branch's checkpoint schedule, recent runs and last verified backup")
    def schedule_get(branch: str, who: Annotated[Principal, reading]) -> Backups:
        return _without_owners(backups.backups(gate.context, branch))

    @api.put("/{branch}/schedule", summary="Set the branch's checkpoint schedule (crontab 'off': none)")
    def schedule_put(branch: str, who: Annotated[Principal, changing], body: ScheduleChange) -> Backups:
        schedules.set_schedule(
            gate.context, branch, body.crontab, keep=body.keep, strategy=body.strategy, actor=who, reason=body.reason
        )
        return _without_owners(backups.backups(gate.context, branch))

    return api
