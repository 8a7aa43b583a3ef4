"""What every checkpoint strategy is given and must do: the protocol, and the job it acts in.

A strategy owns a checkpoint's whole life: ``create`` it from the live branch, ``restore``
the branch to it (returning the checkpoint that keeps the state it replaced, so every
restore can be undone), ``delete`` and ``verify`` it, ``settle`` one a killed process left
half-made, and say before anything starts what making one costs the branch
(``unavailability``) and what a restore does to it (``restore_effect``).  Its own settings
come through ``from_settings``, once, at start-up.  A strategy whose provider keeps the
branch's history may also restore to a moment (``TimeTravel``), and one that depends on
more than the branch's server checks it for ``dbadmin doctor`` (``Diagnosable``), and one
that can rebuild a checkpoint beside the branch can have it drilled (``Drillable``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

import psycopg

from ....config import Settings
from ... import dburl, server_admin
from ...branch import Branch
from ...context import Context
from ...errors import DBAdminError
from ...registry import Registry
from ..catalog import Checkpoint

Progress = Callable[[int, int, str], None]  # done, total (0 when unknown), message


@dataclass
class Job:
    """One piece of checkpoint work on one branch: where, for whom, and what it measured."""

    registry: Registry
    branch: Branch
    secrets: tuple[str, ...] = ()
    progress: Progress | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    unavailable_ms: int = 0  # filled in by strategies that keep the branch from taking connections
    copy_method: str | None = None  # how a clone copied the files
    restore_method: str | None = None  # how a restore brought the checkpoint back ("swap", "in place", ...)
    # Settings for the sessions a restore opens on the branch itself: a run's token, so the
    # branch's guard lets a restore in place by and records its DDL as dbadmin's.
    session_settings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, context: Context, branch: Branch, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> Job:
        """A job on ``branch`` with ``context``'s registry and secrets (a fresh cancel event when none is given)."""
        return cls(
            registry=context.registry,
            branch=branch,
            secrets=context.settings.secrets(),
            progress=progress,
            cancel=cancel or threading.Event(),
        )

    @property
    def url(self) -> str:
        """The branch's URL (with credentials: never shown)."""
        return self.registry.url(self.branch)

    @property
    def database(self) -> str:
        return server_admin.database_of(self.url)

    @property
    def purpose(self) -> str:
        """The application_name of every session this branch's checkpoint work opens.

        It names the branch's database, not just "dev": several dbadmins (or test runs) may
        share one server, and recovery must end only the sessions a dead process left on
        *this* database, never another instance's work in progress.
        """
        name = f"dbadmin-maint-{self.database}"
        return name if len(name) <= 63 else f"{name[:50]}-{hashlib.sha1(name.encode()).hexdigest()[:12]}"

    def maintenance(self):
        return server_admin.maintenance(self.url, secrets=self.secrets, purpose=self.purpose)

    def drop(self, database: str) -> None:
        """Drop ``database`` (a checkpoint's, a half-built copy) on the branch's server, if it exists."""
        with self.maintenance() as conn:
            server_admin.drop(conn, database)

    def close_pools(self) -> None:
        """End dbadmin's own pooled sessions on the branch (they reopen on first use)."""
        self.registry.close(self.branch)

    def report(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, total, message)


@dataclass(frozen=True)
class Created:
    size_bytes: int
    checksum: str | None = None
    # Each table's rows in the copy (``schema.counts``), for restore drills to check; None: not counted.
    row_counts: dict | None = None
    # The schema as the copy has it, when the strategy read it in the copy's own snapshot (a dump);
    # None: the service's snapshot, taken just before, stands.
    schema: dict | None = None


@dataclass(frozen=True)
class Unavailability:
    """How long creating a checkpoint will keep the branch from taking connections, said before it starts."""

    strategy: str
    seconds: float | None  # None: not measured on this branch yet
    explanation: str


class Keep(Protocol):
    """How a restore keeps the state it replaces, given by the checkpoint service.

    ``record(strategy)`` makes the catalog row of a checkpoint the strategy will keep itself
    (the replaced database, a provider's preserved branch): status ``creating``, labelled
    "before restore of #N", with the branch's revision and schema now; the strategy fills in
    its reference and marks it ready.  ``take(strategy)`` makes a whole checkpoint of the
    branch as it is now with that strategy, before anything is replaced.
    """

    def record(self, strategy: str) -> Checkpoint: ...
    def take(self, strategy: str) -> Checkpoint: ...


class Strategy(Protocol):
    name: ClassVar[str]
    summary: ClassVar[str]  # one line: what it does and what it costs (CLI help, docs)
    restore_effect: ClassVar[str]  # what a restore does to the branch's connections, said before it starts

    @classmethod
    def from_settings(cls, settings: Settings) -> Strategy: ...
    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str: ...
    def create(self, job: Job, checkpoint: Checkpoint) -> Created: ...
    def restore(self, job: Job, checkpoint: Checkpoint, keep: Keep) -> Checkpoint: ...
    def delete(self, job: Job, checkpoint: Checkpoint) -> None: ...
    def verify(self, job: Job, checkpoint: Checkpoint) -> None: ...
    def discard_partial(self, job: Job, reference: str) -> None: ...
    def settle(self, job: Job, checkpoint: Checkpoint) -> Created | None:
        """Finish or undo what a killed process left of ``checkpoint`` (status ``creating``);
        ``Created`` when it turned out whole (the catalog marks it ready), else None (failed)."""

    def unavailability(self, job: Job) -> Unavailability: ...


@dataclass(frozen=True)
class History:
    """The moments a branch can be brought back to, oldest and newest (aware datetimes)."""

    earliest: datetime
    latest: datetime


@runtime_checkable
class TimeTravel(Protocol):
    """A strategy that can also bring the branch back to a moment of its history, not only to a checkpoint."""

    def history(self, job: Job) -> History: ...
    def restore_to_time(self, job: Job, moment: datetime, keep: Keep) -> Checkpoint:
        """Bring the branch back to ``moment``; returns the checkpoint of the state it replaced."""


def failure_message(exc: BaseException, secrets: tuple[str, ...]) -> str:
    """What the catalog records about a failure: dbadmin's own sentence, or the error without secrets."""
    return str(exc) if isinstance(exc, DBAdminError) else f"{type(exc).__name__}: {dburl.reason(exc, secrets)}"


def quietly(call: Callable[..., object], *args: object) -> None:
    """Best effort, for cleaning up after a failure: recovery at the next start tries again."""
    try:
        call(*args)
    except (DBAdminError, psycopg.Error, OSError):
        pass


@runtime_checkable
class Drillable(Protocol):
    """A strategy whose checkpoints can be rebuilt as a new database beside the branch, for a restore drill."""

    def restore_into(self, job: Job, checkpoint: Checkpoint, database: str) -> None:
        """Build checkpoint's data as the new database ``database`` on the branch's server (the
        branch itself untouched); as a restore would, so a drill proves the restore."""


@runtime_checkable
class Closing(Protocol):
    """A strategy holding something to let go of when its context closes (a provider's HTTP client)."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class Finding:
    """One line of ``dbadmin doctor`` about a strategy's own set-up (a provider's key, its branches)."""

    name: str
    level: str  # "ok", "warn" or "fail"
    detail: str
    fix: str | None = None


@runtime_checkable
class Diagnosable(Protocol):
    """A strategy that can say whether it is set up to work on a branch, without changing anything."""

    def diagnose(self, job: Job) -> list[Finding]: ...
