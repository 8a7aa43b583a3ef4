"""Checkpoints: snapshots of one branch's database to create, list, restore and delete.

A restore never leaves a branch half-restored: the checkpoint is materialised aside as a
new database, checked, and swapped in by two renames in one transaction (a window of
milliseconds).  The database it replaces is kept as a new checkpoint, so every restore
can be undone.  A restore journal in the control store lets the next start finish or
undo a restore whose process was killed.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass

import psycopg

from ... import units
from ..frame import audit, hooks
from .. import dburl, server_admin
from ..schema import introspection
from . import catalog
from ..frame.access import Principal
from .catalog import Checkpoint, CheckpointNotFound
from .stores import LocalStore, S3Store, Store
from .strategies import STRATEGIES, Job, Progress, Strategy, checkpoint_database
from ..errors import CheckpointFailed, DBAdminError, InvalidInput, NameTaken, OperationRefused
from ..frame.operations import check_phrase, operation
from ..registry import CONTROL
from ..branch import Branch
from ..text import refuse_nul
from ..context import Context
from ..revisions import branch as revisions_branch


__all__ = ["Checkpoint", "CheckpointNotFound", "Unavailability", "branch_of", "create", "create_locked", "delete",
           "expected_unavailability", "list_for_branch", "prune", "restore", "settle"]


def list_for_branch(context: Context, branch: Branch | str) -> list[Checkpoint]:
    """Checkpoints of ``branch``, newest first (deleted ones left out)."""
    return catalog.list_for_branch(context.registry, Branch.parse(branch))


def create(context: Context, branch: Branch | str, *, actor: Principal, label: str, notes: str | None = None,
           strategy: str | None = None, reason: str | None = None, progress: Progress | None = None,
           cancel: threading.Event | None = None) -> Checkpoint:
    """Snapshot ``branch`` now (audited, under the branch lock)."""
    with operation(context, "checkpoint.create", branch, actor=actor, reason=reason,
                   details={"label": label, "strategy": strategy}) as (branch, running):
        checkpoint = create_locked(context, branch, actor=actor.name, label=label, notes=notes, strategy=strategy,
                                   progress=progress, cancel=cancel, details=running.details)
        return checkpoint


def create_locked(context: Context, branch: Branch, *, actor: str, label: str, notes: str | None = None,
                  strategy: str | None = None, progress: Progress | None = None,
                  cancel: threading.Event | None = None, details: dict | None = None) -> Checkpoint:
    """``create`` for a caller that already holds the branch lock (a migration, a restore)."""
    label, notes = _check_label(label), _check_notes(notes)
    chosen = _strategy(context, branch, strategy)
    context.registry.identity(branch)  # the branch answers, and is the database it names, before anything starts
    job = _job(context, branch, progress, cancel)
    row = catalog.insert(context.registry, label=label, notes=notes, actor=actor, branch=branch, strategy=chosen.name,
                         revision=_revision(context, branch), retention_days=context.settings.checkpoint_retention_days)
    reference = chosen.reference_for(job, row)
    row = catalog.update(context.registry, row.id, reference=reference)
    snapshot = _snapshot(context, branch)
    try:
        if chosen.name == "clone":
            context.registry.close(branch)  # our own sessions must leave too
        created = chosen.create(job, row)
    except BaseException as exc:
        if not isinstance(exc, NameTaken):  # what holds the name is not ours to delete
            _discard(chosen, job, reference)
        catalog.update(context.registry, row.id, status="failed", error=_message(exc, context))
        raise
    catalog.store_snapshot(context.registry, row.id, snapshot)
    if details is not None:
        details.update(checkpoint_id=row.id, strategy=chosen.name, size_bytes=created.size_bytes,
                       unavailable_ms=job.unavailable_ms)
        if job.copy_method:
            details["copy_method"] = job.copy_method
    return catalog.update(context.registry, row.id, status="ready", size_bytes=created.size_bytes,
                          checksum=created.checksum)


def restore(context: Context, branch: Branch | str, checkpoint_id: object, *, actor: Principal, confirm: str | None = None,
            reason: str | None = None, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> Checkpoint:
    """Bring ``branch`` back to checkpoint ``checkpoint_id``; returns the checkpoint of the state it replaced.

    Production needs the phrase ``RESTORE <id>``.
    """
    with operation(context, "checkpoint.restore", branch, actor=actor, reason=reason,
                   details={"checkpoint_id": str(checkpoint_id)[:20]}) as (branch, running):
        checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
        if checkpoint.status != "ready":
            raise OperationRefused(f"checkpoint #{checkpoint.id} is {checkpoint.status}, not ready: it cannot be restored")
        if branch is Branch.PROD:
            check_phrase(confirm, f"RESTORE {checkpoint.id}", f"restoring checkpoint #{checkpoint.id} on Production")
        strategy = STRATEGIES[checkpoint.strategy]
        context.registry.identity(branch)  # the branch answers, and is the database it names
        job = _job(context, branch, progress, cancel)
        strategy.verify(job, checkpoint)
        with job.maintenance() as conn:
            swappable = server_admin.can_create_databases(conn)
        if swappable:
            before = _swap_in(context, branch, checkpoint, strategy, job, actor.name)
        else:
            before = _restore_in_place(context, branch, checkpoint, job, actor.name)
        running.details["method"] = "swap" if swappable else "in place"
        running.details.update(checkpoint_id=checkpoint.id, pre_restore_checkpoint_id=before.id,
                               unavailable_ms=job.unavailable_ms)
    hooks.run_after(context, hooks.Event("checkpoint.restore", branch, actor.name, {"checkpoint_id": checkpoint.id}))
    return before


def delete(context: Context, branch: Branch | str, checkpoint_id: object, *, actor: Principal,
           reason: str | None = None) -> Checkpoint:
    """Delete a checkpoint's data and mark it deleted in the catalog (the row stays, for history)."""
    with operation(context, "checkpoint.delete", branch, actor=actor, reason=reason,
                   details={"checkpoint_id": str(checkpoint_id)[:20]}) as (branch, _):
        checkpoint = catalog.get(context.registry, checkpoint_id, branch=branch)
        STRATEGIES[checkpoint.strategy].delete(_job(context, branch, None, None), checkpoint)
        return catalog.update(context.registry, checkpoint.id, status="deleted")


