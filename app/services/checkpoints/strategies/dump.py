"""``dump``: ``pg_dump -Fc`` into the checkpoint store (a folder, or S3), ``pg_restore`` back.

Online: the branch stays available while it is dumped.  Archives carry a SHA-256 checked
before any restore.  Restore builds aside and swaps; a role that may not create databases
restores in place instead, in one transaction, after a dump of the state it replaces.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import psycopg
from psycopg.rows import dict_row

from ....config import Settings
from ... import dburl, pgtools, server_admin
from ...errors import Cancelled, CheckpointCorrupt, CheckpointFailed, NameTaken
from ...schema import counts, introspection
from ..catalog import Checkpoint
from ..stores import LocalStore, S3Store, Store, sha256_of
from . import swap
from .base import Created, Job, Keep, Unavailability


class DumpStrategy:
    name: ClassVar[str] = "dump"
    summary: ClassVar[str] = (
        "pg_dump into the checkpoint store (a folder or S3), pg_restore back: the branch stays online"
    )
    restore_effect: ClassVar[str] = swap.SWAP_EFFECT + (
        " A role that may not create databases restores in place instead, in one transaction: queries wait for it."
    )

    def __init__(self, store: Store, jobs: int = 2) -> None:
        self.store, self.jobs = store, jobs

    @classmethod
    def from_settings(cls, settings: Settings) -> DumpStrategy:
        if settings.checkpoint_s3_bucket:
            store: Store = S3Store(
                bucket=settings.checkpoint_s3_bucket,
                prefix=settings.checkpoint_s3_prefix,
                endpoint=settings.checkpoint_s3_endpoint,
                region=settings.checkpoint_s3_region,
                staging=settings.checkpoint_path.resolve(),
            )
        else:
            store = LocalStore(settings.checkpoint_path.resolve())
        return cls(store, settings.dump_jobs)

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str:
        return self.store.reference(checkpoint.branch, f"{checkpoint.id}-{server_admin.unique_part()}")

    def create(self, job: Job, checkpoint: Checkpoint) -> Created:
        reference = checkpoint.location
        if self.store.exists(reference):
            raise NameTaken(
                f"checkpoint #{checkpoint.id}: {reference} already exists in the checkpoint store; nothing was changed"
            )
        staged = self.store.staging(reference)
        with job.maintenance() as conn:
            estimate = server_admin.size(conn, job.database)
            tool = _tool("pg_dump", server_admin.server_major(conn))
        free = self.store.free_bytes()
        if free is not None and free < estimate:
            raise CheckpointFailed(
                f"the checkpoint store has {free // 2**20} MiB free; the database is "
                f"{estimate // 2**20} MiB, so a dump may not fit"
            )
        try:
            with _exported_snapshot(job) as exported:
                _run_tool(
                    job,
                    tool,
                    ["--format=custom", f"--file={staged}", "--no-password", f"--snapshot={exported.name}"],
                    job.url,
                    watch=staged,
                    total=estimate,
                )
                recorded = exported.record(job)
            checksum = sha256_of(staged)
            size = self.store.keep(staged, reference)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return Created(size_bytes=size, checksum=checksum, row_counts=recorded.row_counts, schema=recorded.schema)

    def restore(self, job: Job, checkpoint: Checkpoint, keep: Keep) -> Checkpoint:
        self.verify(job, checkpoint)
        if swap.swappable(job):
            return swap.swap_in(job, checkpoint, keep, lambda aside: self._restore_aside(job, checkpoint, aside))
        before = keep.take(self.name)  # so the restore can be undone
        job.close_pools()
        try:
            self._restore_in_place(job, checkpoint)
        finally:
            job.close_pools()
        job.restore_method = "in place"
        return before

    def restore_into(self, job: Job, checkpoint: Checkpoint, database: str) -> None:
        self.verify(job, checkpoint)
        self._restore_aside(job, checkpoint, database)

    def _restore_aside(self, job: Job, checkpoint: Checkpoint, aside: str) -> None:
        archive = self.store.fetch(checkpoint.location)
        try:
            _check_archive(job, checkpoint, archive)
            with job.maintenance() as conn:
                server_admin.create(conn, aside, owner_of=job.database)
                tool = _tool("pg_restore", server_admin.server_major(conn))
            _run_tool(
                job,
                tool,
                ["--exit-on-error", f"--jobs={self.jobs}", "--no-password", str(archive)],
                dburl.with_database(job.url, aside),
                database_flag=True,
            )
        finally:
            self.store.release(checkpoint.location, archive)

    def _restore_in_place(self, job: Job, checkpoint: Checkpoint) -> None:
        """For a role that cannot create databases: ``pg_restore --clean --if-exists --single-transaction``
        into the live database.  Still all-or-nothing: any error rolls the whole restore back."""
        archive = self.store.fetch(checkpoint.location)
        try:
            _check_archive(job, checkpoint, archive)
            with job.maintenance() as conn:
                tool = _tool("pg_restore", server_admin.server_major(conn))
            _run_tool(
                job,
                tool,
                [
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-owner",
                    "--no-password",
                    str(archive),
                ],
                job.url,
                database_flag=True,
            )
        finally:
            self.store.release(checkpoint.location, archive)

    def delete(self, job: Job, checkpoint: Checkpoint) -> None:
        self.store.delete(checkpoint.location)

    def discard_partial(self, job: Job, reference: str) -> None:
        self.store.delete(reference)

    def verify(self, job: Job, checkpoint: Checkpoint) -> None:
        """That the archive is there; its checksum is checked on the copy a restore reads."""
        if not self.store.exists(checkpoint.location):
            raise CheckpointCorrupt(f"checkpoint #{checkpoint.id}: its archive {checkpoint.reference} is missing")

    def settle(self, job: Job, checkpoint: Checkpoint) -> None:
        """A dump killed half-way: its partial archive goes (best effort: nothing else depends on it)."""
        if checkpoint.reference:
            try:
                self.store.delete(checkpoint.reference)
            except (CheckpointFailed, OSError):
                pass

    def unavailability(self, job: Job) -> Unavailability:
        return Unavailability(self.name, 0.0, "dump: pg_dump reads a snapshot while the branch stays online.")


@dataclass
class _Exported:
    """The snapshot pg_dump reads, held open by ``conn``'s transaction, and what the checkpoint
    records of it: each table's rows and the schema, read in that same snapshot."""

    name: str
    conn: psycopg.Connection

    def record(self, job: Job) -> Created:
        """Read once pg_dump is done: never hold a table lock while it runs (an application's
        TRUNCATE waiting on us would wait behind pg_dump, and pg_dump behind it, for good)."""
        job.report(0, 0, "counting rows")
        row_counts = counts.of(self.conn)
        with self.conn.cursor(row_factory=dict_row) as cur:
            schema = introspection.snapshot_of(cur)
        return Created(size_bytes=0, row_counts=row_counts, schema=schema)


