"""A branch's tables: the listing, one table's structure, its rows (a page or a CSV export) and one value."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Send

from ..services import data
from ..services.errors import NotFound
from ..services.schema import introspection
from ..services.schema.introspection import TableDetails, TablePage
from ..services.operations.access import Principal
from .deps import Deps
from .errors import domain_router


async def _closing(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` read off the event loop, and closed when the client goes away: Starlette never
    closes a plain iterator, which would hold the export's connection until it is collected."""
    try:
        while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
            yield chunk
    finally:
        await run_in_threadpool(chunks.close)  # type: ignore[attr-defined]  # a generator


class _Download(StreamingResponse):
    """A streamed download that ends when the client takes no data for ``stall`` seconds: its generator is
    closed (the COPY cancelled, the export's slot freed) instead of waiting up to EXPORT_TIMEOUT."""

    def __init__(self, content: AsyncIterator[bytes], *, stall: float, **kwargs: object) -> None:
        super().__init__(content, **kwargs)  # type: ignore[arg-type]
        self.stall = stall

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            for start in range(0, len(chunk), _SLICE):  # a slow reader that keeps reading is never cut
                piece = {"type": "http.response.body", "body": chunk[start : start + _SLICE], "more_body": True}
                try:
                    await asyncio.wait_for(send(piece), self.stall)
                except TimeoutError:
                    _log.warning("a CSV download took no data for %.0f s: cancelled (EXPORT_STALL_SECONDS)", self.stall)
                    await self.body_iterator.aclose()  # type: ignore[attr-defined]  # an async generator
                    return  # the server closes the connection of an unfinished response
        await send({"type": "http.response.body", "body": b"", "more_body": False})


_log = logging.getLogger("dbadmin")
_SLICE = 16 * 1024  # bytes sent at once: the stall timer waits for this much to drain, not a whole chunk


def routes(deps: Deps) -> APIRouter:
    api = domain_router()
    _catalog(api, deps)
    _data(api, deps)
    return api


def _catalog(api: APIRouter, deps: Deps) -> None:
    """What the tables are: the listing and one table's structure."""
    gate, reading = deps.gate, deps.reading

    @api.get("/{branch}/tables", summary="Tables and views, filtered, sorted and paged")
    def tables(
        branch: str,
        _: Annotated[Principal, reading],
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

    @api.get("/{branch}/tables/{schema}/{table}", summary="One table's columns, indexes, constraints and relations")
    def table(branch: str, schema: str, table: str, _: Annotated[Principal, reading]) -> TableDetails:
        found = introspection.table_details(gate.context, branch, schema, table)
        if found is None:
            raise NotFound(f"no table {schema[:63]}.{table[:63]} on {branch}")
        return found


def _data(api: APIRouter, deps: Deps) -> None:
    """What the tables hold: a page of rows, an export, one value (masked on Prod, audited there)."""
    gate, reading = deps.gate, deps.reading

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
        who: Annotated[Principal, reading],
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
            stall = gate.context.settings.export_stall_seconds
            return _Download(_closing(chunks), stall=stall, media_type="text/csv", headers=headers)
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

    @api.get(
        "/{branch}/tables/{schema}/{table}/value",
        summary="One value of one row in full (JSON pretty-printed); a masked one on Prod for admins, audited",
    )
    def table_value(
        branch: str,
        schema: Annotated[str, Path(max_length=200)],
        table: Annotated[str, Path(max_length=200)],
        who: Annotated[Principal, reading],
        column: Annotated[str, Query(max_length=200)],
        row: Annotated[str, Query(max_length=data.rows.CURSOR_LIMIT, description="a row_keys entry of a page")],
    ) -> data.Value:
        return data.value(gate.context, branch, schema, table, column, row, actor=who)
