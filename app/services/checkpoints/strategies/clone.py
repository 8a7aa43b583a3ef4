"""``clone``: a copy of the branch's database on its own server (``CREATE DATABASE ... TEMPLATE``).

Fast, but PostgreSQL copies only a database nobody is connected to, so the branch is fenced
off (``ALLOW_CONNECTIONS false``, other sessions ended or waited for, per CLONE_SESSIONS)
for the length of the copy; that window is measured, kept in the catalog, and the next
clone's estimate is shown before anyone confirms.  The copy forces a checkpoint, which
writes out every dirty buffer; one run just before fencing, while the branch still serves,
leaves that one little to do, so the fence lasts about the copy alone.  Restore builds
aside and swaps.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

import psycopg

from .... import units
from ....config import Settings
from ... import dburl, fence, filesystems, server_admin
from ...errors import CheckpointCorrupt, CheckpointFailed, NameTaken, OperationRefused
from ...schema import counts
from .. import catalog
from ..catalog import Checkpoint
from . import swap
from .base import Created, Finding, Job, Keep, Unavailability, quietly


class CloneStrategy:
    name: ClassVar[str] = "clone"
    summary: ClassVar[str] = (
        "a copy on the branch's own server: fast; the branch takes no connections while it is copied"
    )
    restore_effect: ClassVar[str] = swap.SWAP_EFFECT

    def __init__(self, sessions: str = "terminate", wait: float = 10.0) -> None:
        self.sessions, self.wait = sessions, wait

    @classmethod
    def from_settings(cls, settings: Settings) -> CloneStrategy:
        return cls(settings.clone_sessions, settings.clone_wait)

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str:
        return swap.checkpoint_database(job.database, checkpoint.id)

    def create(self, job: Job, checkpoint: Checkpoint) -> Created:
        target = checkpoint.location
        job.close_pools()  # our own sessions must leave too
        job.report(0, 1, f"copying {job.database}")
        with job.maintenance() as conn:
            server_admin.flush(conn)  # the flush the copy forces, done before the fence (skipped if not allowed)
            with fenced(conn, job, self.sessions, self.wait):
                job.copy_method = _copy(conn, target, job.database)
            with server_admin.session(dburl.with_database(job.url, target), purpose=job.purpose) as copy:
                row_counts = counts.of(copy)  # the copy holds no other session: these are its rows
            # Nobody may write into a checkpoint: it is only ever a template.
            server_admin.allow_connections(conn, target, False)
            size = server_admin.size(conn, target)
        job.report(1, 1, f"copied {job.database}")
        return Created(size_bytes=size, row_counts=row_counts)

    def restore(self, job: Job, checkpoint: Checkpoint, keep: Keep) -> Checkpoint:
        self.verify(job, checkpoint)
        if not swap.swappable(job):
            raise OperationRefused(
                "restoring a clone checkpoint needs a role that may create databases (CREATEDB); this one may not"
            )

        def build_aside(aside: str) -> None:
            job.report(0, 1, f"copying checkpoint #{checkpoint.id}")
            with job.maintenance() as conn:
                _copy(conn, aside, checkpoint.location, owner_of=job.database)
            job.report(1, 1, f"copied checkpoint #{checkpoint.id}")

        return swap.swap_in(job, checkpoint, keep, build_aside)

    def restore_into(self, job: Job, checkpoint: Checkpoint, database: str) -> None:
        self.verify(job, checkpoint)
        with job.maintenance() as conn:
            _copy(conn, database, checkpoint.location, owner_of=job.database)

    def delete(self, job: Job, checkpoint: Checkpoint) -> None:
        self.discard_partial(job, checkpoint.location)

    def discard_partial(self, job: Job, reference: str) -> None:
        job.drop(reference)

    def verify(self, job: Job, checkpoint: Checkpoint) -> None:
        with job.maintenance() as conn:
            if not server_admin.exists(conn, checkpoint.location):
                raise CheckpointCorrupt(
                    f"checkpoint #{checkpoint.id}: its database {checkpoint.reference} no longer exists"
                )

    def settle(self, job: Job, checkpoint: Checkpoint) -> None:
        """A clone killed half-way: drop the partial copy, and let the branch take connections again."""
        if checkpoint.reference:
            quietly(job.drop, checkpoint.reference)
        with job.maintenance() as conn:
            server_admin.allow_connections(conn, job.database, True)

    def unavailability(self, job: Job) -> Unavailability:
        """The branch's size now at the copy speed of its last measured clone."""
        with job.maintenance() as conn:
            size = server_admin.size(conn, job.database)
        last = catalog.last_measured(job.registry, job.branch, self.name)
        if last is None:
            return Unavailability(
                self.name,
                None,
                f"clone: the branch takes no connections while its {units.size(size)} "
                "are copied (about the time to copy its files on the server's disk; measured after "
                "the first clone).",
            )
        rate = (last.size_bytes or 0) / ((last.unavailable_ms or 1) / 1000)  # bytes per second, as measured (both > 0)
        seconds = size / rate
        return Unavailability(
            self.name,
            seconds,
            f"clone: the branch takes no connections while it is copied, about "
            f"{max(seconds, 0.1):.1f} s for {units.size(size)} at the last measured "
            f"{units.size(int(rate))}/s.",
        )

    def diagnose(self, job: Job) -> list[Finding]:
        """Whether a clone will share blocks (PostgreSQL 18 on a filesystem with reflinks) or copy bytes."""
        with job.maintenance() as conn:
            major, folder = server_admin.server_major(conn), server_admin.data_directory(conn)
        if folder is None or not Path(folder).is_dir():
            return [
                Finding(
                    "clone copies",
                    "ok",
                    "the server's data directory is not visible from here, so whether "
                    "clones share blocks cannot be told",
                )
            ]
        found = filesystems.reflinks(Path(folder))
        if found.supported and major >= 18:
            return [
                Finding(
                    "clone copies",
                    "ok",
                    f"copy-on-write: {folder} is on {found.filesystem}, which has "
                    "reflinks, and PostgreSQL 18 clones files there in moments",
                )
            ]
        if found.supported:
            return [
                Finding(
                    "clone copies",
                    "warn",
                    f"{folder} is on {found.filesystem}, which has reflinks, but PostgreSQL {major} copies every byte",
                    "PostgreSQL 18 makes clones there nearly free",
                )
            ]
        return [
            Finding(
                "clone copies",
                "ok",
                f"byte copies: {folder} is on {found.filesystem}"
                + (", which has no reflinks" if found.supported is False else ""),
                "a data directory on XFS (reflink=1) or Btrfs makes clones nearly free with PostgreSQL 18",
            )
        ]


