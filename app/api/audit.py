"""The audit log, newest first, or the schema changes made outside migrations as its rows."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ..services import capture
from ..services.errors import InvalidInput
from ..services.operations import audit
from ..services.operations.audit import Action
from ..services.operations.access import Principal
from .deps import Deps
from .errors import domain_router


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading = deps.reading
    api = domain_router()

    @api.get(
        "/audit",
        summary="The audit log, newest first; page with before_id. kind=schema-changes: the changes made "
        "outside migrations instead, one row each (action schema.outside_migrations, actor the database role)",
    )
    def audit_log(
        _: Annotated[Principal, reading],
        kind: Literal["operations", "schema-changes"] = "operations",
        branch: Literal["dev", "prod"] | None = None,
        action: Annotated[str | None, Query(max_length=64)] = None,
        actor: Annotated[str | None, Query(max_length=200)] = None,
        outcome: Literal["ok", "refused", "failed", "interrupted"] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
        limit: Annotated[int, Query(ge=1, le=audit.MAX_PAGE)] = 50,
    ) -> list[Action]:
        if kind == "schema-changes":
            if action or outcome:
                raise InvalidInput(
                    "action and outcome filter operations; schema changes are all action "
                    f"{capture.OUTSIDE_MIGRATIONS}, outcome ok (filter them by branch, actor, since, until)"
                )
            return capture.as_actions(
                capture.recent(
                    gate.context, branch, since=since, until=until, before_id=before_id, limit=limit, role=actor
                )
            )
        return audit.log(
            gate.context,
            branch=branch,
            action=action,
            actor=actor,
            outcome=outcome,
            since=since,
            until=until,
            before_id=before_id,
            limit=limit,
        )

    return api
