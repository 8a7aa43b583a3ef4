"""The host application's identity (embedded mode): asked, in a worker thread when it is sync, and judged."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from ..services.errors import DBAdminError, IdentityFailed, NotAllowed
from ..services.operations.access import Principal, Role

# A host application's identity callable, sync or async, given the page's, request's or socket's
# connection: it returns a Principal, (name, "admin" | "viewer"), or None for nobody.
Identity = Callable[[HTTPConnection], Any]
_log = logging.getLogger("dbadmin")  # propagates to whatever the host application configured


async def ask(identity: Identity, request: HTTPConnection) -> Principal | None:
    """Ask the host application's identity (sync ones in a worker thread, so a lookup never blocks
    the event loop).  Its ``HTTPException`` speaks for it: 401 is nobody, another 4xx a refusal."""
    try:
        if inspect.iscoroutinefunction(identity):
            found = await identity(request)
        else:
            found = await run_in_threadpool(identity, request)
            if inspect.isawaitable(found):
                found = await found
        return principal_of(found)
    except HTTPException as exc:
        if exc.status_code == 401:
            return None
        if exc.status_code < 500:
            raise NotAllowed(f"the application refused: {str(exc.detail)[:200]}") from None
        _log.error("the application's identity callable answered %s: %s", exc.status_code, exc.detail)
        raise IdentityFailed("the application's login check failed; its log says why") from None
    except DBAdminError:
        raise
    except Exception:
        _log.exception("the application's identity callable failed")
        raise IdentityFailed("the application's login check failed; its log says why") from None


def principal_of(found: Any) -> Principal | None:
    """A host identity as a Principal; a signed-in host user without a dbadmin role is refused, not anonymous.

    Anything but None, a Principal or a (name, role) pair is the identity's mistake: a
    ``TypeError`` the caller logs, never a guess at what was meant.
    """
    if found is None or isinstance(found, Principal):
        return found
    if not isinstance(found, tuple | list) or len(found) != 2:
        raise TypeError(
            f"identity= returned a {type(found).__name__}; it must return None, a Principal or "
            "(name, 'admin' | 'viewer')"
        )
    name, role = found
    if str(role).lower() not in ("admin", "viewer"):
        raise NotAllowed(f"{str(name)[:200]} is signed in to the application but has no dbadmin role")
    return Principal(str(name)[:200], Role(str(role).lower()), "host")
