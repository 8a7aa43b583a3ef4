"""Read-only SQL on a branch (as its reader role) and each person's saved queries."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from ..services import data
from ..services.operations.access import Principal
from .deps import Deps
from .errors import domain_router


class Sql(BaseModel):
    sql: str = Field(..., max_length=1_000_000, description="One statement (SQL_MAX_LENGTH characters at most).")
    explain: Literal["plan", "analyze"] | None = Field(None, description="EXPLAIN, or EXPLAIN ANALYZE (it runs).")
    confirm: str | None = Field(None, max_length=200, description="'EXPLAIN ANALYZE' on Production.")


class SavedQueryBody(BaseModel):
    name: str = Field(..., max_length=100, description="Its name in your list.")
    sql: str = Field(..., max_length=1_000_000, description="The query (SQL_MAX_LENGTH characters at most).")


def routes(deps: Deps) -> APIRouter:
    gate = deps.gate
    reading, querying = deps.reading, deps.querying
    api = domain_router()

    @api.get("/saved-queries", summary="Your saved read-only queries, by name")
    def saved_queries(who: Annotated[Principal, reading]) -> list[data.SavedQuery]:
        return data.saved(gate.context, who)

    @api.put("/saved-queries", summary="Save a read-only query under a name (the same name again replaces it)")
    def save_query(who: Annotated[Principal, querying], body: SavedQueryBody) -> data.SavedQuery:
        return data.save(gate.context, who, body.name, body.sql)

    @api.delete("/saved-queries/{query_id}", summary="Delete one of your saved queries", status_code=204)
    def forget_query(query_id: Annotated[int, Path(ge=1, le=2**62)], who: Annotated[Principal, querying]) -> Response:
        data.forget(gate.context, who, query_id)
        return Response(status_code=204)

    @api.post(
        "/{branch}/sql",
        summary="One read-only statement as the branch's reader (a role that cannot write); audited on Prod",
    )
    def run_sql(branch: str, who: Annotated[Principal, querying], body: Sql) -> data.QueryResult:
        return data.run(gate.context, branch, body.sql, actor=who, explain=body.explain, confirm=body.confirm)

    return api