@contextmanager
def _exported_snapshot(job: Job) -> Iterator[_Exported]:
    """A snapshot of the branch for pg_dump to read (``--snapshot``), so that the counts and the
    schema the checkpoint records are those of the archive, however busy the branch is.

    The exporting transaction (read-only) sits idle while pg_dump runs: a server's idle or
    statement timeout must not end it, and a count never waits long for a lock.
    """
    with job.registry.connection(job.branch) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        conn.execute("SET LOCAL statement_timeout = 0")
        conn.execute("SET LOCAL lock_timeout = '5s'")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        yield _Exported(str(row[0]), conn)


def _check_archive(job: Job, checkpoint: Checkpoint, archive: Path) -> None:
    job.report(0, 1, f"checking the archive of checkpoint #{checkpoint.id}")
    if sha256_of(archive) != checkpoint.checksum:
        raise CheckpointCorrupt(
            f"checkpoint #{checkpoint.id}: its archive {checkpoint.reference} does not match its checksum"
        )


def _tool(name: str, server_major: int) -> pgtools.Tool:
    tool = pgtools.find(name, server_major)
    if tool is None:
        raise CheckpointFailed(f"{name} is not installed: apt-get install postgresql-client-{server_major}")
    if tool.major < server_major:
        raise CheckpointFailed(
            f"{name} {tool.version} ({tool.path}) is older than the server ({server_major}); "
            f"install the PostgreSQL {server_major} client tools"
        )
    return tool


def _run_tool(
    job: Job,
    tool: pgtools.Tool,
    args: list[str],
    url: str,
    *,
    watch: Path | None = None,
    total: int = 0,
    database_flag: bool = False,
) -> None:
    """Run pg_dump/pg_restore with the password in the environment (never on the command line)."""
    target, env = pgtools.environment(url, job.purpose, job.session_settings)
    command = [str(tool.path), *args, f"--dbname={target}"] if database_flag else [str(tool.path), *args, target]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(process.stderr or ()), daemon=True)
    reader.start()
    job.report(0, total, f"{tool.name} started")
    while process.poll() is None and not job.cancel.is_set():
        if watch is not None and watch.exists():
            job.report(
                min(watch.stat().st_size, total), total, f"{tool.name}: {watch.stat().st_size // 2**20} MiB written"
            )
        time.sleep(0.1)
    if job.cancel.is_set():  # honoured even if the tool finished meanwhile: the caller cleans up either way
        process.terminate()
        process.wait()
        raise Cancelled(f"{tool.name} was cancelled")
    reader.join()
    if process.returncode != 0:
        last = next((line.strip() for line in reversed(stderr) if line.strip()), f"exit code {process.returncode}")
        raise CheckpointFailed(f"{tool.name} {tool.version} ({tool.path}) failed: {dburl.scrub(last, job.secrets)}")