class fenced:
    """Keep everyone out of the branch's database for the body, and measure how long.

    ALLOW_CONNECTIONS false stops new sessions (superusers included), then the others
    are ended (CLONE_SESSIONS=terminate) or waited for (wait: refused after
    CLONE_WAIT seconds).  The database is reopened however the body ends.
    """

    def __init__(self, conn, job: Job, sessions: str, wait: float) -> None:
        self.conn, self.job, self.sessions, self.wait = conn, job, sessions, wait

    def __enter__(self) -> None:
        # Before the branch closes: a watchdog that reopens it within seconds if this process dies.
        self.watching = fence.watched(self.job.url, [self.job.database], purpose=self.job.purpose)
        self.watch = self.watching.__enter__()
        self.started = time.monotonic()
        try:
            server_admin.allow_connections(self.conn, self.job.database, False)
        except BaseException:
            self.watch.reopened()  # never closed
            self.watching.__exit__(None, None, None)
            raise
        try:
            if self.sessions == "terminate":
                server_admin.terminate_sessions(self.conn, self.job.database)
                _wait_for_no_sessions(self.conn, self.job.database, 5)
            else:
                _wait_for_no_sessions(self.conn, self.job.database, self.wait)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc_info: object) -> None:
        try:
            server_admin.allow_connections(self.conn, self.job.database, True)
            self.watch.reopened()  # else the watchdog opens it as it leaves
            self.job.unavailable_ms += int((time.monotonic() - self.started) * 1000)
        finally:
            self.watching.__exit__(None, None, None)


def _wait_for_no_sessions(conn, database: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (count := server_admin.other_sessions(conn, database)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if count:
        raise OperationRefused(
            f"{database} still has {count} other session(s) after {seconds:g} s; a clone needs "
            "none: close them, set CLONE_SESSIONS=terminate, or use the dump strategy"
        )


def _copy(conn, target: str, source: str, *, owner_of: str | None = None) -> str:
    """Copy ``source`` to a new database ``target``; returns how the files were copied.

    PostgreSQL 18's ``file_copy_method = clone`` copies with the kernel's file cloning:
    instant and space-sharing (copy-on-write) on filesystems with reflinks (XFS, Btrfs);
    on others, such as ext4, Linux still copies in the kernel at disk speed.  The server's
    filesystem is not visible from here, so the method is reported as PostgreSQL names it.
    Where the server refuses the method, the plain copy is used.
    """
    if server_admin.exists(conn, target):  # never dropped: it may be another dbadmin's
        raise NameTaken(f"a database named {target} already exists on the server; nothing was changed")
    if server_admin.server_major(conn) >= 18:
        conn.execute("SET file_copy_method = clone")
        try:
            server_admin.create(conn, target, template=source, owner_of=owner_of)
            return "clone"
        except psycopg.Error:
            server_admin.drop(conn, target)
        finally:
            conn.execute("RESET file_copy_method")
    try:
        server_admin.create(conn, target, template=source, owner_of=owner_of)
    except Exception as exc:
        raise CheckpointFailed(f"copying {source} failed: {dburl.reason(exc)}") from None
    return "copy"
