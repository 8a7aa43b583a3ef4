"""Running the application's Alembic project against one branch, each run in an interpreter of its own.

Real env.py files read the application's settings (``os.environ["DATABASE_URL"]``,
``from myapp.config import settings``), cache them at import, call ``fileConfig()``
(which silences the loggers of whatever process runs it), and run ``asyncio.run()``.
Run inside dbadmin's process, any of these can land a migration on the database the
application's settings name, keep the first branch's settings for the next one, or
break the console's event loop.  So every run of env.py is a fresh
``python -m dbadmin.services.revisions.child`` with the branch's environment, and that
process lets env.py use only connections to the branch (``child.Guard``).

This module is the parent side: one function per request, each returning plain data or
raising ``EnvFailure``, which ``migrations`` turns into dbadmin's errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..identity import Identity, sql_for
from .project import Project

_OUTPUT_TAIL = 2000  # characters of env.py's own output kept for an error message
# child.py, loaded by its path in the application's interpreter: nothing of dbadmin's package is imported there.
_CHILD = str(Path(__file__).with_name("child.py"))
_BOOT = (  # sys.path[0] ('' for -c: the working directory) goes, as -P would drop it on Python 3.11+
    "import sys; del sys.path[0]; import importlib.util; "
    "spec = importlib.util.spec_from_file_location('dbadmin_env_child', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; "
    "spec.loader.exec_module(module); module.main()"
)


RUN_NAME = "dbadmin-migrate"  # application_name of a run's sessions (it migrates, stamps)
READ_NAME = "dbadmin-inspect"  # of a read's (where the version table is, what it holds)


@dataclass(frozen=True)
class Timeouts:
    """Server-side limits for migration sessions, in seconds (0 disables one)."""

    statement: float = 0
    lock: float = 0

    def session_settings(self) -> dict[str, str]:
        return {
            "statement_timeout": str(int(self.statement * 1000)),
            "lock_timeout": str(int(self.lock * 1000)),
            "application_name": RUN_NAME,
        }


@dataclass(frozen=True)
class Target:
    """The database a run must reach: its URL, and who the server said it is when the registry asked."""

    url: str
    identity: Identity
    label: str  # "Development", "Production", "scratch"
    location: str  # host:port/database as configured
    timeouts: Timeouts = Timeouts()
    run: str = ""  # the run's token, set as dbadmin.run in its sessions: DDL capture records its changes as dbadmin's, the guard lets them through


@dataclass(frozen=True)
class Applied:
    """One migration step that finished inside the branch's transaction (not yet committed)."""

    revision: str
    direction: str  # "up" | "down"
    committed: tuple[str, ...] = ()  # every revision of the run whose transaction had committed before this step


@dataclass(frozen=True)
class Planned:
    """What the run will do, as env.py set it up: the revisions, in order, and how they commit."""

    revisions: tuple[str, ...]
    per_migration: bool  # a transaction per revision (else one for the whole run)
    env_chose: bool  # env.py set transaction_per_migration itself


class EnvFailure(Exception):
    """The env.py process reported a failure (or ended without a word); ``kind`` says which family."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        sqlstate: str | None = None,
        module: str | None = None,
        operational: bool = False,
        said_how: bool = False,
        commit_failed: list[str] | None = None,
        committed_inside: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind, self.message, self.sqlstate, self.module, self.operational = (
            kind,
            message,
            sqlstate,
            module,
            operational,
        )
        self.said_how = said_how  # a refusal whose message says what to do (no generic fix appended)
        # The failure was the commit of these revisions' transaction (they had finished), not a revision's own code.
        self.commit_failed = commit_failed
        self.committed_inside = committed_inside  # the failing revision had committed some of its own work


def describe(project: Project) -> dict:
    """The project's revisions and version locations (loads the revision files, touches no database)."""
    return _call(project, {"command": "describe"})


def inspect(project: Project, target: Target) -> dict:
    """Where env.py keeps the version table on ``target``, what it holds, the driver and how env.py got the branch."""
    return _call(project, {"command": "inspect"}, target)


