"""Who may call a route: a reader (any principal), a changer (same-site, rate limited) or a querier (a read
sent by POST: same-site, not rate limited), as FastAPI dependencies bound to the gate; and the body every
change may carry."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..gate import Gate
from ..services.errors import IdentityFailed, NotAllowed, NotAuthenticated, RateLimited
from ..services.operations.access import Principal


class Change(BaseModel):
    confirm: str | None = Field(
        None, max_length=200, description="The typed phrase Production asks for, e.g. 'ROLLBACK 1'."
    )
    reason: str | None = Field(None, max_length=1000, description="Why: recorded in the audit log.")


@dataclass(frozen=True)
class Deps:
    """The gate, and the principal a route asks for: ``who: Annotated[Principal, changing]``."""

    gate: Gate
    reading: Any  # Depends(...) of a reader
    changing: Any
    querying: Any


def dependencies(gate: Gate) -> Deps:
    """The route dependencies bound to ``gate``."""

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

    return Deps(gate, Depends(reader), Depends(changer), Depends(querier))
