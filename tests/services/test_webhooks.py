"""Webhooks against a local HTTP server: signed JSON and Slack's shape, retries with backoff,
deliveries recorded, never a failed operation because a webhook failed, and no URL kept."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

import psycopg
import pytest

from dbadmin.services import checkpoints, migrations, schedules, webhooks
from dbadmin.services.errors import ConfigError, DrillFailed
from dbadmin.services.registry import CONTROL
from dbadmin.services.startup import open_context
from tests.fakes import webhook_receiver
from tests.helpers import admin

ME = admin("tester")
SECRET = "s3cret-signing-key"


@pytest.fixture
def receiver():
    found = webhook_receiver.start()
    yield found
    found.server.shutdown()


@pytest.fixture
def told(make_context, receiver):
    """A shop whose webhooks are a JSON receiver and a Slack one, both on the local server."""
    context = make_context(
        webhook_urls=f"{receiver.url('/json')} slack+{receiver.url('/slack/T000/B000/XXXX')}",
        webhook_secret=SECRET,
    )
    context.webhooks.pause = 0.05  # the backoff, shortened for the test
    return context


def settled(context, count: int, timeout: float = 30) -> list[webhooks.Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = webhooks.deliveries(context.registry)
        if len(found) >= count and all(d.status != "pending" for d in found):
            return found
        time.sleep(0.05)
    raise AssertionError(f"deliveries did not settle: {webhooks.deliveries(context.registry)}")


def promoted(context) -> None:
    migrations.upgrade(context, "dev", actor=ME)
    migrations.promote(context, actor=ME, confirm="PROMOTE 5", reason="release 7")


def test_a_promotion_is_told_signed_as_json_and_as_slack_text(told, receiver):
    promoted(told)
    found = settled(told, 2)
    assert {(d.event, d.target, d.status, d.attempts) for d in found} == {
        ("migrate.promote", "json 127.0.0.1", "delivered", 1),
        ("migrate.promote", "slack 127.0.0.1", "delivered", 1),
    }
    (sent,) = receiver.requests_to("/json")
    body = sent.json
    assert (body["event"], body["branch"], body["actor"], body["outcome"], body["reason"]) == (
        "migrate.promote",
        "prod",
        "tester",
        "ok",
        "release 7",
    )
    assert body["details"]["revisions"] == ["0001", "0002", "0003", "0004", "0005"]
    stamp, signature = sent.headers["X-Dbadmin-Timestamp"], sent.headers["X-Dbadmin-Signature"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + sent.body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}" and abs(int(stamp) - time.time()) < 60
    assert sent.headers["X-Dbadmin-Event"] == "migrate.promote" and int(sent.headers["X-Dbadmin-Delivery"]) > 0

    (slack,) = receiver.requests_to("/slack/T000/B000/XXXX")
    assert set(slack.json) == {"text"} and "X-Dbadmin-Signature" not in slack.headers
    assert slack.json["text"].startswith("dbadmin · Production: promotion by tester, done. Why: release 7.")


def test_slack_text_pings_nobody_and_hides_no_link_the_json_keeps_the_reason_as_written(told, receiver):
    """Security finding N4: an admin's reason went to Slack as a channel ping and a disguised link."""
    reason = "<!channel> please <https://evil.example/login|re-authenticate> & retry"
    migrations.upgrade(told, "dev", actor=ME)
    migrations.promote(told, actor=ME, confirm="PROMOTE 5", reason=reason)
    settled(told, 2)
    (slack,) = receiver.requests_to("/slack/T000/B000/XXXX")
    text = slack.json["text"]
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt; please &lt;https://evil.example/login|re-authenticate&gt; &amp; retry" in text
    (sent,) = receiver.requests_to("/json")
    assert sent.json["reason"] == reason  # a machine reads the value as given


def test_a_failing_webhook_is_retried_with_backoff_and_never_fails_the_operation(told, receiver):
    receiver.answers["/json"] = [503, 503]
    started = time.monotonic()
    promoted(told)  # did not wait for, nor fail with, the webhook
    found = {d.target: d for d in settled(told, 2)}
    assert (found["json 127.0.0.1"].attempts, found["slack 127.0.0.1"].attempts) == (3, 1)
    assert {d.status for d in found.values()} == {"delivered"} and len(receiver.requests_to("/json")) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # paused before the second and third attempts

    receiver.answers["/json"] = [404]  # a receiver that does not know the hook: no point trying again
    latest = checkpoints.list_for_branch(told, "prod")[0]
    checkpoints.restore(told, "prod", latest.id, actor=ME, confirm=f"RESTORE {latest.id}")
    found = [d for d in settled(told, 4) if d.event == "checkpoint.restore" and d.target.startswith("json")]
    assert [(d.status, d.attempts, d.response_status, d.last_error) for d in found] == [("failed", 1, 404, "HTTP 404")]


