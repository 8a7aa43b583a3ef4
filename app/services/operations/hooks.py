"""After-run hooks: what runs after a successful migration, promotion or restore.

* Cache invalidation (built in): with REDIS_URL set, the keys matching
  CACHE_INVALIDATE_PATTERNS are deleted, so the application does not serve lookup data
  cached from the schema or rows that just changed.  ``{branch}`` in a pattern becomes
  ``dev`` or ``prod``.  Keys are found with SCAN (never KEYS, which blocks Redis) and
  removed with UNLINK (freed in the background).
* An entry point (AFTER_RUN_HOOK=module:function) for anything else; it is called with
  one ``Event``.

Each hook is audited on its own.  A failing hook does not undo the run that came before
it (that already happened): its audit row says ``failed`` and the caller gets the reason.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from .. import actions, dburl
from ..actions import ActionType
from ..branch import Branch
from ..context import Context
from . import audit


@dataclass(frozen=True)
class Event:
    """What just happened: handed to AFTER_RUN_HOOK."""

    action: str  # the name of what ran: migrate.up, migrate.down, migrate.promote, checkpoint.restore
    branch: Branch
    actor: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HookResult:
    hook: str
    ok: bool
    detail: str


def run_after(context: Context, event: Event) -> list[HookResult]:
    """Run every configured hook for ``event``; never raises (each outcome is audited and returned)."""
    results = []
    settings = context.settings
    patterns = [p.strip() for p in settings.cache_invalidate_patterns.split(",") if p.strip()]
    if settings.redis_url and patterns:
        results.append(_audited(context, event, actions.HOOK_CACHE, lambda: _invalidate(context, event, patterns)))
    if settings.after_run_hook:
        results.append(
            _audited(context, event, actions.HOOK_ENTRY_POINT, lambda: _call(settings.after_run_hook, event))
        )
    return results


def _audited(context: Context, event: Event, action: ActionType, call: Any) -> HookResult:
    try:
        with audit.operation(
            context.registry.control_pool(),
            actor=event.actor,
            action=action,
            branch=event.branch,
            details={"after": event.action},
            secrets=context.settings.secrets(),
        ) as running:
            detail = call()
            running.details["result"] = detail
        return HookResult(action.name, True, detail)
    except Exception as exc:  # recorded as failed by audit.operation; the run before it stands
        return HookResult(action.name, False, f"{type(exc).__name__}: {dburl.reason(exc, context.settings.secrets())}")


def _invalidate(context: Context, event: Event, patterns: list[str]) -> str:
    import redis

    assert context.settings.redis_url is not None, "patterns are only run with REDIS_URL set"
    client = redis.Redis.from_url(
        context.settings.redis_url.get_secret_value(), socket_timeout=5, socket_connect_timeout=5
    )
    try:
        deleted = 0
        for pattern in patterns:
            batch = []
            for key in client.scan_iter(match=pattern.replace("{branch}", event.branch.value), count=500):
                batch.append(key)
                if len(batch) >= 500:
                    deleted += client.unlink(*batch)
                    batch.clear()
            if batch:
                deleted += client.unlink(*batch)
        return f"deleted {deleted} cache key(s) matching {', '.join(patterns)}"
    finally:
        client.close()


def _call(spec: str, event: Event) -> str:
    module_name, _, function_name = spec.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(event)
    return f"{spec} returned {result!r}"[:500]