def run(
    project: Project,
    target: Target,
    destination: str,
    *,
    direction: str,
    on_step: Callable[[Applied], None],
    on_plan: Callable[[Planned], None],
    atomic: bool = False,
) -> None:
    """Upgrade or downgrade ``target`` to ``destination`` online; each callback runs before the child goes on.

    ``atomic``: all steps in one transaction, unless env.py chose otherwise (``Planned`` says).
    ``on_step`` is told of a revision while its transaction is still open, so a row
    written there is never missing for a revision that committed; the last transaction's end is for the
    caller to confirm from the branch's version table.
    """

    def on_event(kind: str, message: dict) -> None:
        if kind == "plan":
            on_plan(
                Planned(tuple(message["revisions"]), bool(message.get("per_migration")), bool(message.get("env_chose")))
            )
        elif kind == "step":
            on_step(Applied(message["revision"], message["direction"], tuple(message.get("committed") or ())))

    request = {"command": "run", "destination": destination, "direction": direction, "atomic": atomic}
    _call(project, request, target, on_event)


def offline_sql(
    project: Project,
    target: Target,
    start: str | None,
    destination: str,
    *,
    direction: str = "up",
    atomic: bool = False,
) -> tuple[str, list[dict], bool]:
    """The SQL Alembic's offline mode renders from ``start`` to ``destination``, the revisions it could not
    (``atomic``: in one transaction, as the run will be), and whether env.py chose a transaction per revision."""
    request = {"command": "sql", "start": start, "destination": destination, "direction": direction}
    found = _call(project, request | {"atomic": atomic}, target)
    return found["sql"], found["skipped"], bool(found.get("per_migration"))


def stamp(project: Project, target: Target, revision: str) -> None:
    """Record ``revision`` in ``target``'s version table without running a migration."""
    _call(project, {"command": "stamp", "revision": revision}, target)


def new_revision(project: Project, message: str, *, file_template: str) -> dict:
    """Write a new revision file; ``file_template`` applies when the project sets none."""
    return _call(project, {"command": "revision", "message": message, "file_template": file_template})


def _call(
    project: Project, request: dict, target: Target | None = None, on_event: Callable[[str, dict], None] | None = None
) -> dict:
    """Start the env.py process, hand it ``request``, relay its events; its result or ``EnvFailure``."""
    request = project.request() | request
    if target is not None:
        request |= {
            "url": project.sqlalchemy_url(target.url),
            # The connection offered in config.attributes['connection'], on the application's own driver.
            "connection_url": project.sqlalchemy_url(target.url, sync=True),
            "identity": target.identity.as_dict(),
            "identity_sql": sql_for(target.identity.fallback),
            "branch_label": target.label,
            "location": target.location,
            "session_settings": target.timeouts.session_settings()
            # A run's sessions are 'dbadmin-migrate' (recovery ends a dead run's by that name); a read's are not.
            | ({"dbadmin.run": target.run} if target.run else {"application_name": READ_NAME}),
        }
    workdir = project.workdir()
    python, _ = project.interpreter()
    events_r, events_w = os.pipe()
    control_r, control_w = os.pipe()
    with tempfile.TemporaryFile() as output:
        try:
            process = subprocess.Popen(
                [str(python), "-c", _BOOT, _CHILD, str(events_w), str(control_r)],
                pass_fds=(events_w, control_r),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                env=project.environment(target.url if target else None),
            )
        finally:
            os.close(events_w)
            os.close(control_r)
        with os.fdopen(events_r) as events, os.fdopen(control_w, "w", buffering=1) as control:
            try:
                control.write(json.dumps(request) + "\n")
                final = _relay(events, control, on_event)
                process.wait()
            except BaseException:
                # The parent failed (a control-store write, Ctrl-C): stop the child before it commits more.
                process.kill()
                process.wait()
                raise
        if final is None:
            raise EnvFailure(
                "crashed", f"env.py's process ended (exit code {process.returncode}) without an answer" + _tail(output)
            )
    kind = final.pop("event")
    if kind == "error":
        raise EnvFailure(final.pop("kind"), final.pop("message"), **final)
    return final


def _relay(events: Any, control: Any, on_event: Callable[[str, dict], None] | None) -> dict | None:
    for line in events:
        message = json.loads(line)
        if message["event"] in ("result", "error"):
            return message
        if on_event is not None:
            on_event(message.pop("event"), message)
        control.write("ack\n")
    return None


def _tail(output: Any) -> str:
    output.seek(0, os.SEEK_END)
    size = output.tell()
    output.seek(max(0, size - _OUTPUT_TAIL))
    lines = [line for line in output.read().decode(errors="replace").splitlines() if line.strip()]
    return f": {lines[-1].strip()[:300]}" if lines else ""
