"""``dbadmin schedule ...`` and ``dbadmin checkpoint drill`` from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

from tests.helpers import run_cli


def test_drill_a_checkpoint_then_a_damaged_one(env, tmp_path):
    env = env | {"CHECKPOINT_DIR": str(tmp_path / "store")}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    made = run_cli("checkpoint", "create", "dev", "nightly", "--strategy", "dump", env=env)
    checkpoint_id = re.search(r"checkpoint #(\d+)", made.stdout)[1]

    drilled = run_cli("checkpoint", "drill", checkpoint_id, "--reason", "monthly proof", env=env)
    assert drilled.returncode == 0, drilled.stderr
    assert re.fullmatch(
        rf"drill of checkpoint #{checkpoint_id} passed: restored in \d+\.\d s, schema and rows of \d+ table\(s\) as "
        r"recorded\n",
        drilled.stdout,
    )
    listed = run_cli("checkpoint", "list", "dev", env=env)
    assert re.search(rf"{checkpoint_id} .*passed", listed.stdout), listed.stdout

    archive = next(Path(tmp_path / "store").rglob("*.dump"))
    archive.write_bytes(archive.read_bytes()[:-100])
    failed = run_cli("checkpoint", "drill", checkpoint_id, env=env)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert f"drill of checkpoint #{checkpoint_id} failed: the restore failed:" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1


def test_set_list_and_run_a_schedule(env, tmp_path):
    env = env | {"CHECKPOINT_DIR": str(tmp_path / "store")}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    bad = run_cli("schedule", "set", "dev", "0 3 * *", env=env)
    assert bad.returncode == 2 and "needs five fields" in bad.stderr and "Traceback" not in bad.stderr

    made = run_cli("schedule", "set", "dev", "0 3 * * *; 0 9-17 * * 1-5", "--keep", "daily=3 within=2d", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Development: 0 3 * * *; 0 9-17 * * 1-5 UTC, keep daily=3 within=2d; next ")

    listed = run_cli("schedule", "list", env=env)
    assert "Development: 0 3 * * *; 0 9-17 * * 1-5 UTC, keep daily=3 within=2d (set by " in listed.stdout
    assert "Production: no schedule (last verified backup: none)" in listed.stdout

    ran = run_cli("schedule", "run", env=env)  # nothing is due the moment it was set
    assert ran.returncode == 0 and ran.stdout == "nothing is due\n"

    with psycopg.connect(env["ADMIN_DATABASE_URL"], autocommit=True) as conn:  # as if set a day ago
        conn.execute("UPDATE schedules SET updated_at = updated_at - interval '1 day', crontab = %s", (["* * * * *"],))
    ran = run_cli("schedule", "run", env=env)
    lines = ran.stdout.splitlines()
    assert ran.returncode == 1  # the minutes of the past day were missed: a pipeline must hear of it
    assert lines[-1].startswith("Development ") and re.search(r": ok \(checkpoint #\d+\)$", lines[-1]), ran.stdout
    assert all(": missed: not started within 30 minutes of its time" in line for line in lines[:-30])
    assert all(": missed: a later time was due before it started" in line for line in lines[-30:-1])
    assert len(lines) == 100  # a day of minutes, looked at a hundred at most

    off = run_cli("schedule", "set", "dev", "off", env=env)
    assert off.returncode == 0 and off.stdout == "Development: no schedule\n"
    declared = run_cli("schedule", "set", "prod", "0 4 * * *", env=env | {"PROD_SCHEDULE": "0 3 * * *"})
    assert declared.returncode == 1 and "set by PROD_SCHEDULE in the settings: change it there" in declared.stderr


def test_webhook_test_tells_each_webhook_and_fails_when_one_fails(env):
    from tests.fakes import webhook_receiver

    receiver = webhook_receiver.start()
    try:
        urls = f"slack+{receiver.url('/slack')} {receiver.url('/json')}"
        hooked = env | {"WEBHOOK_URLS": urls, "WEBHOOK_SECRET": "k"}
        sent = run_cli("webhook", "test", env=hooked)
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.splitlines() == [
            "slack 127.0.0.1: delivered (1 attempt(s))",
            "json 127.0.0.1: delivered (1 attempt(s))",
        ]
        assert receiver.requests_to("/slack")[0].json["text"].startswith("dbadmin: a test notice sent by ")
        receiver.answers["/json"] = [403]
        refused = run_cli("webhook", "test", env=hooked)
        assert refused.returncode == 1 and "json 127.0.0.1: failed: HTTP 403 (1 attempt(s))" in refused.stdout
        listed = run_cli("webhook", "deliveries", env=hooked)
        assert listed.returncode == 0 and "webhook.test" in listed.stdout and "/json" not in listed.stdout
        none = run_cli("webhook", "test", env=env)
        assert none.returncode == 1 and none.stdout == "no webhooks: set WEBHOOK_URLS\n"
    finally:
        receiver.server.shutdown()
