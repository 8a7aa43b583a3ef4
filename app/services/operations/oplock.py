"""One operation per branch at a time.

The lock is a session-level PostgreSQL advisory lock taken in the control store on a
connection held for the whole operation.  ``pg_try_advisory_lock`` never waits, so a
second caller is told at once who is busy instead of queueing; and PostgreSQL releases
the lock when the holding session ends, so a killed dbadmin never leaves a stale lock.

The row also carries the operation's progress (``sharing``), so every console process can
show how far it got.  A killed holder does leave its ``branch_locks`` row (who, what, since), and never wrote
its audit row.  The next ``hold`` on the branch finds that row and records the operation
as ``interrupted`` in the audit log, or ``ok`` (recovered) where the operation's own check
(``when_abandoned``) finds its work was done, so history says what really happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime

import psycopg

from ..actions import ActionType
from ..branch import Branch
from ..errors import BranchBusy, DBAdminError
from ..registry import CONTROL, Registry
from ..results import scalar
from . import audit

# Two-key advisory locks: a namespace for dbadmin ('dbad' as an int) and one key per branch.
_NAMESPACE = 0x64626164
_KEYS = {Branch.DEV: 1, Branch.PROD: 2}
Progress = Callable[[int, int, str], None]  # done, total (0 when unknown), message


@dataclass(frozen=True)
class Holder:
    operation: str
    actor: str
    since: datetime
    done: int | None = None  # how far it got, as its last report said (every process sees it)
    total: int | None = None
    message: str | None = None

    def describe(self) -> str:
        said = f"busy: {self.operation} by {self.actor} since {self.since:%Y-%m-%d %H:%M:%S %Z}".rstrip()
        if self.message:
            share = f" ({self.done / self.total:.0%})" if self.total and self.done is not None else ""
            said += f": {self.message}{share}"
        return said


_HOLDER = """
SELECT l.operation, l.actor, l.since, l.progress_done, l.progress_total, l.progress_message
FROM branch_locks l
JOIN pg_locks k ON k.locktype = 'advisory' AND k.pid = l.pid AND k.granted
                AND k.classid::bigint = %(namespace)s AND k.objid::bigint = %(key)s AND k.objsubid = 2
