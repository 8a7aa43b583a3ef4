"""The error family every front end (pages, API, CLI) translates in one place.

Every message is written for the person at the console and is safe to show: no
passwords, no tracebacks.  ``outcome`` is what the audit log records when the error
ends an operation: a refusal (bad input, wrong phrase, busy) is not a failure.
"""

from __future__ import annotations


class DBAdminError(Exception):
    """Base class. ``str(error)`` is a complete, user-facing sentence."""

    outcome = "failed"


class ConfigError(DBAdminError):
    """A setting is missing or wrong; the message names the variable, never its secret value."""

    outcome = "refused"


class SameDatabase(ConfigError):
    """Two configured URLs lead to the same database (checked against the servers, not the strings)."""


class InvalidInput(DBAdminError, ValueError):
    """A caller passed something we will not act on (bad name, bad number, bad filter)."""

    outcome = "refused"


class NotFound(InvalidInput):
    """The thing asked for does not exist (a 404 for the API)."""


class QueryTimedOut(DBAdminError):
    """A read query ran past STATEMENT_TIMEOUT and was cancelled by the server."""


class UnknownBranch(InvalidInput):
    """A branch name that is neither ``dev`` nor ``prod``."""


class BranchNotConfigured(DBAdminError):
    """The branch's URL is not set: the branch is reported as missing, not crashed on."""

    outcome = "refused"


class BranchUnavailable(DBAdminError):
    """The branch is configured but its server does not answer (down, refusing, timing out)."""


class EmbeddedServerError(DBAdminError):
    """The embedded PostgreSQL could not be prepared, started or stopped."""


class DataDirInUse(EmbeddedServerError):
    """Another dbadmin process owns the embedded data folder (and the server in it)."""


class OperationRefused(DBAdminError):
    """A guardrail said no (Prod ahead of Dev, diverged branches, nothing to do): nothing was changed."""

    outcome = "refused"


class NotSetUp(OperationRefused):
    """What was asked for needs settings this dbadmin does not have (a strategy's key): refused, nothing changed."""


class CheckpointKept(OperationRefused):
    """The checkpoint's provider will not delete it yet (a branch with children, say): it stays, and says why."""


class WrongDatabase(OperationRefused):
    """env.py reached a database other than the branch's (its own settings, a hard-coded URL): nothing ran."""


class BaselineMismatch(OperationRefused):
    """The branch's schema is not what the revision builds: a baseline would record a lie."""

    def __init__(self, branch, revision: str, difference) -> None:
        lines = [change.describe() for change in difference.changes]
        shown = "; ".join(lines[:5]) + (f"; and {len(lines) - 5} more" if len(lines) > 5 else "")
        super().__init__(
            f"{branch.label} does not match {revision} ({difference.summary()}: {shown}); nothing was "
            "recorded: migrate it by hand to match, or baseline at the revision it matches"
        )
        self.differences = lines


class ConfirmationRequired(OperationRefused):
    """A destructive operation on Prod needs its exact typed phrase (``ROLLBACK 2``, ``PROMOTE 3``...)."""


class BranchBusy(OperationRefused):
    """Another operation holds the branch: ``busy: <operation> by <actor> since <time>``."""


class MigrationFailed(DBAdminError):
    """A migration failed; ``where`` says where that left the branch (where it was, or where it stopped)."""

    def __init__(self, revision: str, message: str, where: str = "") -> None:
        super().__init__(f"migration {revision} failed: {message}" + (f"; {where}" if where else ""))
        self.revision = revision


class CheckpointFailed(DBAdminError):
    """Creating or restoring a checkpoint failed; the branch is unchanged."""


class NameTaken(CheckpointFailed):
    """The name a checkpoint would take is already used (another dbadmin on the server): nothing was changed."""


class CheckpointCorrupt(DBAdminError):
    """A checkpoint's data is missing or does not match its checksum: it cannot be restored."""


class DrillFailed(CheckpointCorrupt):
    """A restore drill found that a checkpoint does not restore as it was recorded (the branch was never touched)."""


class Cancelled(DBAdminError):
    """The operation was cancelled; what it had made is cleaned up."""

    outcome = "interrupted"


class NotAuthenticated(DBAdminError):
    """Nobody is logged in (or the session or token is unknown, expired or revoked)."""

    outcome = "refused"


class NotAllowed(DBAdminError):
    """The person is known but their role does not allow this (a viewer asking to change something)."""

    outcome = "refused"


class IdentityFailed(DBAdminError):
    """The host application's identity callable raised: nobody can be told apart, so nothing is served."""


class NotStarted(DBAdminError):
    """Embedded mode before the host application's startup opened dbadmin (or after its shutdown)."""


class RateLimited(OperationRefused):
    """Too many changes asked for in a short time; ``retry_after`` says in how many seconds to try again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
