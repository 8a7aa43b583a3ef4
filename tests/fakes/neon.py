"""A stateful fake of Neon's v2 API, for tests only, backed by real PostgreSQL databases.

Written by hand from the documented endpoints (../shared/NEON.md: Neon's OpenAPI is
proprietary, so it is not copied): a branch is a database on the test server, so data
really moves.  Creating a branch copies its parent's data (``pg_dump | pg_restore``, as
the parent stays online); a restore builds the branch anew from the source, moves the
endpoint over (the endpoint's database name, which is what a URL names, stays the same,
so the URL does not change; the branch's sessions are ended, as Neon drops them) and
renames the original to ``preserve_under_name``.  History is what the test records with
``mark()``: a restore to a time takes the newest mark at or before it.

It checks requests the way the documentation describes: the bearer key, required fields,
``preserve_under_name`` when the branch has children, restores to a time only inside the
history window and from root branches, 423 while another operation runs, cursor
pagination (pages of ``page_size`` at most), and Neon's delete rules (no root, default or
branch with children; 204 for one already gone).  Faults are injected with
``fail_next`` (an HTTP error) and ``fail_operations`` (operations that end failed).
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import psycopg
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from psycopg import sql

from dbadmin.services import dburl, pgtools
from tests.helpers import free_port

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


@dataclass
class FakeBranch:
    id: str
    name: str
    parent_id: str | None
    database: str  # the test server's database holding its data
    created_at: datetime
    endpoint: str | None = None  # "ep-..." when it has a read-write compute
    default: bool = False
    annotations: dict[str, str] = field(default_factory=dict)
    marks: list[tuple[datetime, str]] = field(default_factory=list)  # (moment, database copy) = its history
    undeletable: str | None = None  # why Neon refuses to delete it (a restored root's original)


@dataclass
class Failure:
    status: int
    times: int
    path: str  # only requests whose path contains this
    method: str | None


class NeonFake:
    """The fake project's state and its HTTP app; ``start()`` serves it on 127.0.0.1."""

    def __init__(
        self,
        server_url: str,
        *,
        key: str = "neon-test-key-" + uuid.uuid4().hex,
        project: str = "test-project",
        history_seconds: int = 86400,
        page_size: int = 3,
        operation_seconds: float = 0.3,
    ) -> None:
        self.server_url, self.key, self.project = server_url, key, project
        self.history_seconds, self.page_size, self.operation_seconds = history_seconds, page_size, operation_seconds
        self.branches: dict[str, FakeBranch] = {}
        self.endpoint_databases: dict[str, str] = {}  # endpoint id -> the database its URLs name
        self.operations: dict[str, dict] = {}
        self.failures: list[Failure] = []
        self.failing_operations: str | None = None
        self.requests: list[tuple[str, str, int, str]] = []  # method, path, status, request id
        self.created: list[str] = []  # every database made, dropped at stop()
        self.serial: asyncio.Lock | None = None  # one request at a time, as the model is not thread-safe
        self.app = self._build()
        self.url = ""
        self._server: uvicorn.Server | None = None

    # -- set-up and inspection by tests ------------------------------------------------------

    def start(self) -> str:
        port = free_port()
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=self._server.run, daemon=True).start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake Neon API did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}/api/v2"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            for name in self.created:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def add_branch(self, name: str, *, parent: str | None = None, endpoint: bool = True) -> str:
        """A branch with a compute, as the project's owner made it; returns the URL of its endpoint."""
        parent_branch = self.named(parent) if parent else None
        branch = self._new_branch(name, parent_branch)
        branch.default = parent_branch is None and not any(b.default for b in self.branches.values())
        if endpoint:
            branch.endpoint = f"ep-{uuid.uuid4().hex[:10]}"
            self.endpoint_databases[branch.endpoint] = branch.database
        return self.uri(branch)

    def named(self, name: str) -> FakeBranch:
        return next(b for b in self.branches.values() if b.name == name)

    def uri(self, branch: FakeBranch, database: str | None = None) -> str:
        """The URL of the branch's endpoint: a host of its own (``ep-….neon.test``, reached through
        ``hostaddr`` on the test server, as Neon's hosts differ per endpoint), and its database."""
        parts = dburl.parts(self.server_url)
        server, port = parts.get("host", "127.0.0.1"), parts.get("port", "5432")
        database = database or self.endpoint_databases[branch.endpoint]
        if server.startswith("/"):  # a Unix socket: no host name to tell endpoints apart by
            return dburl.with_database(self.server_url, database)
        password = f":{quote(parts['password'], safe='')}" if parts.get("password") else ""
        return (
            f"postgresql://{quote(parts.get('user', 'postgres'), safe='')}{password}@{self.host(branch)}:{port}/"
            f"{database}?hostaddr={server}"
        )

    def host(self, branch: FakeBranch) -> str:
        return f"{branch.endpoint}.fake-region.neon.test"

    def mark(self, name: str) -> datetime:
        """Record the branch's data now in its history (what a restore to a later time finds)."""
        branch = self.named(name)
        copy = self._copy_of(branch.database)
        moment = datetime.now(UTC)
        branch.marks.append((moment, copy))
        time.sleep(0.01)  # the next moment is a later one
        return moment

    def fail_next(self, status: int, *, times: int = 1, path: str = "", method: str | None = None) -> None:
        self.failures.append(Failure(status, times, path, method))

    def fail_operations(self, error: str | None) -> None:
        """Operations started from now on end ``failed`` with ``error`` (None: they finish again)."""
        self.failing_operations = error

    def statuses(self, method: str, fragment: str) -> list[int]:
        return [status for m, path, status, _ in self.requests if m == method and fragment in path]

    # -- the model ---------------------------------------------------------------------------

    def _new_branch(self, name: str, parent: FakeBranch | None, *, data_from: str | None = None) -> FakeBranch:
        database = self._copy_of(data_from or parent.database) if (data_from or parent) else self._empty()
        branch = FakeBranch(
            id=f"br-{uuid.uuid4().hex[:12]}",
            name=name,
            parent_id=parent.id if parent else None,
            database=database,
            created_at=datetime.now(UTC),
        )
        self.branches[branch.id] = branch
        return branch

    def _empty(self) -> str:
        name = f"neonfake_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return name

    def _copy_of(self, database: str) -> str:
        """A new database with ``database``'s data, copied while it stays online (as Neon's are)."""
        target = self._empty()
        with psycopg.connect(self.server_url) as conn:
            major = conn.info.server_version // 10000
        dump, restore = pgtools.find("pg_dump", major), pgtools.find("pg_restore", major)
        source_url, target_url = (dburl.with_database(self.server_url, name) for name in (database, target))
        dumped = subprocess.run(
            [str(dump.path), "--format=custom", "--no-owner", source_url], capture_output=True, check=True
        ).stdout
        subprocess.run(
            [str(restore.path), "--no-owner", f"--dbname={target_url}"], input=dumped, capture_output=True, check=True
        )
        return target

    def _size(self, branch: FakeBranch) -> int:
        with psycopg.connect(self.server_url) as conn:
            return conn.execute("SELECT pg_database_size(%s)", (branch.database,)).fetchone()[0]

    def _operation(self, action: str, branch: FakeBranch) -> dict:
        now = time.monotonic()
        operation = {
            "id": str(uuid.uuid4()),
            "project_id": self.project,
            "branch_id": branch.id,
            "action": action,
            "status": "running",
            "failures_count": 0,
            "created_at": _stamp(datetime.now(UTC)),
            "_ends": now + self.operation_seconds,
            "_error": self.failing_operations,
        }
        self.operations[operation["id"]] = operation
        return self._shown(operation)

    def _shown(self, operation: dict) -> dict:
        """Running for ``operation_seconds``; then finished, or (injected) failed and retried for a second
        before Neon gives up on it (cancelled)."""
        now = time.monotonic()
        if operation["status"] == "running" and now >= operation["_ends"]:
            operation["status"] = "failed" if operation["_error"] else "finished"
            if operation["_error"]:
                operation.update(error=operation["_error"], failures_count=1)
        if operation["status"] == "failed" and now >= operation["_ends"] + 1:
            operation["status"] = "cancelled"
        return {key: value for key, value in operation.items() if not key.startswith("_")}

    def _busy(self) -> bool:
        """An operation still running (failed ones are retried by Neon, so they hold the project too)."""
        return any(self._shown(op)["status"] in ("running", "failed") for op in self.operations.values())

    def _json(self, branch: FakeBranch) -> dict:
        return {
            "id": branch.id,
            "project_id": self.project,
            "parent_id": branch.parent_id,
            "name": branch.name,
            "current_state": "ready",
            "logical_size": self._size(branch),
            "default": branch.default,
            "protected": False,
            "created_at": _stamp(branch.created_at),
            "updated_at": _stamp(branch.created_at),
        }

    # -- the HTTP app ------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()
        fake = self

        @app.middleware("http")
        async def guard(request: Request, call_next):
            request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
            REQUEST_ID.set(request_id)
            fake.serial = fake.serial or asyncio.Lock()
            answer = fake._refuse(request, request_id)
            if answer is None:
                async with fake.serial:
                    answer = await call_next(request)
            fake.requests.append((request.method, request.url.path, answer.status_code, request_id))
            return answer

        base = "/api/v2/projects/{project}"

        @app.get(base)
        def project(project: str):
            return {
                "project": {
                    "id": fake.project,
                    "name": "fake project",
                    "history_retention_seconds": fake.history_seconds,
                }
            }

        @app.get(base + "/branches")
        def branches(
            project: str,
            request: Request,
            limit: int = 10000,
            cursor: str | None = None,
            search: str | None = None,
            sort_by: str = "updated_at",
            sort_order: str = "desc",
        ):
            if not 1 <= limit <= 10000 or sort_by not in ("name", "created_at", "updated_at"):
                return _error(400, "invalid limit or sort_by")
            found = [b for b in fake.branches.values() if not search or search in b.name or search in b.id]
            found.sort(key=lambda b: b.name if sort_by == "name" else b.created_at, reverse=sort_order == "desc")
            start = int(base64.b64decode(cursor)) if cursor else 0
            page = found[start : start + min(limit, fake.page_size)]
            more = start + len(page) < len(found)
            return {
                "branches": [fake._json(b) for b in page],
                "annotations": {
                    b.id: {"object": {"type": "console/branch", "id": b.id}, "value": b.annotations}
                    for b in page
                    if b.annotations
                },
                "pagination": {"next": base64.b64encode(str(start + len(page)).encode()).decode()} if more else {},
            }

        @app.get(base + "/branches/{branch_id}")
        def branch(project: str, branch_id: str):
            found = fake.branches.get(branch_id)
            if found is None:
                return _error(404, f"branch {branch_id} not found")
            return {"branch": fake._json(found), "annotations": {}}

        @app.post(base + "/branches", status_code=201)
        async def create(project: str, request: Request):
            body = await request.json() if await request.body() else {}
            spec = body.get("branch") or {}
            annotations = body.get("annotation_value") or {}
            if (
                not isinstance(annotations, dict)
                or len(annotations) > 50
                or not all(isinstance(k, str) and isinstance(v, str) for k, v in annotations.items())
            ):
                return _error(400, "annotation_value must be a map of at most 50 strings")
            parent = (
                fake.branches.get(spec["parent_id"])
                if spec.get("parent_id")
                else next((b for b in fake.branches.values() if b.default), None)
            )
            if parent is None:
                return _error(404, "parent branch not found")
            name = spec.get("name") or f"br-{uuid.uuid4().hex[:8]}"
            if len(name) > 256 or any(b.name == name for b in fake.branches.values()):
                return _error(409, f"branch name {name} is too long or already exists")
            if fake._busy():
                return _error(
                    423, "project already has running conflicting operations, scheduling of new ones is prohibited"
                )
            made = fake._new_branch(name, parent)
            made.annotations = annotations
            if body.get("endpoints"):
                return _error(400, "the fake makes no computes on request")
            return {
                "branch": fake._json(made),
                "endpoints": [],
                "roles": [],
                "databases": [],
                "operations": [fake._operation("create_timeline", made)],
            }

        @app.delete(base + "/branches/{branch_id}")
        def delete(project: str, branch_id: str):
            found = fake.branches.get(branch_id)
            if found is None:
                return Response(status_code=204)
            if found.undeletable:
                return _error(400, found.undeletable)
            if found.parent_id is None or found.default:
                return _error(400, "the root or default branch cannot be deleted")
            if any(b.parent_id == found.id for b in fake.branches.values()):
                return _error(400, "branch has children and cannot be deleted")
            if fake._busy():
                return _error(423, "project already has running conflicting operations")
            operation = fake._operation("delete_timeline", found)
            del fake.branches[branch_id]
            with psycopg.connect(fake.server_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(found.database)))
            return {"branch": fake._json_gone(found), "operations": [operation]}

        @app.post(base + "/branches/{branch_id}/restore")
        async def restore(project: str, branch_id: str, request: Request):
            return fake._restore(branch_id, await request.json())

        @app.get(base + "/branches/{branch_id}/endpoints")
        def endpoints(project: str, branch_id: str):
            found = fake.branches.get(branch_id)
            if found is None:
                return _error(404, f"branch {branch_id} not found")
            return {
                "endpoints": [
                    {
                        "id": found.endpoint,
                        "branch_id": found.id,
                        "host": fake.host(found),
                        "type": "read_write",
                        "current_state": "active",
                    }
                ]
                if found.endpoint
                else []
            }

        @app.get(base + "/connection_uri")
        def connection_uri(project: str, database_name: str, role_name: str, branch_id: str | None = None):
            found = fake.branches.get(branch_id) if branch_id else next(b for b in fake.branches.values() if b.default)
            if found is None or not found.endpoint:
                return _error(404, "branch not found or it has no endpoint")
            return {"uri": fake.uri(found, database_name)}  # the database asked for, as Neon answers

        @app.get(base + "/operations/{operation_id}")
        def operation(project: str, operation_id: str):
            found = fake.operations.get(operation_id)
            if found is None:
                return _error(404, "operation not found")
            return {"operation": fake._shown(found)}

        return app

    def _json_gone(self, branch: FakeBranch) -> dict:
        return {"id": branch.id, "name": branch.name, "parent_id": branch.parent_id, "current_state": "ready"}

    def _refuse(self, request: Request, request_id: str) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return _error(401, "authentication required", request_id)
        parts = request.url.path.split("/")
        if len(parts) < 5 or parts[3] != "projects" or parts[4] != self.project:
            return _error(404, "project not found", request_id)
        for failure in self.failures:
            if failure.times and failure.path in request.url.path and failure.method in (None, request.method):
                failure.times -= 1
                return _error(failure.status, f"injected {failure.status}", request_id)
        return None

    def _restore(self, branch_id: str, body: dict) -> Response | dict:
        target = self.branches.get(branch_id)
        if target is None:
            return _error(404, f"branch {branch_id} not found")
        source = self.branches.get(body.get("source_branch_id") or "")
        if not body.get("source_branch_id"):
            return _error(400, "source_branch_id is required")
        if source is None:
            return _error(404, "source branch not found")
        preserve = body.get("preserve_under_name")
        when = body.get("source_timestamp")
        has_children = any(b.parent_id == target.id for b in self.branches.values())
        if source is target and not (when and preserve):
            return _error(400, "restoring a branch to its own past needs source_timestamp and preserve_under_name")
        if has_children and not preserve:
            return _error(400, "preserve_under_name is required when the branch has children")
        data = source.database
        if when:
            moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
            if source.parent_id is not None:
                return _error(400, "point-in-time restore is supported from root branches only")
            if not datetime.now(UTC) - timedelta(seconds=self.history_seconds) <= moment <= datetime.now(UTC):
                return _error(400, f"timestamp {when} is outside the history retention window")
            earlier = [copy for marked, copy in source.marks if marked <= moment]
            if not earlier:
                return _error(400, f"the fake has no history of {source.name} at {when} (mark() records it)")
            data = earlier[-1]
        if self._busy():
            return _error(423, "project already has running conflicting operations")
        if self.failing_operations:  # the operation fails, and the branch stays as it was
            return {"branch": self._json(target), "operations": [self._operation("restore_branch", target)]}
        restored = self._new_branch(target.name, None, data_from=data)
        restored.parent_id = None if target.parent_id is None else target.id
        restored.default, target.default = target.default, False
        restored.endpoint, target.endpoint = target.endpoint, None
        if restored.endpoint:  # the endpoint's database now holds the restored data; the old data keeps a new name
            live, kept = self.endpoint_databases[restored.endpoint], f"neonfake_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(self.server_url, autocommit=True) as conn:
                name = sql.Identifier
                conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name(live)))
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (live,))
                _wait_until_alone(conn, live)
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(name(live), name(kept)))
                conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name(kept)))
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(name(restored.database), name(live)))
            self.created.append(kept)
            target.database, restored.database = kept, live
        if preserve:
            target.name = preserve
            if target.parent_id is None and source is not target:
                target.undeletable = "the original root branch of a restore from another branch cannot be deleted"
        else:
            del self.branches[target.id]
        return {"branch": self._json(restored), "operations": [self._operation("restore_branch", restored)]}


def _wait_until_alone(conn, database: str) -> None:
    deadline = time.monotonic() + 10
    while (
        conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (database,)
        ).fetchone()[0]
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)


def _error(status: int, message: str, request_id: str | None = None) -> JSONResponse:
    request_id = request_id or REQUEST_ID.get() or str(uuid.uuid4())
    return JSONResponse({"code": str(status), "message": message, "request_id": request_id}, status_code=status)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