def prune(context: Context, *, actor: Principal, reason: str | None = None) -> list[Checkpoint]:
    """Delete expired checkpoints (never the newest ready one of a branch); returns what was deleted."""
    pruned: list[Checkpoint] = []
    for branch in Branch:
        if context.registry.location(branch) is None:
            continue
        with operation(context, "checkpoint.prune", branch, actor=actor, reason=reason) as (branch, running):
            found = catalog.list_for_branch(context.registry, branch, statuses=("ready", "failed"))
            newest_ready = next((c.id for c in found if c.status == "ready"), None)
            now = _now(context)
            job = _job(context, branch, None, None)
            for checkpoint in found:
                if checkpoint.id == newest_ready or checkpoint.expires_at is None or checkpoint.expires_at > now:
                    continue
                if checkpoint.status == "ready" and checkpoint.reference:
                    STRATEGIES[checkpoint.strategy].delete(job, checkpoint)
                pruned.append(catalog.update(context.registry, checkpoint.id, status="deleted"))
            mine = [c for c in pruned if c.branch == branch.value]
            running.details.update(deleted=[c.id for c in mine], freed_bytes=sum(c.size_bytes or 0 for c in mine))
    return pruned


@dataclass(frozen=True)
class Unavailability:
    """How long creating a checkpoint will keep the branch from taking connections, said before it starts."""

    strategy: str
    seconds: float | None  # None: not measured on this branch yet
    explanation: str


def expected_unavailability(context: Context, branch: Branch | str, strategy: str | None = None) -> Unavailability:
    """What a person should know before confirming: ``dump`` keeps the branch online; ``clone`` fences
    it off for the copy, estimated from the branch's size and the copy speed of its last measured clone."""
    branch = Branch.parse(branch)
    chosen = _strategy(context, branch, strategy).name
    if chosen == "dump":
        return Unavailability(chosen, 0.0, "dump: pg_dump reads a snapshot while the branch stays online.")
    job = _job(context, branch, None, None)
    with job.maintenance() as conn:
        size = server_admin.size(conn, job.database)
    for action in audit.list_actions(context.registry.control_pool(), branch=branch, action="checkpoint.create",
                                     outcome="ok", limit=50):
        details = action.details
        if details.get("strategy") == "clone" and details.get("unavailable_ms") and details.get("size_bytes"):
            rate = details["size_bytes"] / (details["unavailable_ms"] / 1000)  # bytes per second, as measured
            seconds = size / rate
            return Unavailability(chosen, seconds, f"clone: the branch takes no connections while it is copied, "
                                  f"about {max(seconds, 0.1):.1f} s for {units.size(size)} at the last measured "
                                  f"{units.size(int(rate))}/s.")
    return Unavailability(chosen, None, f"clone: the branch takes no connections while its {units.size(size)} are "
                          "copied (about the time to copy its files on the server's disk; measured after the first clone).")


