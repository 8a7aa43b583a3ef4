"""Both branches at a glance, and the schema difference between two of dev, prod or a checkpoint."""

from typing import Annotated

from fastapi import APIRouter, Query

from ..services.registry import BranchStatus
from ..services.schema.diff import SchemaDiff
from ..services.reports import compare, overview
from ..services.reports.overview import BranchOverview
from ..services.operations.access import Principal
from .deps import Deps
from .errors import domain_router


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading = deps.reading
    api = domain_router()

    @api.get("/branches", summary="Both branches: configured, reachable, where (never a password)")
    def branches(_: Annotated[Principal, reading]) -> list[BranchStatus]:
        return overview.statuses(gate.context)

    @api.get("/{branch}/summary", summary="A branch at a glance")
    def summary(branch: str, _: Annotated[Principal, reading]) -> BranchOverview:
        return overview.branch_overview(gate.context, branch)

    @api.get("/diff", summary="Schema difference between two of: dev, prod, a checkpoint id")
    def diff(
        _: Annotated[Principal, reading],
        source: Annotated[str, Query(alias="from", max_length=40)],
        target: Annotated[str, Query(alias="to", max_length=40)],
    ) -> SchemaDiff:
        return compare.diff(gate.context, source, target)

    return api
