"""How a checkpoint is made and brought back: one class per strategy, one interface.

* ``clone``: ``CREATE DATABASE ... TEMPLATE`` on the branch's own server.  Fast, but the
  source must have no sessions while it is copied, so the branch is fenced off
  (``ALLOW_CONNECTIONS false``, other sessions ended or waited for, per CLONE_SESSIONS)
  for the length of the copy, and that window is reported.
* ``dump``: ``pg_dump -Fc`` into the checkpoint store, ``pg_restore`` back.  Online: the
  branch stays available.  Archives carry a SHA-256 checked before any restore.

A provider strategy (a hosted service's branch or snapshot API) fits the same
interface: ``create`` returns a reference, ``build_aside`` materialises it as a new
database, ``delete`` and ``verify`` act on the reference.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psycopg

from .. import dburl, pgtools, server_admin
from .catalog import Checkpoint
from .stores import Store, sha256_of
from ..errors import Cancelled, CheckpointCorrupt, CheckpointFailed, NameTaken, OperationRefused

Progress = Callable[[int, int, str], None]  # done, total (0 when unknown), message


@dataclass
class Job:
    """What a strategy needs to act on one branch."""

    url: str  # the branch's URL (with credentials)
    branch: str  # dev or prod: names this branch's maintenance sessions
    store: Store  # where dump archives live
    secrets: tuple[str, ...] = ()
    progress: Progress | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    clone_sessions: str = "terminate"
    clone_wait: float = 10.0
    jobs: int = 2
    unavailable_ms: int = 0  # filled in by strategies that fence the branch off
    copy_method: str | None = None  # how a clone copied the files

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

    def report(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, total, message)


@dataclass(frozen=True)
class Created:
    reference: str
    size_bytes: int
    checksum: str | None = None


class Strategy(Protocol):
    name: str

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str: ...
    def create(self, job: Job, checkpoint: Checkpoint) -> Created: ...
    def build_aside(self, job: Job, checkpoint: Checkpoint, aside: str) -> None: ...
    def delete(self, job: Job, checkpoint: Checkpoint) -> None: ...
    def verify(self, job: Job, checkpoint: Checkpoint) -> None: ...
    def discard_partial(self, job: Job, reference: str) -> None: ...


def checkpoint_database(database: str, checkpoint_id: int) -> str:
    """The name of a clone checkpoint's database (63 bytes at most, PostgreSQL's limit)."""
    suffix = f"__ckpt_{checkpoint_id}_{server_admin.unique_part()}"
    return database.encode()[: 63 - len(suffix)].decode(errors="ignore") + suffix


class CloneStrategy:
    name = "clone"

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str:
        return checkpoint_database(job.database, checkpoint.id)

    def create(self, job: Job, checkpoint: Checkpoint) -> Created:
        target = checkpoint.reference
        job.report(0, 1, f"copying {job.database}")
        with job.maintenance() as conn:
            with fenced(conn, job):
                job.copy_method = _copy(conn, target, job.database)
            # Nobody may write into a checkpoint: it is only ever a template.
            server_admin.allow_connections(conn, target, False)
            size = server_admin.size(conn, target)
        job.report(1, 1, f"copied {job.database}")
        return Created(reference=target, size_bytes=size)

    def build_aside(self, job: Job, checkpoint: Checkpoint, aside: str) -> None:
        job.report(0, 1, f"copying checkpoint #{checkpoint.id}")
        with job.maintenance() as conn:
            _copy(conn, aside, checkpoint.reference, owner_of=job.database)
        job.report(1, 1, f"copied checkpoint #{checkpoint.id}")

    def delete(self, job: Job, checkpoint: Checkpoint) -> None:
        self.discard_partial(job, checkpoint.reference)

    def discard_partial(self, job: Job, reference: str) -> None:
        with job.maintenance() as conn:
            server_admin.drop(conn, reference)

    def verify(self, job: Job, checkpoint: Checkpoint) -> None:
        with job.maintenance() as conn:
            if not server_admin.exists(conn, checkpoint.reference):
                raise CheckpointCorrupt(f"checkpoint #{checkpoint.id}: its database {checkpoint.reference} no longer exists")


class DumpStrategy:
    name = "dump"

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str:
        return job.store.reference(checkpoint.branch, f"{checkpoint.id}-{server_admin.unique_part()}")

    def create(self, job: Job, checkpoint: Checkpoint) -> Created:
        reference = checkpoint.reference
        if job.store.exists(reference):
            raise NameTaken(f"checkpoint #{checkpoint.id}: {reference} already exists in the checkpoint store; "
                            "nothing was changed")
        staged = job.store.staging(reference)
        with job.maintenance() as conn:
            estimate = server_admin.size(conn, job.database)
            tool = _tool("pg_dump", server_admin.server_major(conn))
        free = job.store.free_bytes()
        if free is not None and free < estimate:
            raise CheckpointFailed(f"the checkpoint store has {free // 2**20} MiB free; the database is "
                                   f"{estimate // 2**20} MiB, so a dump may not fit")
        try:
            _run_tool(job, tool, ["--format=custom", f"--file={staged}", "--no-password"], job.url,
                      watch=staged, total=estimate)
            checksum = sha256_of(staged)
            size = job.store.keep(staged, reference)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return Created(reference=reference, size_bytes=size, checksum=checksum)

    def build_aside(self, job: Job, checkpoint: Checkpoint, aside: str) -> None:
        archive = job.store.fetch(checkpoint.reference)
        try:
            _check_archive(job, checkpoint, archive)
            with job.maintenance() as conn:
                server_admin.create(conn, aside, owner_of=job.database)
                tool = _tool("pg_restore", server_admin.server_major(conn))
            _run_tool(job, tool, ["--exit-on-error", f"--jobs={job.jobs}", "--no-password", str(archive)],
                      dburl.with_database(job.url, aside), database_flag=True)
        finally:
            job.store.release(checkpoint.reference, archive)

    def restore_in_place(self, job: Job, checkpoint: Checkpoint) -> None:
        """For a role that cannot create databases: ``pg_restore --clean --if-exists --single-transaction``
        into the live database.  Still all-or-nothing: any error rolls the whole restore back."""
        archive = job.store.fetch(checkpoint.reference)
        try:
            _check_archive(job, checkpoint, archive)
            with job.maintenance() as conn:
                tool = _tool("pg_restore", server_admin.server_major(conn))
            _run_tool(job, tool, ["--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
                                  "--no-password", str(archive)], job.url, database_flag=True)
        finally:
            job.store.release(checkpoint.reference, archive)

    def delete(self, job: Job, checkpoint: Checkpoint) -> None:
        job.store.delete(checkpoint.reference)

    def discard_partial(self, job: Job, reference: str) -> None:
        job.store.delete(reference)

    def verify(self, job: Job, checkpoint: Checkpoint) -> None:
        """That the archive is there; its checksum is checked on the copy ``build_aside`` reads."""
        if not job.store.exists(checkpoint.reference):
            raise CheckpointCorrupt(f"checkpoint #{checkpoint.id}: its archive {checkpoint.reference} is missing")


def _check_archive(job: Job, checkpoint: Checkpoint, archive: Path) -> None:
    job.report(0, 1, f"checking the archive of checkpoint #{checkpoint.id}")
    if sha256_of(archive) != checkpoint.checksum:
        raise CheckpointCorrupt(f"checkpoint #{checkpoint.id}: its archive {checkpoint.reference} does not match its checksum")


STRATEGIES: dict[str, Strategy] = {"clone": CloneStrategy(), "dump": DumpStrategy()}


class fenced:
    """Keep everyone out of the branch's database for the body, and measure how long.

    ALLOW_CONNECTIONS false stops new sessions (superusers included), then the others
    are ended (CLONE_SESSIONS=terminate) or waited for (wait: refused after
    CLONE_WAIT seconds).  The database is reopened however the body ends.
    """

    def __init__(self, conn, job: Job) -> None:
        self.conn, self.job = conn, job

    def __enter__(self) -> None:
        self.started = time.monotonic()
        server_admin.allow_connections(self.conn, self.job.database, False)
        try:
            if self.job.clone_sessions == "terminate":
                server_admin.terminate_sessions(self.conn, self.job.database)
                _wait_for_no_sessions(self.conn, self.job.database, 5)
            else:
                _wait_for_no_sessions(self.conn, self.job.database, self.job.clone_wait)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc_info: object) -> None:
        server_admin.allow_connections(self.conn, self.job.database, True)
        self.job.unavailable_ms += int((time.monotonic() - self.started) * 1000)


def _wait_for_no_sessions(conn, database: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (count := server_admin.other_sessions(conn, database)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if count:
        raise OperationRefused(f"{database} still has {count} other session(s) after {seconds:g} s; a clone needs "
                               "none: close them, set CLONE_SESSIONS=terminate, or use the dump strategy")


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


def _tool(name: str, server_major: int) -> pgtools.Tool:
    tool = pgtools.find(name, server_major)
    if tool is None:
        raise CheckpointFailed(f"{name} is not installed: apt-get install postgresql-client-{server_major}")
    if tool.major < server_major:
        raise CheckpointFailed(f"{name} {tool.version} ({tool.path}) is older than the server ({server_major}); "
                               f"install the PostgreSQL {server_major} client tools")
    return tool


def _run_tool(job: Job, tool: pgtools.Tool, args: list[str], url: str, *, watch: Path | None = None,
              total: int = 0, database_flag: bool = False) -> None:
    """Run pg_dump/pg_restore with the password in the environment (never on the command line)."""
    target, password = dburl.without_password(url)
    env = {**os.environ, "PGPASSWORD": password or "", "PGAPPNAME": job.purpose}
    command = [str(tool.path), *args, f"--dbname={target}"] if database_flag else [str(tool.path), *args, target]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True)
    reader.start()
    job.report(0, total, f"{tool.name} started")
    while process.poll() is None and not job.cancel.is_set():
        if watch is not None and watch.exists():
            job.report(min(watch.stat().st_size, total), total, f"{tool.name}: {watch.stat().st_size // 2**20} MiB written")
        time.sleep(0.1)
    if job.cancel.is_set():  # honoured even if the tool finished meanwhile: the caller cleans up either way
        process.terminate()
        process.wait()
        raise Cancelled(f"{tool.name} was cancelled")
    reader.join()
    if process.returncode != 0:
        last = next((line.strip() for line in reversed(stderr) if line.strip()), f"exit code {process.returncode}")
        raise CheckpointFailed(f"{tool.name} {tool.version} ({tool.path}) failed: {dburl.scrub(last, job.secrets)}")
