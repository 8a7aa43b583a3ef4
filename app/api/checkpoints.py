"""Checkpoints of a branch: list, take, restore (to a checkpoint or a moment), drill and delete."""

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ..services import checkpoints
from ..services.checkpoints import strategies
from ..services.checkpoints.catalog import Checkpoint
from ..services.operations.access import Principal
from .deps import Change, Deps
from .errors import domain_router


class TimeRestore(Change):
    at: str = Field(
        ...,
        min_length=1,
        max_length=40,
        description="ISO 8601 (2026-12-02T14:32:00Z) or HH:MM[:SS] today; UTC unless it names a zone.",
    )


class NewCheckpoint(BaseModel):
    label: str = Field(..., max_length=200, description="1 to 200 printable characters.")
    notes: str | None = Field(None, max_length=5000)
    strategy: Literal[strategies.names()] | None = None  # type: ignore[valid-type]  # the registered ones, at import
    reason: str | None = Field(None, max_length=1000)


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading, changing = deps.reading, deps.changing
    api = domain_router()

    @api.get("/{branch}/checkpoints", summary="Checkpoints of a branch, newest first")
    def checkpoint_list(branch: str, who: Annotated[Principal, reading]) -> list[Checkpoint]:
        found = checkpoints.list_for_branch(gate.context, branch)
        # where a checkpoint lives (a file path on the server, a database name) is for admins only
        return found if who.is_admin else [replace(checkpoint, reference=None) for checkpoint in found]

    @api.post("/{branch}/checkpoints", status_code=201, summary="Take a checkpoint now")
    def checkpoint_create(branch: str, who: Annotated[Principal, changing], body: NewCheckpoint) -> Checkpoint:
        return checkpoints.create(
            gate.context,
            branch,
            actor=who,
            label=body.label,
            notes=body.notes,
            strategy=body.strategy,
            reason=body.reason,
        )

    @api.post(
        "/{branch}/checkpoints/{checkpoint_id}/restore",
        summary="Restore a checkpoint (Production needs 'RESTORE <id>'); returns the checkpoint of the replaced state",
    )
    def checkpoint_restore(
        branch: str, checkpoint_id: int, who: Annotated[Principal, changing], body: Change | None = None
    ) -> Checkpoint:
        body = body or Change()
        return checkpoints.restore(
            gate.context, branch, checkpoint_id, actor=who, confirm=body.confirm, reason=body.reason
        )

    @api.post(
        "/{branch}/checkpoints/{checkpoint_id}/drill",
        summary="Restore a checkpoint into a scratch database and check it against its record (409 when it fails)",
    )
    def checkpoint_drill(
        branch: str, checkpoint_id: int, who: Annotated[Principal, changing], body: Change | None = None
    ) -> checkpoints.Drill:
        return checkpoints.drill(gate.context, branch, checkpoint_id, actor=who, reason=(body or Change()).reason)

    @api.get(
        "/{branch}/history", summary="The moments the branch can be restored to (null: its strategy keeps no history)"
    )
    def history(branch: str, who: Annotated[Principal, reading]) -> checkpoints.History | None:
        return checkpoints.history(gate.context, branch)

    @api.post(
        "/{branch}/restore-to-time",
        summary="Restore the branch to a moment of its history (Production needs "
        "'RESTORE TO <YYYY-MM-DD HH:MM:SS>'); returns the checkpoint of the replaced state",
    )
    def restore_to_time(branch: str, who: Annotated[Principal, changing], body: TimeRestore) -> Checkpoint:
        return checkpoints.restore_to_time(
            gate.context, branch, body.at, actor=who, confirm=body.confirm, reason=body.reason
        )

    @api.delete(
        "/{branch}/checkpoints/{checkpoint_id}", summary="Delete a checkpoint's data (the catalog keeps the row)"
    )
    def checkpoint_delete(
        branch: str,
        checkpoint_id: int,
        who: Annotated[Principal, changing],
        reason: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> Checkpoint:
        return checkpoints.delete(gate.context, branch, checkpoint_id, actor=who, reason=reason)

    return api