def test_an_unreachable_webhook_is_tried_four_times_and_recorded_without_its_url(make_context, receiver):
    dead = "https://127.0.0.1:1/hook-with-a-secret-path"
    context = make_context(webhook_urls=dead, webhook_secret=SECRET)
    context.webhooks.pause = 0.05
    promoted(context)
    (found,) = settled(context, 1)
    assert (found.status, found.attempts, found.target) == ("failed", webhooks.ATTEMPTS, "json 127.0.0.1")
    assert found.last_error and "hook-with-a-secret-path" not in found.last_error
    with psycopg.connect(context.settings.admin_database_url.get_secret_value()) as conn:
        stored = str(conn.execute("SELECT row_to_json(d) FROM webhook_deliveries d").fetchall())
    assert "hook-with-a-secret-path" not in stored and SECRET not in stored


def test_a_failed_drill_and_missed_schedules_are_told(told, receiver):
    migrations.upgrade(told, "dev", actor=ME)
    made = checkpoints.create(told, "dev", actor=ME, label="nightly", strategy="dump")
    with told.registry.connection(CONTROL) as conn:
        conn.execute('UPDATE admin_checkpoints SET row_counts = \'{"public.gone": {"rows": 1, "exact": true}}\'')
    with pytest.raises(DrillFailed):
        checkpoints.drill(told, "dev", made.id, actor=ME)
    schedules.set_schedule(told, "dev", "0 * * * *", keep="daily=1", actor=ME)
    current = schedules.get(told, "dev")
    first = current.schedule.next_time(current.updated_at)
    schedules.run_due(told, now=first + timedelta(hours=3, minutes=40))  # 3 missed, the 4th too late as well
    found = settled(told, 4)
    assert sorted({d.event for d in found}) == ["checkpoint.drill", "schedule.missed"]
    texts = [r.json["text"] for r in receiver.requests_to("/slack/T000/B000/XXXX")]
    assert any(
        t.startswith(f"dbadmin · Development: the restore drill of checkpoint #{made.id} failed:") for t in texts
    )
    assert any(t.startswith("dbadmin · Development: 4 scheduled checkpoint(s) missed (") for t in texts), texts


def test_refused_attempts_and_dev_changes_are_not_told(told, receiver):
    migrations.upgrade(told, "dev", actor=ME)  # a Dev change
    with pytest.raises(Exception, match="needs the exact phrase"):
        migrations.promote(told, actor=ME, confirm="wrong")
    time.sleep(0.5)
    assert webhooks.deliveries(told.registry) == [] and receiver.received == []


def test_a_delivery_left_pending_is_sent_by_the_next_start(told, receiver, make_settings):
    with told.registry.connection(CONTROL) as conn:
        conn.execute(
            """INSERT INTO webhook_deliveries (event, target, target_key, payload, lease_until)
               VALUES ('migrate.promote', 'json 127.0.0.1', %s, '{"event": "migrate.promote", "summary": "s"}',
                       clock_timestamp() - interval '1 s')""",
            (webhooks.Target("json", receiver.url("/json")).key,),
        )
        conn.execute(
            """INSERT INTO webhook_deliveries (event, target, target_key, payload, status, finished_at)
               VALUES ('migrate.promote', 'json 127.0.0.1', 'k', '{}', 'delivered', clock_timestamp() - interval '91 days')"""
        )
    with open_context(told.settings) as again:
        (found,) = settled(again, 1)  # the one of 91 days ago is gone: the record stays bounded
        assert found.status == "delivered"
    assert receiver.requests_to("/json")[0].json["delivery"] == found.id


@pytest.mark.parametrize(
    "urls, secret, message",
    [
        ("ftp://example.com/x", SECRET, r"WEBHOOK_URLS: each entry is an http\(s\) URL"),
        ("https://example.com/x", None, "set WEBHOOK_SECRET"),
    ],
)
def test_bad_webhook_settings_are_one_line(make_settings, urls, secret, message):
    settings = make_settings(webhook_urls=urls, webhook_secret=secret)
    with pytest.raises(ConfigError, match=message) as refused:
        webhooks.targets(settings)
    assert "\n" not in str(refused.value) and "example.com/x" not in str(refused.value)
