"""``neon``: a checkpoint is a Neon branch of the live branch; a restore is Neon's branch restore.

Neon branches are copy-on-write, so a checkpoint is instant at any size and the branch
stays online: a child branch without compute, named after the catalog id and annotated
with it.  A restore is Neon's ``/restore`` with ``preserve_under_name``: Neon rebuilds the
branch from the checkpoint and moves its compute over, so the connection string stays the
same while connections drop for a few seconds; the replaced state lives on as the
preserved branch, which becomes the "before restore" checkpoint.  Neon keeps the
project's history, so a branch can also go back to a moment (``restore_to_time``).

Neon's API is reached with a project key (NEON_API_KEY, NEON_PROJECT_ID); each dbadmin
branch is a Neon branch by name (NEON_BRANCH_DEV, NEON_BRANCH_PROD), looked up again for
every operation, since a restore gives the branch a new id.  Before anything changes, the
branch's endpoint is checked to be the database its URL names.  Mutations return
operations, polled to their end; 423, 429 and 503 are retried with backoff; an error is
one line with Neon's message and request id, never the key.  Facts and sources:
docs/checkpoints.md ("neon").
"""

from __future__ import annotations

import time
from typing import ClassVar
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from ....config import Settings
from ... import dburl, server_admin
from ...branch import Branch
from ...errors import (
    CheckpointCorrupt,
    CheckpointFailed,
    CheckpointKept,
    ConfigError,
    NotSetUp,
    OperationRefused,
    WrongDatabase,
)
from .. import catalog
from ..catalog import Checkpoint
from .base import Created, Finding, History, Job, Keep, Unavailability, failure_message

RETRIED = {423: "locked by another operation", 429: "rate limited", 503: "unavailable"}
DONE, ENDED = {"finished", "skipped"}, {"cancelled"}  # "failed" and "error" are retried by Neon: keep polling


class NeonError(CheckpointFailed):
    """Neon answered with an error: ``status`` and Neon's message and request id in the sentence.

    ``definite``: Neon said no (a 4xx answer, an operation it cancelled), so nothing was done;
    otherwise (no answer, a 5xx, an operation still running at the deadline) it may still be.
    """

    def __init__(self, message: str, status: int, *, definite: bool) -> None:
        super().__init__(message)
        self.status, self.definite = status, definite


class NeonApi:
    """The dozen calls of Neon's v2 API this strategy needs, with retries and operation polling."""

    def __init__(
        self, url: str, key: str, project: str, *, timeout: float, attempts: int = 6, backoff: float = 0.5
    ) -> None:
        self.url, self.project, self.timeout = url.rstrip("/"), project, timeout
        self.attempts, self.backoff, self._key = attempts, backoff, key
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"}, timeout=30
        )

    def call(self, method: str, path: str, *, body: dict | None = None, params: dict | None = None) -> dict:
        """One request under ``/projects/{id}``; returns the JSON answer ({} for 204).

        423 (another operation holds the project: Dev's and Prod's share it) is retried until
        NEON_OPERATION_TIMEOUT, 429 and 503 a few times; a GET, safe to repeat, also after no
        answer or a 5xx.
        """
        where, deadline, attempt = f"/projects/{self.project}{path}", time.monotonic() + self.timeout, 0
        while True:
            request_id, attempt = str(uuid.uuid4()), attempt + 1
            again = attempt < self.attempts
            try:
                answer = self._client.request(
                    method, self.url + where, json=body, params=params, headers={"X-Request-ID": request_id}
                )
            except httpx.HTTPError as exc:
                if method == "GET" and again:
                    time.sleep(self._backoff(attempt))
                    continue
                raise NeonError(
                    f"Neon {method} {path or '/'}: {type(exc).__name__} reaching {self.url} (request {request_id})",
                    0,
                    definite=False,
                ) from None
            status = answer.status_code
            locked = status == 423 and time.monotonic() < deadline
            if locked or (status in RETRIED and again) or (method == "GET" and status >= 500 and again):
                time.sleep(self._delay(answer, attempt))
                continue
            if status == 204:
                return {}
            if answer.is_success:
                return answer.json()
            raise self._error(method, path, answer, request_id)

    def wait(self, operations: list[dict]) -> None:
        """Poll each operation to its end: finished or skipped, else an error naming it (definite when
        Neon cancelled it; not when it was still running at NEON_OPERATION_TIMEOUT).  Polls start at a
        quarter second and slow to five, well inside Neon's rate limits."""
        deadline = time.monotonic() + self.timeout
        for operation in operations:
            pause = 0.25
            while operation["status"] not in DONE:
                if operation["status"] in ENDED or time.monotonic() > deadline:
                    said = f": {self._scrub(str(operation['error']))}" if operation.get("error") else ""
                    raise NeonError(
                        f"Neon operation {operation['action']} ({operation['id']}) {operation['status']}{said}",
                        0,
                        definite=operation["status"] in ENDED,
                    )
                time.sleep(pause)
                pause = min(pause * 1.5, 5.0)
                operation = self.call("GET", f"/operations/{operation['id']}")["operation"]

    def branches(self, search: str | None = None) -> list[dict]:
        """Every branch (``search``: whose name or id contains it), following the cursor."""
        found, cursor = [], None
        while True:
            # sorted by creation, which operations meanwhile do not reorder (updated_at would)
            params = {
                "limit": 100,
                "sort_by": "created_at",
                "sort_order": "asc",
                **({"search": search} if search else {}),
                **({"cursor": cursor} if cursor else {}),
            }
            page = self.call("GET", "/branches", params=params)
            found += page["branches"]
            cursor = (page.get("pagination") or {}).get("next")
            if not cursor or not page["branches"]:
                return found

    def delete_branch(self, branch_id: str) -> None:
        """Delete a branch and wait for it to go (204, already gone, is fine)."""
        self.wait(self.call("DELETE", f"/branches/{branch_id}").get("operations", []))

    def branch_named(self, name: str) -> dict | None:
        return next((branch for branch in self.branches(search=name) if branch["name"] == name), None)

    def close(self) -> None:
        self._client.close()

    def _delay(self, answer: httpx.Response, attempt: int) -> float:
        try:
            return max(0.0, min(float(answer.headers.get("Retry-After", "")), 30.0))
        except ValueError:
            return self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), 8.0)

    def _scrub(self, text: str) -> str:
        """Neon's words without the key, should they ever quote it."""
        return text.replace(self._key, "[key]")

    def _error(self, method: str, path: str, answer: httpx.Response, request_id: str) -> NeonError:
        try:
            said = answer.json()
        except ValueError:
            said = {}
        message = self._scrub(str(said.get("message") or answer.reason_phrase)[:300])
        return NeonError(
            f"Neon {method} {path or '/'}: {message} (HTTP {answer.status_code}, "
            f"request {str(said.get('request_id') or request_id)[:64]})",
            answer.status_code,
            definite=answer.status_code < 500,
        )