def branch_of(context: Context, checkpoint_id: object) -> Branch:
    """The branch a checkpoint belongs to (for front ends that address checkpoints by id alone)."""
    return Branch(catalog.get(context.registry, checkpoint_id).branch)


# -- restore by swap ------------------------------------------------------------------------


def _swap_in(context: Context, branch: Branch, checkpoint: Checkpoint, strategy: Strategy, job: Job, actor: str) -> Checkpoint:
    registry = context.registry
    database = job.database
    before = catalog.insert(registry, label=f"before restore of #{checkpoint.id}", notes=None, actor=actor,
                            branch=branch, strategy="clone", revision=_revision(context, branch),
                            retention_days=context.settings.checkpoint_retention_days)
    previous = checkpoint_database(database, before.id)
    aside = f"{database[:40]}__restore_{before.id}_{server_admin.unique_part()}"
    catalog.update(registry, before.id, reference=previous)
    catalog.store_snapshot(registry, before.id, _snapshot(context, branch))
    journal = catalog.journal_start(registry, branch=branch, checkpoint_id=checkpoint.id, database=database,
                                    aside=aside, previous=previous)
    swapped = False
    try:
        with job.maintenance() as conn:
            if taken := [name for name in (aside, previous) if server_admin.exists(conn, name)]:
                raise NameTaken(f"a database named {taken[0]} already exists on the server; nothing was changed")
        strategy.build_aside(job, checkpoint, aside)
        _check_aside(job, aside)
        catalog.journal_step(registry, journal, "swapping")
        registry.close(branch)
        with job.maintenance() as conn:
            started = time.monotonic()
            server_admin.allow_connections(conn, database, False)
            try:
                server_admin.terminate_sessions(conn, database)
                server_admin.swap(conn, current=database, replacement=aside, keep_as=previous)
                swapped = True
            finally:
                # after the swap `database` is the restored copy; before it, the untouched original
                server_admin.allow_connections(conn, database, True)
                job.unavailable_ms += int((time.monotonic() - started) * 1000)
            size = server_admin.size(conn, previous)
        catalog.journal_step(registry, journal, "swapped")
    except BaseException as exc:
        if not swapped and not isinstance(exc, NameTaken):
            _discard(STRATEGIES["clone"], job, aside)
            catalog.update(registry, before.id, status="failed", error=f"restore of #{checkpoint.id} did not happen: "
                           + _message(exc, context))
            catalog.journal_step(registry, journal, "rolled back")
        raise
    finally:
        registry.close(branch)  # pools reopen on the restored database
    catalog.journal_step(registry, journal, "done")
    return catalog.update(registry, before.id, status="ready", size_bytes=size)


def _restore_in_place(context: Context, branch: Branch, checkpoint: Checkpoint, job: Job, actor: str) -> Checkpoint:
    """The role may not create databases: dump the current state first (so the restore can be
    undone), then restore into the live database in one transaction."""
    if checkpoint.strategy != "dump":
        raise OperationRefused(f"restoring a {checkpoint.strategy} checkpoint needs a role that may create databases "
                               "(CREATEDB); this one may not")
    before = create_locked(context, branch, actor=actor, label=f"before restore of #{checkpoint.id}", strategy="dump",
                           progress=job.progress, cancel=job.cancel)
    context.registry.close(branch)
    try:
        STRATEGIES["dump"].restore_in_place(job, checkpoint)
    finally:
        context.registry.close(branch)
    return before


def _check_aside(job: Job, aside: str) -> None:
    """The restored copy must answer and hold what a database holds before it replaces the branch."""
    try:
        with psycopg.connect(dburl.with_database(job.url, aside), connect_timeout=10) as conn:
            conn.execute("SELECT count(*) FROM pg_class").fetchone()
    except psycopg.Error as exc:
        raise CheckpointFailed(f"the restored copy {aside} does not answer: {dburl.reason(exc, job.secrets)}") from None


