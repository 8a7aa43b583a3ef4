"""After-run hooks: cache invalidation against the machine's Redis, and an entry point."""

from __future__ import annotations

import json
import uuid

import pytest

from dbadmin.services import checkpoints, migrations
from tests.helpers import actions, admin

ME = admin("tester")
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"needs the Redis server on 127.0.0.1:6379, which does not answer here: {exc}")
    yield client
    client.close()


def test_cache_keys_of_the_branch_are_deleted_after_a_migration(make_context, redis_client):
    prefix = f"dbadmin-test-{uuid.uuid4().hex[:8]}"
    keys = {f"{prefix}:dev:lookup:1", f"{prefix}:dev:lookup:2", f"{prefix}:prod:lookup:1", f"{prefix}:dev:session:1"}
    for key in keys:
        redis_client.set(key, "cached", ex=300)
    context = make_context(redis_url=REDIS_URL, cache_invalidate_patterns=f"{prefix}:{{branch}}:lookup:*")
    result = migrations.upgrade(context, "dev", actor=ME)
    remaining = {key.decode() for key in redis_client.scan_iter(match=f"{prefix}:*")}
    assert remaining == {f"{prefix}:prod:lookup:1", f"{prefix}:dev:session:1"}
    [hook] = result.hooks
    assert hook.ok and hook.detail.startswith("deleted 2 cache key(s)")
    last = actions(context)[-1]
    assert (last.action, last.branch, last.outcome, last.details["after"]) == ("hook.cache", "dev", "ok", "migrate.up")
    redis_client.delete(*remaining)


def test_unreachable_redis_fails_the_hook_not_the_migration(make_context):
    context = make_context(redis_url="redis://127.0.0.1:1/0", cache_invalidate_patterns="x:*")
    result = migrations.upgrade(context, "dev", actor=ME)
    assert result.after == ("0005",)
    [hook] = result.hooks
    assert not hook.ok and "ConnectionError" in hook.detail
    assert [(a.action, a.outcome) for a in actions(context)[-2:]] == [("migrate.up", "ok"), ("hook.cache", "failed")]


@pytest.fixture
def hook_module(tmp_path, monkeypatch):
    name = f"dbadmin_test_hook_{uuid.uuid4().hex[:6]}"
    log = tmp_path / "events.jsonl"
    (tmp_path / f"{name}.py").write_text(
        "import json\n"
        f"LOG = {str(log)!r}\n"
        "def record(event):\n"
        "    with open(LOG, 'a') as f:\n"
        "        f.write(json.dumps({'action': event.action, 'branch': event.branch.value, 'actor': event.actor,\n"
        "                            'details': event.details}) + '\\n')\n"
        "    return 'noted'\n"
        "def explode(event):\n"
        "    raise RuntimeError('hook broke')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name, log


def test_entry_point_is_called_after_promotion_and_restore(make_context, hook_module):
    name, log = hook_module
    context = make_context(after_run_hook=f"{name}:record")
    migrations.upgrade(context, "dev", actor=ME)
    result = migrations.promote(context, actor=ME, confirm="PROMOTE 5")
    assert result.hooks[0].ok and "returned 'noted'" in result.hooks[0].detail
    checkpoint = checkpoints.create(context, "dev", actor=ME, label="c", strategy="clone")
    checkpoints.restore(context, "dev", checkpoint.id, actor=ME)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["action"], e["branch"]) for e in events] == [
        ("migrate.up", "dev"),
        ("migrate.promote", "prod"),
        ("checkpoint.restore", "dev"),
    ]
    assert events[1]["details"]["revisions"] == ["0001", "0002", "0003", "0004", "0005"]


def test_failing_entry_point_is_reported_and_audited(make_context, hook_module):
    name, _ = hook_module
    context = make_context(after_run_hook=f"{name}:explode")
    result = migrations.upgrade(context, "dev", actor=ME)
    assert result.after == ("0005",) and not result.hooks[0].ok and "hook broke" in result.hooks[0].detail
    last = actions(context)[-1]
    assert (last.action, last.outcome) == ("hook.entry_point", "failed") and "hook broke" in last.details["error"]