class NeonStrategy:
    name: ClassVar[str] = "neon"
    summary: ClassVar[str] = (
        "a Neon branch of the live branch (NEON_* settings): instant at any size, the branch stays online; "
        "restore and restore to a time by Neon's branch restore"
    )
    restore_effect: ClassVar[str] = (
        "Neon rebuilds the branch and moves its compute over: connections to it drop for a few seconds "
        "and reconnect; its connection string stays the same."
    )

    def __init__(self, api: NeonApi | None, branches: dict[Branch, str | None]) -> None:
        self.api, self.branches = api, branches

    @classmethod
    def from_settings(cls, settings: Settings) -> NeonStrategy:
        api = None
        if settings.neon_api_key and settings.neon_project_id:
            api = NeonApi(
                settings.neon_api_url,
                settings.neon_api_key.get_secret_value(),
                settings.neon_project_id,
                timeout=settings.neon_operation_timeout,
            )
        return cls(api, {Branch.DEV: settings.neon_branch_dev, Branch.PROD: settings.neon_branch_prod})

    def reference_for(self, job: Job, checkpoint: Checkpoint) -> str:
        """The checkpoint's Neon branch name (names are unique in a project; ids change on restore)."""
        return f"dbadmin-{job.branch.value}-{checkpoint.id}-{server_admin.unique_part()}"

    def create(self, job: Job, checkpoint: Checkpoint) -> Created:
        api = self._api()
        live = self._live(job, api)
        job.report(0, 1, f"branching {live['name']} on Neon")
        made = api.call(
            "POST",
            "/branches",
            body={
                "branch": {"parent_id": live["id"], "name": checkpoint.location},
                "annotation_value": {"dbadmin-checkpoint": str(checkpoint.id), "dbadmin-branch": job.branch.value},
            },
        )
        api.wait(made.get("operations", []))
        job.report(1, 1, f"branched {live['name']} on Neon")
        return Created(size_bytes=made["branch"].get("logical_size") or live.get("logical_size") or 0)

    def restore(self, job: Job, checkpoint: Checkpoint, keep: Keep) -> Checkpoint:
        api = self._api()
        source = self._branch_of(api, checkpoint)
        return self._restore(
            job, api, keep, lambda live: {"source_branch_id": source["id"]}, f"checkpoint #{checkpoint.id}"
        )

    def history(self, job: Job) -> History:
        """From the project's history window (or the branch's creation, if later) to now; refused on a
        child branch, which Neon restores only to a branch's head, not to a moment."""
        api = self._api()
        live = self._live(job, api, check=False)
        if live.get("parent_id"):
            raise OperationRefused(
                f"Neon restores to a moment only on root branches; {job.branch.label}'s Neon branch "
                f"{live['name']} is a child branch: restore one of its checkpoints instead"
            )
        window = api.call("GET", "")["project"].get("history_retention_seconds") or 0
        now = datetime.now(UTC)
        return History(max(now - timedelta(seconds=window), _moment(live["created_at"])), now)

    def restore_to_time(self, job: Job, moment: datetime, keep: Keep) -> Checkpoint:
        stamp = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return self._restore(
            job, self._api(), keep, lambda live: {"source_branch_id": live["id"], "source_timestamp": stamp}, stamp
        )

    def delete(self, job: Job, checkpoint: Checkpoint) -> None:
        api = self._api()
        everything = api.branches()  # one listing finds the branch and its children
        found = next((branch for branch in everything if branch["name"] == checkpoint.location), None)
        if found is None:
            return  # already gone (Neon soft-deletes for a week; it is not ours any more)
        children = [branch["name"] for branch in everything if branch.get("parent_id") == found["id"]]
        if children:
            shown = ", ".join(children[:3]) + (f" and {len(children) - 3} more" if len(children) > 3 else "")
            raise CheckpointKept(
                f"checkpoint #{checkpoint.id}: Neon keeps its branch {found['name']} while it has "
                f"child branches ({shown})"
            )
        try:
            api.delete_branch(found["id"])
        except NeonError as exc:
            if 400 <= exc.status < 500 and exc.status not in (401, 403, 404):  # Neon's rules, not our set-up
                raise CheckpointKept(f"checkpoint #{checkpoint.id}: {exc}") from None
            raise

    def discard_partial(self, job: Job, reference: str) -> None:
        api = self._api()
        if (found := api.branch_named(reference)) is not None:
            api.delete_branch(found["id"])

    def verify(self, job: Job, checkpoint: Checkpoint) -> None:
        self._branch_of(self._api(), checkpoint)

    def settle(self, job: Job, checkpoint: Checkpoint) -> Created | None:
        """A branch Neon made for a killed process is whole: a checkpoint (or a restore's preserved state)."""
        if not checkpoint.reference or (found := self._api().branch_named(checkpoint.reference)) is None:
            return None
        return Created(size_bytes=found.get("logical_size") or 0)

    def unavailability(self, job: Job) -> Unavailability:
        return Unavailability(
            self.name, 0.0, "neon: Neon branches the live branch in moments (copy-on-write); the branch stays online."
        )

    def close(self) -> None:
        if self.api is not None:
            self.api.close()

    def diagnose(self, job: Job) -> list[Finding]:
        """The key and project, the branch's Neon branch by name, and that its endpoint is the branch's URL."""
        try:
            api = self._api()
            project = api.call("GET", "")["project"]
        except (NotSetUp, NeonError) as exc:
            return [
                Finding(
                    "neon project", "fail", str(exc), "set NEON_API_KEY (a project-scoped key fits) and NEON_PROJECT_ID"
                )
            ]
        found = [
            Finding(
                "neon project",
                "ok",
                f"{project.get('name') or project['id']} ({project['id']}), history "
                f"{(project.get('history_retention_seconds') or 0) / 3600:g} h",
            )
        ]
        try:
            live = self._live(job, api)
        except (ConfigError, NotSetUp, NeonError, WrongDatabase) as exc:
            return [
                *found,
                Finding(
                    "neon branch",
                    "fail",
                    str(exc),
                    f"set NEON_BRANCH_{job.branch.name} to the Neon branch {job.branch.label}'s URL connects to",
                ),
            ]
        return [
            *found,
            Finding("neon branch", "ok", f"{live['name']} ({live['id']}): its endpoint is {dburl.describe(job.url)}"),
        ]

    # -- helpers ------------------------------------------------------------------------------

    def _api(self) -> NeonApi:
        if self.api is None:
            raise NotSetUp("the neon checkpoint strategy is not set up here: it needs NEON_API_KEY and NEON_PROJECT_ID")
        return self.api

    def _live(self, job: Job, api: NeonApi, *, check: bool = True) -> dict:
        """The Neon branch ``job``'s branch is, by its configured name; with ``check``, also that its
        endpoint is the database the branch's URL names, so nothing acts on another branch."""
        name = self.branches[job.branch]
        if not name:
            raise NotSetUp(f"NEON_BRANCH_{job.branch.name} is not set: which Neon branch is {job.branch.label}?")
        live = api.branch_named(name)
        if live is None:
            raise ConfigError(f"NEON_BRANCH_{job.branch.name}: project {api.project} has no branch named {name[:80]!r}")
        if check and not self._serves(job, api, live):
            raise WrongDatabase(
                f"{job.branch.label}'s URL ({dburl.describe(job.url)}) is not the endpoint of Neon "
                f"branch {name}; nothing was changed"
            )
        return live

    @staticmethod
    def _serves(job: Job, api: NeonApi, live: dict) -> bool:
        """Whether the branch's URL leads to ``live``'s compute: Neon's connection URI for it names the
        same host, port and database; where Neon will not give one (a role whose password it does not
        keep), the host of one of its endpoints."""
        wanted = dburl.parts(job.url)
        try:
            uri = api.call(
                "GET",
                "/connection_uri",
                params={
                    "branch_id": live["id"],
                    "database_name": wanted.get("dbname"),
                    "role_name": wanted.get("user"),
                },
            )["uri"]
        except NeonError as exc:
            if exc.status not in (400, 404, 412):
                raise
            hosts = {
                _host(endpoint["host"])
                for endpoint in api.call("GET", f"/branches/{live['id']}/endpoints")["endpoints"]
            }
            return _endpoint(job.url)[0] in hosts
        return _endpoint(uri) == _endpoint(job.url)

    def _branch_of(self, api: NeonApi, checkpoint: Checkpoint) -> dict:
        found = api.branch_named(checkpoint.location)
        if found is None:
            raise CheckpointCorrupt(
                f"checkpoint #{checkpoint.id}: its Neon branch {checkpoint.reference} no longer exists"
            )
        return found

    def _restore(self, job: Job, api: NeonApi, keep: Keep, source, what: str) -> Checkpoint:
        """Neon's restore of the live branch from ``source(live)``, the replaced state kept as a checkpoint."""
        live = self._live(job, api)
        if refused := next((r for r in live.get("restricted_actions") or [] if r.get("name") == "restore"), None):
            raise OperationRefused(f"Neon will not restore {live['name']} now: {refused.get('reason', 'restricted')}")
        before = keep.record(self.name)
        preserved = self.reference_for(job, before)
        catalog.update(job.registry, before.id, reference=preserved)
        job.report(0, 1, f"Neon restores {live['name']} to {what}")
        job.close_pools()  # Neon drops the branch's connections: ours go first, and reopen after
        try:
            answer = api.call(
                "POST", f"/branches/{live['id']}/restore", body={**source(live), "preserve_under_name": preserved}
            )
            api.wait(answer.get("operations", []))
        except BaseException as exc:
            raise self._after_failure(job, api, before, preserved, what, exc) from None
        finally:
            job.close_pools()
        job.report(1, 1, f"Neon restored {live['name']} to {what}")
        job.restore_method = "neon restore"
        kept = _quietly_find(api, preserved)
        if kept is None:  # restored, but the replaced state is not where Neon was told to keep it (or unseen yet)
            return catalog.update(
                job.registry, before.id, status="failed", error=f"Neon did not show the preserved branch {preserved}"
            )
        return catalog.update(job.registry, before.id, status="ready", size_bytes=kept.get("logical_size") or 0)

    def _after_failure(
        self, job: Job, api: NeonApi, before: Checkpoint, preserved: str, what: str, exc: BaseException
    ) -> BaseException:
        """Record what a failed restore left, and the error to raise: whatever Neon kept is the undo; a
        refusal did nothing; anything else (no answer, a timeout) may still be under way, so the row stays
        ``creating`` for the next start to settle, and the error says so."""
        kept = _quietly_find(api, preserved)
        said = failure_message(exc, job.secrets)
        if kept is not None:
            catalog.update(job.registry, before.id, status="ready", size_bytes=kept.get("logical_size") or 0)
            return CheckpointFailed(
                f"{said}; Neon did restore the branch to {what}: the replaced state is checkpoint #{before.id}"
            )
        if isinstance(exc, NeonError) and exc.definite:
            catalog.update(job.registry, before.id, status="failed", error=f"restore to {what} did not happen: {said}")
            return exc
        return CheckpointFailed(
            f"{said}; Neon may still be restoring the branch to {what}: checkpoint #{before.id} "
            "is settled when dbadmin next starts"
        )


def _endpoint(url: str) -> tuple[str, int, str]:
    """Host (a pooler's ``-pooler`` dropped), port and database of a URL: what says which endpoint it is."""
    parts = dburl.parts(url)
    return _host(parts.get("host") or ""), int(parts.get("port") or 5432), parts.get("dbname") or ""


def _host(host: str) -> str:
    """An endpoint's host as compared: lower case, a pooler's ``-pooler`` dropped (it is the same compute)."""
    first, _, rest = host.lower().partition(".")
    return first.removesuffix("-pooler") + ("." + rest if rest else "")


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # Neon's times are UTC


def _quietly_find(api: NeonApi, name: str) -> dict | None:
    try:
        return api.branch_named(name)
    except NeonError:
        return None
