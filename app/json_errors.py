"""The JSON error shape every API route and login route answers with: ``{"error": <kind>, "detail": <message>}``.

The status says what to do: 400 fix the input, 401 log in, 403 not allowed, 404 no such thing,
409 busy, refused by a guardrail or failed against the branch's state (which stays as it was),
429 slow down, 503 the branch does not answer or the copy could not be made, 500 anything else.
"""

from __future__ import annotations

import re

from fastapi.responses import JSONResponse

from .services.errors import (
    BranchBusy,
    BranchNotConfigured,
    BranchUnavailable,
    Cancelled,
    CheckpointCorrupt,
    CheckpointFailed,
    ConfigError,
    ConfirmationRequired,
    DBAdminError,
    InvalidInput,
    MigrationFailed,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    NotStarted,
    OperationRefused,
    QueryTimedOut,
    RateLimited,
    UnknownBranch,
)

# Most specific first: the first class an error is an instance of decides its status.
# A failed migration or a corrupt checkpoint is a conflict with the branch's state (the branch is
# left as it was); a failed copy or a missing setting means dbadmin cannot serve that now.
STATUS: list[tuple[type[DBAdminError], int]] = [
    (NotAuthenticated, 401),
    (NotAllowed, 403),
    (RateLimited, 429),
    (UnknownBranch, 404),
    (NotFound, 404),
    (ConfirmationRequired, 400),
    (InvalidInput, 400),
    (BranchBusy, 409),
    (OperationRefused, 409),
    (Cancelled, 409),
    (MigrationFailed, 409),
    (CheckpointCorrupt, 409),
    (CheckpointFailed, 503),
    (ConfigError, 503),
    (BranchNotConfigured, 503),
    (BranchUnavailable, 503),
    (QueryTimedOut, 503),
    (NotStarted, 503),
]


def error_response(exc: DBAdminError) -> JSONResponse:
    """``exc`` as the error shape, with its status (and ``Retry-After`` when it says when to try again)."""
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
    return JSONResponse(
        {"error": kind, "detail": str(exc)}, status_code=status, headers=headers | {"Cache-Control": "no-store"}
    )  # answers name databases and people