def settle(context: Context, branch: Branch) -> list[str]:
    """Finish or undo the restores and creates a killed process left half-way on ``branch``
    (call while holding its lock, as ``context.recover`` does); returns a line per thing settled."""
    registry, settled = context.registry, []
    job = _job(context, branch, None, None)
    with job.maintenance() as conn:  # we hold the branch lock: any session doing its work is an orphan
        if ended := server_admin.end_orphans(conn, job.purpose):
            settled.append(f"ended {ended} session(s) a stopped dbadmin left running")
    for entry in catalog.unfinished_journal(registry, branch):
        with job.maintenance() as conn:
            swapped = server_admin.exists(conn, entry.previous)  # the renames commit together, or not at all
            if server_admin.exists(conn, entry.database):
                server_admin.allow_connections(conn, entry.database, True)
            server_admin.drop(conn, entry.aside)  # after a swap the aside name no longer exists
        for row in catalog.list_for_branch(registry, branch, statuses=("creating",)):
            if row.reference == entry.previous:
                catalog.update(registry, row.id, status="ready" if swapped else "failed",
                               error=None if swapped else "interrupted before the swap; the branch was not changed")
        catalog.journal_step(registry, entry.id, "done" if swapped else "rolled back")
        settled.append(f"restore of #{entry.checkpoint_id} {'finished' if swapped else 'rolled back'}")
    for row in catalog.list_for_branch(registry, branch, statuses=("creating",)):
        if row.reference:
            _discard(STRATEGIES[row.strategy], job, row.reference)
        if row.strategy == "clone":  # a killed clone may have left the branch fenced off
            with job.maintenance() as conn:
                server_admin.allow_connections(conn, job.database, True)
        catalog.update(registry, row.id, status="failed", error="interrupted: dbadmin stopped before it finished")
        settled.append(f"checkpoint #{row.id} marked failed")
    return settled


# -- helpers --------------------------------------------------------------------------------


def _now(context: Context):
    with context.registry.connection(CONTROL) as conn:
        return conn.execute("SELECT clock_timestamp()").fetchone()[0]


def _job(context: Context, branch: Branch, progress: Progress | None, cancel: threading.Event | None) -> Job:
    settings = context.settings
    return Job(url=context.registry.url(branch), branch=branch.value, store=_store(context), secrets=settings.secrets(),
               progress=progress, cancel=cancel or threading.Event(), clone_sessions=settings.clone_sessions,
               clone_wait=settings.clone_wait, jobs=settings.dump_jobs)


def _store(context: Context) -> Store:
    settings = context.settings
    if settings.checkpoint_s3_bucket:
        return S3Store(bucket=settings.checkpoint_s3_bucket, prefix=settings.checkpoint_s3_prefix,
                       endpoint=settings.checkpoint_s3_endpoint, region=settings.checkpoint_s3_region,
                       staging=settings.checkpoint_path.resolve())
    return LocalStore(settings.checkpoint_path.resolve())


def _strategy(context: Context, branch: Branch, name: str | None) -> Strategy:
    settings = context.settings
    name = name or (settings.checkpoint_strategy_dev if branch is Branch.DEV else settings.checkpoint_strategy_prod)
    if name not in STRATEGIES:
        raise InvalidInput(f"unknown checkpoint strategy {name[:20]!r}: use {' or '.join(STRATEGIES)}")
    return STRATEGIES[name]


def _revision(context: Context, branch: Branch) -> str | None:
    """The branch's Alembic revision(s) now, read from its version table when there is one."""
    if context.settings.migrations is None:
        return None
    try:
        return ", ".join(revisions_branch.state(context, branch).heads) or None
    except DBAdminError:
        return None


def _snapshot(context: Context, branch: Branch) -> dict | None:
    """The branch's schema now; a checkpoint is still worth taking when this cannot be read in time."""
    try:
        return introspection.snapshot(context, branch)
    except DBAdminError:
        return None


def _check_label(label: str | None) -> str:
    label = (label or "").strip()
    if not label:
        raise InvalidInput("a checkpoint needs a label")
    if len(label) > 200:
        raise InvalidInput("a checkpoint label has at most 200 characters")
    if any(unicodedata.category(ch) == "Cc" for ch in label):
        raise InvalidInput("a checkpoint label cannot contain control characters (newlines, tabs, ...)")
    if any(unicodedata.category(ch) == "Cf" for ch in label):  # bidi overrides, zero-width characters
        raise InvalidInput("a checkpoint label cannot contain invisible formatting characters "
                           "(bidi overrides, zero-width spaces): they make one label look like another")
    return label


def _check_notes(notes: str | None) -> str | None:
    notes = refuse_nul((notes or "").strip() or None, "the notes")
    if notes and len(notes) > 5000:
        raise InvalidInput("checkpoint notes have at most 5000 characters")
    return notes


def _discard(strategy: Strategy, job: Job, reference: str) -> None:
    try:
        strategy.discard_partial(job, reference)
    except (DBAdminError, psycopg.Error, OSError):
        pass  # best effort: recovery at the next start tries again


def _message(exc: BaseException, context: Context) -> str:
    return str(exc) if isinstance(exc, DBAdminError) else f"{type(exc).__name__}: {dburl.reason(exc, context.settings.secrets())}"
