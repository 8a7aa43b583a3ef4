"""The REST API (``/api/admin/db/...``): the console's reads and actions for scripts and pipelines.

Same guards as the console: every route needs a principal (session cookie, host
identity or API token); actions go through the same service entry points, which refuse
non-admins and audit every attempt.  On top, state-changing requests made with a
cookie must prove they come from this site (CSRF), and each actor may ask for at most
ACTION_RATE_LIMIT changes a minute.

Errors are always JSON ``{"error": <kind>, "detail": <message>}`` with the status that
says what to do (``json_errors``, shared with the login routes).
"""

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .auth import Gate
from .json_errors import error_response
from .services import capture, checkpoints, data, migrations, schedules
from .services.capture import CaptureStatus, DdlEvent
from .services.checkpoints import strategies
from .services.checkpoints.catalog import Checkpoint
from .services.errors import (
    DBAdminError,
    IdentityFailed,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from .services.frame import audit
from .services.frame.access import Principal
from .services.frame.audit import Action
from .services.migrations.verbs import Baseline, History, RunResult, Status
from .services.registry import BranchStatus
from .services.schema import introspection
from .services.schema.diff import SchemaDiff
from .services.schema.introspection import TableDetails, TablePage
from .services.views import backups, compare, overview
from .services.views.backups import Backups
from .services.views.overview import BranchOverview

MAX_BODY = 64 * 1024  # every body the API takes is a few small fields


class ErrorsAsJson(APIRoute):
    """Every failure of a route becomes the API's JSON error shape, never a traceback."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            if request.method not in ("GET", "HEAD", "OPTIONS") and not await _bounded_body(request):
                return JSONResponse(
                    {"error": "too_large", "detail": f"a request body may hold at most {MAX_BODY // 1024} KiB"},
                    status_code=413,
                )
            try:
                response = await handler(request)
            except DBAdminError as exc:
                response = error_response(exc)
            except RequestValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors()
                )
                response = JSONResponse({"error": "invalid_input", "detail": problems[:1000]}, status_code=400)
            response.headers["Cache-Control"] = "no-store"  # answers name databases and people: never cached
            return response

        return handle


async def _bounded_body(request: Request) -> bool:
    """Read the body, up to MAX_BODY bytes (a missing or lying Content-Length included); False past it.

    Starlette keeps what was read, so the route reads the same body afterwards.
    """
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return False
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return False
        chunks.append(chunk)
    request._body = b"".join(chunks)  # noqa: SLF001 - Starlette's own cache of the body
    return True


class Change(BaseModel):
    confirm: str | None = Field(
        None, max_length=200, description="The typed phrase Production asks for, e.g. 'ROLLBACK 1'."
    )
    reason: str | None = Field(None, max_length=1000, description="Why: recorded in the audit log.")


class BaselineRequest(Change):
    revision: str = Field(..., min_length=1, max_length=64, description="The revision the database already matches.")


class TimeRestore(Change):
    at: str = Field(
        ...,
        min_length=1,
        max_length=40,
        description="ISO 8601 (2026-12-02T14:32:00Z) or HH:MM[:SS] today; UTC unless it names a zone.",
    )


class GuardChange(Change):
    on: bool = Field(..., description="true: refuse schema changes outside dbadmin's runs; false: let them through.")


class Bypass(Change):
    # Bounded by the service, so an attempt out of range is refused in the audit log like any other.
    minutes: int = Field(..., description=f"How long the bypass lasts: 1 to {capture.BYPASS_MINUTES} minutes.")


class Sql(BaseModel):
    sql: str = Field(..., max_length=1_000_000, description="One statement (SQL_MAX_LENGTH characters at most).")
    explain: Literal["plan", "analyze"] | None = Field(None, description="EXPLAIN, or EXPLAIN ANALYZE (it runs).")
    confirm: str | None = Field(None, max_length=200, description="'EXPLAIN ANALYZE' on Production.")


class SavedQueryBody(BaseModel):
    name: str = Field(..., max_length=100, description="Its name in your list.")
    sql: str = Field(..., max_length=1_000_000, description="The query (SQL_MAX_LENGTH characters at most).")


class NewCheckpoint(BaseModel):
    label: str = Field(..., max_length=200, description="1 to 200 printable characters.")
    notes: str | None = Field(None, max_length=5000)
    strategy: Literal[strategies.names()] | None = None  # type: ignore[valid-type]  # the registered ones, at import
    reason: str | None = Field(None, max_length=1000)


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


class Migrations(BaseModel):
    status: Status
    history: History


async def _closing(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` read off the event loop, and closed when the client goes away: Starlette never
    closes a plain iterator, which would hold the export's connection until it is collected."""
    try:
        while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
            yield chunk
    finally:
        await run_in_threadpool(chunks.close)  # type: ignore[attr-defined]  # a generator


def router(gate: Gate) -> APIRouter:
    api = APIRouter(
        route_class=ErrorsAsJson,
        tags=["database"],
        responses={
            code: {"description": text}
            for code, text in (
                (400, "bad input"),
                (401, "not logged in"),
                (403, "not allowed"),
                (404, "unknown"),
                (409, "busy or refused"),
                (429, "too many changes"),
                (503, "branch unavailable"),
            )
        },
    )

    async def reader(request: Request) -> Principal:
        try:
            principal = await gate.principal(request)
        except (NotAllowed, IdentityFailed) as exc:
            await run_in_threadpool(gate.refuse, request, None, str(exc))
            raise
        if principal is None:
            gate.anonymous_limiter.check(request.client.host if request.client else "unknown")  # 429 past it
            await run_in_threadpool(gate.refuse, request, None, "not logged in")
            raise NotAuthenticated("not logged in: sign in to the console or send 'Authorization: Bearer <token>'")
        return principal

    def changer(request: Request, principal: Annotated[Principal, Depends(reader)]) -> Principal:
        if gate.cross_site(request, principal):
            gate.refuse(request, principal.name, "cross-site request (no CSRF token, foreign or missing Origin)")
            raise NotAllowed("refused: a change needs the X-CSRF-Token header or a same-origin request")
        try:
            gate.check_rate(principal)
        except RateLimited:
            gate.refuse(request, principal.name, "rate limited")
            raise
        return principal

    def querier(request: Request, principal: Annotated[Principal, Depends(reader)]) -> Principal:
        """A read sent by POST (a query's text is too long for a URL): same-site, like a change, not rate limited."""
        if gate.cross_site(request, principal):
            gate.refuse(request, principal.name, "cross-site request (no CSRF token, foreign or missing Origin)")
            raise NotAllowed("refused: a query needs the X-CSRF-Token header or a same-origin request")
        return principal

    Reader = Annotated[Principal, Depends(reader)]
    Changer = Annotated[Principal, Depends(changer)]
    Querier = Annotated[Principal, Depends(querier)]

    @api.get("/branches", summary="Both branches: configured, reachable, where (never a password)")
    def branches(_: Reader) -> list[BranchStatus]:
        return gate.context.registry.statuses()

    @api.get("/{branch}/summary", summary="A branch at a glance")
    def summary(branch: str, _: Reader) -> BranchOverview:
        return overview.branch_overview(gate.context, branch)

    @api.get("/{branch}/tables", summary="Tables and views, filtered, sorted and paged")
    def tables(
        branch: str,
        _: Reader,
        search: Annotated[str | None, Query(max_length=200)] = None,
        schema: Annotated[str | None, Query(max_length=63)] = None,
        sort: Literal["name", "size", "rows", "schema", "kind"] = "name",
        desc: bool = False,
        limit: Annotated[int, Query(ge=1, le=introspection.MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
        fresh: Annotated[
            bool,
            Query(
                description="Read the catalog now rather than reuse the listing read up to LISTING_CACHE_SECONDS ago"
            ),
        ] = False,
    ) -> TablePage:
        return introspection.list_tables(
            gate.context,
            branch,
            search=search,
            schema=schema,
            sort=sort,
            descending=desc,
            limit=limit,
            offset=offset,
            fresh=fresh,
        )

    @api.get(
        "/{branch}/tables/{schema}/{table}/rows",
        summary="A page of a table's rows from typed filters (column:op:value), sorted, after the cursor of the "
        "page before; format=csv streams every matching row (up to EXPORT_ROW_LIMIT) instead. Masked on Prod",
        response_model=data.RowsPage,
    )
    def table_rows(
        branch: str,
        schema: Annotated[str, Path(max_length=200)],
        table: Annotated[str, Path(max_length=200)],
        who: Reader,
        where: Annotated[
            list[str], Query(max_length=1100, description="column:op:value, op one of the OPERATORS")
        ] = [],  # noqa: B006
        sort: Annotated[str | None, Query(max_length=200)] = None,
        desc: bool = False,
        after: Annotated[str | None, Query(max_length=data.rows.CURSOR_LIMIT)] = None,
        limit: Annotated[int | None, Query(ge=1, description="rows of a page (at most 500), or of an export")] = None,
        format: Literal["json", "csv"] = "json",
    ) -> Response | data.RowsPage:
        filters = [data.Filter.parse(part) for part in where[: data.rows.MAX_FILTERS + 1]]
        if format == "csv":
            name = quote(f"{branch}-{schema}.{table}.csv", safe="")
            headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
            chunks = data.export(
                gate.context, branch, schema, table, actor=who, filters=filters, sort=sort, descending=desc, limit=limit
            )
            return StreamingResponse(_closing(chunks), media_type="text/csv", headers=headers)
        return data.page(
            gate.context,
            branch,
            schema,
            table,
            actor=who,
            filters=filters,
            sort=sort,
            descending=desc,
            after=after,
            limit=limit or 50,
        )

    @api.get("/saved-queries", summary="Your saved read-only queries, by name")
    def saved_queries(who: Reader) -> list[data.SavedQuery]:
        return data.saved(gate.context, who)

    @api.put("/saved-queries", summary="Save a read-only query under a name (the same name again replaces it)")
    def save_query(who: Querier, body: SavedQueryBody) -> data.SavedQuery:
        return data.save(gate.context, who, body.name, body.sql)

    @api.delete("/saved-queries/{query_id}", summary="Delete one of your saved queries", status_code=204)
    def forget_query(query_id: Annotated[int, Path(ge=1, le=2**62)], who: Querier) -> Response:
        data.forget(gate.context, who, query_id)
        return Response(status_code=204)

    @api.get(
        "/{branch}/tables/{schema}/{table}/value",
        summary="One value of one row in full (JSON pretty-printed); a masked one on Prod for admins, audited",
    )
    def table_value(
        branch: str,
        schema: Annotated[str, Path(max_length=200)],
        table: Annotated[str, Path(max_length=200)],
        who: Reader,
        column: Annotated[str, Query(max_length=200)],
        row: Annotated[str, Query(max_length=data.rows.CURSOR_LIMIT, description="a row_keys entry of a page")],
    ) -> data.Value:
        return data.value(gate.context, branch, schema, table, column, row, actor=who)

    @api.get("/{branch}/tables/{schema}/{table}", summary="One table's columns, indexes, constraints and relations")
    def table(branch: str, schema: str, table: str, _: Reader) -> TableDetails:
        found = introspection.table_details(gate.context, branch, schema, table)
        if found is None:
            raise NotFound(f"no table {schema[:63]}.{table[:63]} on {branch}")
        return found

    @api.get("/{branch}/migrations", summary="Migration status and history (applied newest first, every run)")
    def migration_state(branch: str, _: Reader) -> Migrations:
        return Migrations(
            status=migrations.status(gate.context, branch), history=migrations.history(gate.context, branch)
        )

    @api.post("/{branch}/migrate", summary="Migrate up (Dev) or down; Production rollbacks need 'ROLLBACK <n>'")
    def migrate(
        branch: str,
        who: Changer,
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
    def migrate_baseline(branch: str, who: Changer, body: BaselineRequest) -> Baseline:
        return migrations.baseline(
            gate.context, branch, actor=who, revision=body.revision, confirm=body.confirm, reason=body.reason
        )

    @api.post("/promote", summary="Bring Production to Development's revision; needs 'PROMOTE <n>'")
    def promote(who: Changer, body: Change | None = None) -> RunResult:
        body = body or Change()
        return migrations.promote(gate.context, actor=who, confirm=body.confirm, reason=body.reason)

    @api.get("/{branch}/checkpoints", summary="Checkpoints of a branch, newest first")
    def checkpoint_list(branch: str, who: Reader) -> list[Checkpoint]:
        found = checkpoints.list_for_branch(gate.context, branch)
        # where a checkpoint lives (a file path on the server, a database name) is for admins only
        return found if who.is_admin else [replace(checkpoint, reference=None) for checkpoint in found]

    @api.post("/{branch}/checkpoints", status_code=201, summary="Take a checkpoint now")
    def checkpoint_create(branch: str, who: Changer, body: NewCheckpoint) -> Checkpoint:
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
    def checkpoint_restore(branch: str, checkpoint_id: int, who: Changer, body: Change | None = None) -> Checkpoint:
        body = body or Change()
        return checkpoints.restore(
            gate.context, branch, checkpoint_id, actor=who, confirm=body.confirm, reason=body.reason
        )

    @api.post(
        "/{branch}/checkpoints/{checkpoint_id}/drill",
        summary="Restore a checkpoint into a scratch database and check it against its record (409 when it fails)",
    )
    def checkpoint_drill(
        branch: str, checkpoint_id: int, who: Changer, body: Change | None = None
    ) -> checkpoints.Drill:
        return checkpoints.drill(gate.context, branch, checkpoint_id, actor=who, reason=(body or Change()).reason)

    @api.get("/{branch}/schedule", summary="The branch's checkpoint schedule, recent runs and last verified backup")
    def schedule_get(branch: str, who: Reader) -> Backups:
        return _without_owners(backups.backups(gate.context, branch))

    @api.put("/{branch}/schedule", summary="Set the branch's checkpoint schedule (crontab 'off': none)")
    def schedule_put(branch: str, who: Changer, body: ScheduleChange) -> Backups:
        schedules.set_schedule(
            gate.context, branch, body.crontab, keep=body.keep, strategy=body.strategy, actor=who, reason=body.reason
        )
        return _without_owners(backups.backups(gate.context, branch))

    @api.get(
        "/{branch}/history", summary="The moments the branch can be restored to (null: its strategy keeps no history)"
    )
    def history(branch: str, who: Reader) -> checkpoints.History | None:
        return checkpoints.history(gate.context, branch)

    @api.post(
        "/{branch}/restore-to-time",
        summary="Restore the branch to a moment of its history (Production needs "
        "'RESTORE TO <YYYY-MM-DD HH:MM:SS>'); returns the checkpoint of the replaced state",
    )
    def restore_to_time(branch: str, who: Changer, body: TimeRestore) -> Checkpoint:
        return checkpoints.restore_to_time(
            gate.context, branch, body.at, actor=who, confirm=body.confirm, reason=body.reason
        )

    @api.delete(
        "/{branch}/checkpoints/{checkpoint_id}", summary="Delete a checkpoint's data (the catalog keeps the row)"
    )
    def checkpoint_delete(
        branch: str, checkpoint_id: int, who: Changer, reason: Annotated[str | None, Query(max_length=1000)] = None
    ) -> Checkpoint:
        return checkpoints.delete(gate.context, branch, checkpoint_id, actor=who, reason=reason)

    @api.get("/diff", summary="Schema difference between two of: dev, prod, a checkpoint id")
    def diff(
        _: Reader,
        source: Annotated[str, Query(alias="from", max_length=40)],
        target: Annotated[str, Query(alias="to", max_length=40)],
    ) -> SchemaDiff:
        return compare.diff(gate.context, source, target)

    @api.get("/{branch}/capture", summary="Whether the branch records its schema changes (DDL capture)")
    def capture_status(branch: str, _: Reader) -> CaptureStatus:
        return capture.status(gate.context, branch)

    @api.post("/{branch}/capture", summary="Record every schema change on the branch (event triggers; superuser)")
    def capture_install(branch: str, who: Changer, body: Change | None = None) -> CaptureStatus:
        return capture.install(gate.context, branch, actor=who, reason=(body or Change()).reason)

    @api.delete("/{branch}/capture", summary="Collect what the branch recorded, then stop recording")
    def capture_remove(
        branch: str, who: Changer, reason: Annotated[str | None, Query(max_length=1000)] = None
    ) -> CaptureStatus:
        return capture.remove(gate.context, branch, actor=who, reason=reason)

    @api.put(
        "/{branch}/guard",
        summary="Turn the branch's guard on (only dbadmin's runs change its schema) or off ('GUARD OFF' on Prod)",
    )
    def guard(branch: str, who: Changer, body: GuardChange) -> CaptureStatus:
        return capture.guard(gate.context, branch, body.on, actor=who, reason=body.reason, confirm=body.confirm)

    @api.post(
        "/{branch}/guard/bypass",
        summary="Let schema changes through the guard for some minutes; confirm: 'BYPASS GUARD <minutes>'",
    )
    def guard_bypass(branch: str, who: Changer, body: Bypass) -> CaptureStatus:
        return capture.bypass(gate.context, branch, body.minutes, actor=who, confirm=body.confirm, reason=body.reason)

    @api.post(
        "/{branch}/sql",
        summary="One read-only statement as the branch's reader (a role that cannot write); audited on Prod",
    )
    def run_sql(branch: str, who: Querier, body: Sql) -> data.QueryResult:
        return data.run(gate.context, branch, body.sql, actor=who, explain=body.explain, confirm=body.confirm)

    @api.get("/schema-changes", summary="Schema changes DDL capture recorded, newest first (collected first)")
    def schema_changes(
        _: Reader,
        branch: Literal["dev", "prod"] | None = None,
        outside_migrations: bool = True,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> list[DdlEvent]:
        return capture.recent(gate.context, branch, outside_only=outside_migrations, limit=limit)

    @api.get(
        "/audit",
        summary="The audit log, newest first; page with before_id. kind=schema-changes: the changes made "
        "outside migrations instead, one row each (action schema.outside_migrations, actor the database role)",
    )
    def audit_log(
        _: Reader,
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
        return audit.list_actions(
            gate.context.registry.control_pool(),
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