WHERE l.branch = %(branch)s
"""


# In a lock row's operation: held for another branch's operation (``migrate.promote@prod`` on Development).
_FOR = "@"


# Per operation, how to tell that an abandoned one had in fact finished its work (a checkpoint whose
# row says ready, a restore whose swap happened): the audit row then says ok, as the catalog does.
Finished = Callable[[Registry, Branch, str, datetime], "dict | None"]
_FINISHED: dict[str, Finished] = {}


def when_abandoned(operation: ActionType, check: Finished) -> None:
    """Register ``check(registry, branch, actor, since)``: details of the finished work, or None."""
    _FINISHED[operation.name] = check


def _finished(registry: Registry, branch: Branch, operation: str, actor: str, since: datetime) -> dict | None:
    check = _FINISHED.get(operation)
    if check is None:
        return None
    try:
        return check(registry, branch, actor, since)
    except Exception:  # not knowing is "interrupted", as before; the lock is taken whatever this says
        return None


def _explained(explain: Explain | None, operation: str, actor: str, since: datetime) -> dict | None:
    if explain is None:
        return None
    try:
        return explain(operation, actor, since)
    except Exception:  # not knowing is "interrupted", as before; the lock is taken whatever this says
        return None


def _recorded_since(registry: Registry, branch: Branch, operation: str, actor: str, since: datetime) -> bool:
    """Whether the operation wrote its own audit row after all (its control session dropped, its lock row stayed)."""
    with registry.connection(CONTROL) as conn:
        return (
            conn.execute(
                "SELECT 1 FROM admin_actions WHERE action = %s AND actor = %s AND branch = %s AND created_at >= %s",
                (operation, actor, branch.value, since),
            ).fetchone()
            is not None
        )


# What a caller that settles an abandoned operation learned of it: details for its audit row, with
# "finished": True when its work was in fact done.
Explain = Callable[[str, str, datetime], "dict | None"]


@contextmanager
def hold(
    registry: Registry,
    branch: Branch | str,
    *,
    operation: str,
    actor: str,
    explain: Explain | None = None,
    for_branch: Branch | None = None,
) -> Iterator[None]:
    """Hold ``branch``'s operation lock for the body, or raise ``BranchBusy`` naming the holder.

    ``explain(operation, actor, since)``, for an operation a dead process abandoned, runs under the lock before
    its audit row is written (recovery settles a migration's steps there, and says where the branch stopped).
    ``for_branch``: the operation is ``for_branch``'s, holding this one too (a promotion holds Development):
    if it is abandoned, its own branch's lock row is the one recorded, once.
    """
    branch = Branch.parse(branch)
    params = {"namespace": _NAMESPACE, "key": _KEYS[branch], "branch": branch.value}
    if for_branch is not None and for_branch is not branch:
        operation = f"{operation}{_FOR}{for_branch.value}"
    with registry.connection(CONTROL) as conn:
        if not scalar(conn.execute("SELECT pg_try_advisory_lock(%(namespace)s, %(key)s)", params)):
            found = holder(registry, branch)
            raise BranchBusy(found.describe() if found else f"busy: another operation holds the {branch.label} branch")
        try:
            abandoned = conn.execute(
                "DELETE FROM branch_locks WHERE branch = %(branch)s RETURNING operation, actor, since", params
            ).fetchone()
            if abandoned and _FOR not in abandoned[0] and not _recorded_since(registry, branch, *abandoned):
                # We hold the lock, so its previous holder died without cleaning up (or recording it).
                finished = _finished(registry, branch, *abandoned)
                learned = _explained(explain, *abandoned) if not finished else None
                if learned and learned.pop("finished", False):
                    finished, learned = learned, None
                audit.record(
                    registry.control_pool(),
                    actor=abandoned[1],
                    action=abandoned[0],
                    branch=branch,
                    outcome="ok" if finished else "interrupted",
                    details={"started_at": abandoned[2].isoformat()}
                    | (
                        finished | {"recovered": "dbadmin stopped after the work was done, before recording it"}
                        if finished
                        else {
                            "error": "dbadmin stopped before this operation finished; found when the branch was "
                            "next locked"
                        }
                        | (learned or {})
                    ),
                )
            conn.execute(
                """INSERT INTO branch_locks (branch, operation, actor, pid)
                   VALUES (%(branch)s, %(operation)s, %(actor)s, pg_backend_pid())
                   ON CONFLICT (branch) DO UPDATE
                   SET operation = excluded.operation, actor = excluded.actor,
                       since = clock_timestamp(), pid = excluded.pid""",
                params | {"operation": operation, "actor": actor},
            )
            yield
        finally:
            # If the control store went away meanwhile, the session (and its lock) went with it.
            with suppress(psycopg.Error):
                conn.execute("DELETE FROM branch_locks WHERE branch = %(branch)s AND pid = pg_backend_pid()", params)
                conn.execute("SELECT pg_advisory_unlock(%(namespace)s, %(key)s)", params)


def sharing(registry: Registry, branch: Branch, progress: Progress | None) -> Progress:
    """``progress``, whose reports also go on ``branch``'s lock row (at most one a second), so that a
    console served by another process shows how far the operation got."""
    last = [0.0]

    def report(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)
        if time.monotonic() - last[0] < 1.0:
            return
        last[0] = time.monotonic()
        with suppress(DBAdminError, psycopg.Error):  # progress is told on the way; it never fails the work
            with registry.connection(CONTROL) as conn:
                conn.execute(
                    """UPDATE branch_locks SET progress_done = %s, progress_total = %s, progress_message = %s,
                              progress_at = clock_timestamp() WHERE branch = %s""",
                    (done, total or None, message[:200], branch.value),
                )

    return report


def holder(registry: Registry, branch: Branch | str) -> Holder | None:
    """Who holds ``branch``'s lock right now, or None when it is free."""
    branch = Branch.parse(branch)
    with registry.connection(CONTROL) as conn:
        row = conn.execute(_HOLDER, {"namespace": _NAMESPACE, "key": _KEYS[branch], "branch": branch.value}).fetchone()
    if row is None:
        return None
    operation, _, of = row[0].partition(_FOR)
    try:
        shown = f"{operation} on {Branch.parse(of).label}" if of else operation
    except DBAdminError:  # not one of ours: shown as it is
        shown = row[0]
    return Holder(shown, *row[1:])
