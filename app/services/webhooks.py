"""Webhooks: telling someone when a backup fails or is missed, a drill fails, or Production changes.

Two shapes: a Slack incoming webhook (``slack+https://hooks.slack.com/...``: ``{"text": ...}``)
and a plain JSON body (``https://...``) signed with ``WEBHOOK_SECRET``::

    X-Dbadmin-Signature: sha256=<hex HMAC-SHA256 of "<X-Dbadmin-Timestamp>.<body>">

so a receiver can check both who sent it and that it is not an old one replayed.

Sending never blocks or fails the operation it tells of: ``notify`` writes one row per
target in ``webhook_deliveries`` (an outbox) and hands the delivery to a small thread pool,
which tries ``ATTEMPTS`` times with a doubling pause on a network error, a 429 or a 5xx.
Each attempt is recorded; a delivery a stopped process left pending is resumed by the next
start (``resume``), claimed by lease so that two replicas do not both send it.  The URLs
themselves are secrets (a Slack webhook's path is its key): never stored, shown or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from ..config import Settings
from . import actions, dburl
from .errors import ConfigError, DBAdminError
from .registry import CONTROL, Registry

if TYPE_CHECKING:  # the context holds the webhooks: an annotation only
    from .context import Context

ATTEMPTS = 4
TIMEOUT_SECONDS = 10
LEASE_SECONDS = 120  # a pending delivery nobody touched this long is resumed by a start
KEPT_DAYS = 90  # finished deliveries are kept this long
_log = logging.getLogger("dbadmin")


@dataclass(frozen=True)
class Target:
    format: str  # slack | json
    url: str  # a secret

    @property
    def name(self) -> str:
        """How a delivery names it: its format and host, never the URL."""
        return f"{self.format} {urlsplit(self.url).hostname or '?'}"

    @property
    def key(self) -> str:
        return hashlib.sha256(self.url.encode()).hexdigest()[:32]


def targets(settings: Settings) -> list[Target]:
    """The targets WEBHOOK_URLS names; ``ConfigError`` for one that is not http(s), or JSON ones without a secret."""
    raw = settings.webhook_urls.get_secret_value() if settings.webhook_urls else ""
    found = []
    for entry in raw.split():
        format_, url = ("slack", entry[len("slack+") :]) if entry.startswith("slack+") else ("json", entry)
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigError(
                "WEBHOOK_URLS: each entry is an http(s) URL, or slack+https://... for Slack; "
                f"one is not (it starts {entry[:12]!r})"
            )
        found.append(Target(format_, url))
    if any(t.format == "json" for t in found) and not settings.webhook_secret:
        raise ConfigError("WEBHOOK_URLS has a JSON webhook: set WEBHOOK_SECRET, the key its signature is made with")
    return found


@dataclass(frozen=True)
class Event:
    """Something to tell: ``kind`` is an audit action (``migrate.promote``) or ``schedule.failed``/``missed``."""

    kind: str
    summary: str  # one line a person reads (Slack's text)
    branch: str | None = None
    actor: str | None = None
    outcome: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    id: int
    event: str
    target: str
    status: str  # pending | delivered | failed
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


_COLUMNS = "id, event, target, status, attempts, response_status, last_error, created_at, finished_at"


class Webhooks:
    """The targets of one context, and the threads that deliver to them."""

    def __init__(self, settings: Settings, registry: Registry, *, pause: float = 1.0) -> None:
        self.targets = targets(settings)
        self.registry = registry
        self.secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else b""
        self.secrets = settings.secrets()
        self.pause = pause  # before the second attempt; doubled before each next one
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dbadmin-webhook")
        self.client = httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)

    def notify(self, event: Event) -> list[int]:
        """Record and send ``event`` to every target, in the background; the delivery ids. Never raises."""
        event = replace(event, summary=dburl.scrub(event.summary, self.secrets)[:1000])
        ids = []
        for target in self.targets:
            try:
                delivery_id = self._record(event, target)
            except DBAdminError as exc:  # the control store is away: say so in the log, and send anyway
                _log.warning("dbadmin: a webhook delivery could not be recorded: %s", exc)
                delivery_id = None
            self.pool.submit(self._deliver, delivery_id, target, _payload(event, delivery_id))
            if delivery_id is not None:
                ids.append(delivery_id)
        return ids

    def test(self, actor: str) -> list[Delivery]:
        """Send a test notice to every target now and wait for each delivery to end (``dbadmin webhook test``)."""
        event = Event(actions.WEBHOOK_TEST.name, f"dbadmin: a test notice sent by {actor}", actor=actor, outcome="ok")
        finished = []
        for target in self.targets:
            delivery_id = self._record(event, target)
            self._deliver(delivery_id, target, _payload(event, delivery_id))
            finished.append(delivery_id)
        return deliveries(self.registry, ids=finished)

    def resume(self) -> int:
        """Send the deliveries a stopped process left pending (their lease ran out); how many.

        Finished deliveries older than ``KEPT_DAYS`` go on the way, so the record stays bounded.
        """
        by_key = {target.key: target for target in self.targets}
        resumed = 0
        with self.registry.connection(CONTROL) as conn:
            conn.execute(
                """DELETE FROM webhook_deliveries WHERE status <> 'pending'
                      AND finished_at < clock_timestamp() - make_interval(days => %s)""",
                (KEPT_DAYS,),
            )
            rows = conn.execute(
                """UPDATE webhook_deliveries SET lease_until = clock_timestamp() + make_interval(secs => %s)
                    WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < clock_timestamp())
                   RETURNING id, target_key, payload""",
                (LEASE_SECONDS,),
            ).fetchall()
        for delivery_id, key, payload in rows:
            if key not in by_key:
                self._finish(delivery_id, "failed", None, "its webhook is no longer in WEBHOOK_URLS")
                continue
            self.pool.submit(self._deliver, delivery_id, by_key[key], payload | {"delivery": delivery_id})
            resumed += 1
        return resumed

    def close(self) -> None:
        """Stop: the attempt under way ends, the rest stays pending for the next start."""
        self.stopping.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.client.close()

    # -- delivering -----------------------------------------------------------------------

    def _deliver(self, delivery_id: int | None, target: Target, payload: dict[str, Any]) -> None:
        body = json.dumps(_shaped(target, payload), separators=(",", ":"), default=str).encode()
        status, error = None, None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                answer = self.client.post(target.url, content=body, headers=self._headers(target, payload, body))
                status, error = answer.status_code, None if answer.is_success else f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:  # refused, timed out, reset: worth another try
                status, error = None, dburl.scrub(f"{type(exc).__name__}: {exc}", (*self.secrets, target.url))[:300]
            if error is None:
                self._finish(delivery_id, "delivered", status, None, attempt)
                return
            retry = status is None or status == 429 or status >= 500
            if not retry or attempt == ATTEMPTS:
                break
            self._attempted(delivery_id, attempt, status, error)
            if self.stopping.wait(self.pause * 2 ** (attempt - 1)):
                return  # stopping: left pending, for the next start
        self._finish(delivery_id, "failed", status, error, attempt)
        _log.warning("dbadmin: webhook %s failed after %s attempt(s): %s", target.name, attempt, error)

    def _headers(self, target: Target, payload: dict[str, Any], body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "dbadmin-webhooks"}
        if target.format == "json":
            stamp = str(int(time.time()))
            signature = hmac.new(self.secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            headers |= {
                "X-Dbadmin-Event": str(payload["event"]),
                "X-Dbadmin-Delivery": str(payload.get("delivery") or ""),
                "X-Dbadmin-Timestamp": stamp,
                "X-Dbadmin-Signature": f"sha256={signature}",
            }
        return headers

    # -- the record -----------------------------------------------------------------------

    def _record(self, event: Event, target: Target) -> int:
        with self.registry.connection(CONTROL) as conn:
            row = conn.execute(
                """INSERT INTO webhook_deliveries (event, target, target_key, payload, lease_until)
                   VALUES (%s, %s, %s, %s, clock_timestamp() + make_interval(secs => %s)) RETURNING id""",
                (event.kind, target.name, target.key, Jsonb(_payload(event, None)), LEASE_SECONDS),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def _attempted(self, delivery_id: int | None, attempts: int, status: int | None, error: str) -> None:
        if delivery_id is None:
            return
        with suppress(DBAdminError), self.registry.connection(CONTROL) as conn:  # the notice matters, not its record
            conn.execute(
                """UPDATE webhook_deliveries SET attempts = %s, response_status = %s, last_error = %s,
                          lease_until = clock_timestamp() + make_interval(secs => %s) WHERE id = %s""",
                (attempts, status, error, LEASE_SECONDS, delivery_id),
            )

    def _finish(
        self, delivery_id: int | None, state: str, status: int | None, error: str | None, attempts: int | None = None
    ) -> None:
        if delivery_id is None:
            return
        with suppress(DBAdminError), self.registry.connection(CONTROL) as conn:  # the notice matters, not its record
            conn.execute(
                """UPDATE webhook_deliveries SET status = %s, response_status = %s, last_error = %s,
                          attempts = coalesce(%s, attempts), finished_at = clock_timestamp(), lease_until = NULL
                    WHERE id = %s""",
                (state, status, error, attempts, delivery_id),
            )


def recent(context: Context, limit: int = 50) -> list[Delivery]:
    """The latest deliveries, newest first (``dbadmin webhook deliveries``)."""
    return deliveries(context.registry, limit=limit)


def deliveries(registry: Registry, *, ids: list[int] | None = None, limit: int = 50) -> list[Delivery]:
    """Recorded deliveries, newest first (those of ``ids`` when given)."""
    with registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(Delivery)) as cur:
        if ids is not None:
            return cur.execute(
                f"SELECT {_COLUMNS} FROM webhook_deliveries WHERE id = ANY(%s) ORDER BY id", (ids,)
            ).fetchall()
        return cur.execute(f"SELECT {_COLUMNS} FROM webhook_deliveries ORDER BY id DESC LIMIT %s", (limit,)).fetchall()


def _payload(event: Event, delivery_id: int | None) -> dict[str, Any]:
    return {
        "event": event.kind,
        "summary": event.summary,
        "branch": event.branch,
        "actor": event.actor,
        "outcome": event.outcome,
        "reason": event.reason,
        "details": event.details,
        "at": datetime.now(UTC).isoformat(),
        "delivery": delivery_id,
    }


def _shaped(target: Target, payload: dict[str, Any]) -> dict[str, Any]:
    """The body ``target`` expects: Slack's ``{"text"}`` (escaped: a reason can hold no ping nor link), or the
    whole payload, its values as they are."""
    return {"text": slack_escaped(payload["summary"])} if target.format == "slack" else payload


def slack_escaped(text: str) -> str:
    """Slack's own rule for text it should show as written: ``&``, ``<`` and ``>`` as entities, so that
    ``<!channel>`` pings nobody and ``<https://x|label>`` is no disguised link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
