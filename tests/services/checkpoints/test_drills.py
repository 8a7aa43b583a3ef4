"""Restore drills on real databases: a good checkpoint passes, a damaged archive, a tampered schema
or changed rows fail, the branch and the server are left as they were."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import psycopg

import pytest
from psycopg.types.json import Jsonb

from dbadmin.services import checkpoints, migrations, server_admin
from dbadmin.services.checkpoints import catalog, drills
from dbadmin.services.checkpoints.strategies import dump
from dbadmin.services.checkpoints.strategies.base import Job
from dbadmin.services.recovery import recover_all as recover
from dbadmin.services.errors import BranchUnavailable, Cancelled, DrillFailed, NotAllowed, OperationRefused
from dbadmin.services.registry import CONTROL
from dbadmin.services.schema import counts
from tests.helpers import actions, admin, viewer

ME = admin("tester")


def databases_on(context, branch) -> set[str]:
    with server_admin.maintenance(context.registry.url(branch)) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def scratch_databases(context, branch) -> set[str]:
    """Drill databases of this branch on its server (other tests share the server, and make their own)."""
    prefix = f"{server_admin.database_of(context.registry.url(branch))}_drill_"
    return {name for name in databases_on(context, branch) if name.startswith(prefix)}


def emails(context, branch) -> list[str]:
    with context.registry.connection(branch) as conn:
        return [row[0] for row in conn.execute("SELECT email FROM users ORDER BY id")]


@pytest.fixture
def dev(shop):
    """Dev at head with rows in a small table and, past the exact-count size, a large one."""
    migrations.upgrade(shop, "dev", actor=ME)
    with shop.registry.connection("dev") as conn:
        conn.execute(
            "INSERT INTO users (email, name) SELECT 'u' || g || '@example.test', 'x' FROM generate_series(1, 30) g"
        )
        conn.execute("CREATE TABLE events (id bigint PRIMARY KEY, body text)")
        conn.execute("INSERT INTO events SELECT g, repeat('e', 200) FROM generate_series(1, 150000) g")
        conn.execute("ANALYZE events")
    return shop


def with_control(context, statement: str, params: tuple) -> None:
    with context.registry.connection(CONTROL) as conn:
        conn.execute(statement, params)


@pytest.mark.parametrize("strategy", ["dump", "clone"])
def test_a_good_checkpoint_passes_and_leaves_no_scratch_database(dev, strategy):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy=strategy)
    recorded = catalog.row_counts_of(dev.registry, checkpoint.id)
    assert recorded["public.users"] == {"rows": 30, "exact": True}
    assert recorded["public.events"]["exact"] is False and abs(recorded["public.events"]["rows"] - 150000) < 1500

    done = checkpoints.drill(dev, "dev", checkpoint.id, actor=ME, reason="weekly proof")
    assert (done.outcome, done.findings, done.checkpoint_id) == ("passed", [], checkpoint.id)
    assert done.restore_ms is not None and done.duration_ms >= done.restore_ms and done.tables == len(recorded)
    assert scratch_databases(dev, "dev") == set()
    if strategy == "clone":
        assert checkpoint.reference in databases_on(dev, "dev")  # the checkpoint itself stays
    audited = actions(dev)[-1]
    assert (audited.action, audited.outcome, audited.reason) == ("checkpoint.drill", "ok", "weekly proof")
    assert audited.details["drill_id"] == done.id
    verified = checkpoints.last_verified(dev, "dev")
    assert verified is not None and (verified[0].id, verified[1].id) == (checkpoint.id, done.id)
    assert emails(dev, "dev")[:1] == ["u1@example.test"] and len(emails(dev, "dev")) == 30


def while_dumping(monkeypatch, action) -> None:
    """Run ``action`` just before pg_dump starts (the snapshot is exported by then)."""
    real = dump._run_tool

    def run_tool(job, tool, *args, **kwargs):
        if tool.name == "pg_dump":
            action()
        return real(job, tool, *args, **kwargs)

    monkeypatch.setattr(dump, "_run_tool", run_tool)


def test_what_a_dump_records_is_what_its_archive_holds_however_busy_the_branch(dev, monkeypatch):
    """Counts, schema and archive read one snapshot: a write or DDL while it dumps changes none of them."""

    def write():
        with dev.registry.connection("dev") as other:
            other.execute("INSERT INTO users (email, name) VALUES ('late@example.test', 'x')")
            other.execute("CREATE TABLE late (id int)")

    while_dumping(monkeypatch, write)
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="busy", strategy="dump")
    assert catalog.row_counts_of(dev.registry, checkpoint.id)["public.users"]["rows"] == 30
    assert "public.late" not in catalog.snapshot_of(dev.registry, checkpoint.id)["tables"]
    assert len(emails(dev, "dev")) == 31
    monkeypatch.undo()
    assert checkpoints.drill(dev, "dev", checkpoint.id, actor=ME).passed


def test_a_dump_holds_no_table_lock_while_pg_dump_runs_and_survives_an_idle_timeout(dev, monkeypatch):
    """An application's TRUNCATE or migration queued behind a count held for the dump's length would
    wait on pg_dump, and pg_dump on it, for good; a server's idle timeout must not fail a finished dump."""
    database = server_admin.database_of(dev.registry.url("dev"))
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        conn.execute(f"ALTER DATABASE \"{database}\" SET idle_in_transaction_session_timeout = '1s'")
    dev.registry.close("dev")  # new sessions take the setting

    def lock_then_wait():
        with psycopg.connect(dev.registry.url("dev"), autocommit=True) as other:
            other.execute("SET lock_timeout = '2s'")
            with other.transaction():
                other.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")  # refused if a count still held users
        time.sleep(1.5)  # the exporting transaction sits idle past the server's timeout

    while_dumping(monkeypatch, lock_then_wait)
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="busy", strategy="dump")
    assert checkpoint.status == "ready"
    monkeypatch.undo()
    assert checkpoints.drill(dev, "dev", checkpoint.id, actor=ME).passed


def test_large_tables_without_statistics_or_with_few_rows_are_counted_exactly(dev):
    with dev.registry.connection("dev") as conn:
        conn.execute("CREATE TABLE blobs (id int, body text) WITH (autovacuum_enabled = false)")
        conn.execute("INSERT INTO blobs SELECT g, rpad(md5(g::text), 1800, 'x') FROM generate_series(1, 6000) g")
    with psycopg.connect(dev.registry.url("dev")) as conn:
        assert conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'blobs'").fetchone()[0] < 0
        assert conn.execute("SELECT pg_relation_size('blobs')").fetchone()[0] >= counts.EXACT_BELOW_BYTES
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="unanalyzed", strategy="dump")
    assert catalog.row_counts_of(dev.registry, checkpoint.id)["public.blobs"] == {"rows": 6000, "exact": True}


def test_a_cancelled_drill_is_interrupted_not_failed(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME, cancel=cancel)
    assert drills.last_of(dev, [checkpoint.id])[checkpoint.id].outcome == "interrupted"
    assert actions(dev)[-1].outcome == "interrupted" and scratch_databases(dev, "dev") == set()


def test_a_scratch_database_whose_drop_failed_is_dropped_at_the_next_start(dev, monkeypatch):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    real = Job.drop

    def fail_once(self, database):
        monkeypatch.setattr(Job, "drop", real)
        raise BranchUnavailable("the branch blinked")

    monkeypatch.setattr(Job, "drop", fail_once)
    with pytest.raises(BranchUnavailable):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    assert len(scratch_databases(dev, "dev")) == 1
    assert drills.last_of(dev, [checkpoint.id])[checkpoint.id].outcome == "passed"  # the drill itself passed
    recover(dev)
    assert scratch_databases(dev, "dev") == set()


def test_a_corrupted_archive_fails_the_drill(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    archive = Path(checkpoint.reference)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(
        DrillFailed, match=rf"^drill of checkpoint #{checkpoint.id} failed: the restore failed: .*checksum"
    ):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    assert scratch_databases(dev, "dev") == set()
    assert drills.last_of(dev, [checkpoint.id])[checkpoint.id].outcome == "failed"
    assert (actions(dev)[-1].action, actions(dev)[-1].outcome) == ("checkpoint.drill", "failed")
    assert checkpoints.last_verified(dev, "dev") is None


def test_an_archive_that_matches_its_checksum_but_does_not_restore_fails(dev):
    """Intact is not restorable: a truncated archive whose recorded checksum was made to match."""
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    archive = Path(checkpoint.reference)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    catalog.update(dev.registry, checkpoint.id, checksum=hashlib.sha256(archive.read_bytes()).hexdigest())
    with pytest.raises(DrillFailed, match="the restore failed: pg_restore"):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    assert scratch_databases(dev, "dev") == set()


def test_a_tampered_schema_snapshot_fails_the_drill(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    snapshot = catalog.snapshot_of(dev.registry, checkpoint.id)
    del snapshot["tables"]["public.users"]["columns"]["name"]
    snapshot["tables"]["public.ghosts"] = {**snapshot["tables"]["public.events"]}
    with_control(
        dev, "UPDATE admin_checkpoints SET schema_snapshot = %s WHERE id = %s", (Jsonb(snapshot), checkpoint.id)
    )
    with pytest.raises(DrillFailed) as failed:
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    found = drills.last_of(dev, [checkpoint.id])[checkpoint.id].findings
    assert "schema: public.ghosts removed" in found and "schema: column public.users.name added" in found
    assert "public.ghosts removed" in str(failed.value)


def test_rows_that_differ_from_the_record_fail_the_drill(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    recorded = catalog.row_counts_of(dev.registry, checkpoint.id)
    recorded["public.users"]["rows"] = 31
    recorded["public.events"]["rows"] = 90000
    recorded["public.gone"] = {"rows": 1, "exact": True}
    with_control(dev, "UPDATE admin_checkpoints SET row_counts = %s WHERE id = %s", (Jsonb(recorded), checkpoint.id))
    with pytest.raises(DrillFailed):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    found = drills.last_of(dev, [checkpoint.id])[checkpoint.id].findings
    assert "public.users: 31 rows at the checkpoint, 30 restored" in found
    assert "public.gone is missing from the restored copy" in found
    assert any(line.startswith("public.events: about 90,000 rows at the checkpoint, about ") for line in found)


def test_only_admins_drill_and_only_ready_checkpoints_of_the_branch(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    with pytest.raises(NotAllowed):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=viewer("v"))
    with pytest.raises(checkpoints.CheckpointNotFound, match="belongs to the Development branch"):
        checkpoints.drill(dev, "prod", checkpoint.id, actor=ME)
    catalog.update(dev.registry, checkpoint.id, status="failed")
    with pytest.raises(OperationRefused, match="is failed, not ready"):
        checkpoints.drill(dev, "dev", checkpoint.id, actor=ME)
    assert [a.outcome for a in actions(dev) if a.action == "checkpoint.drill"] == ["refused"] * 3
    assert drills.last_of(dev, [checkpoint.id]) == {}


def test_a_drill_a_killed_process_left_is_settled_at_the_next_start(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="nightly", strategy="dump")
    scratch = f"{server_admin.database_of(dev.registry.url('dev'))}_drill_{checkpoint.id}_dead"
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        server_admin.create(conn, scratch)
    with_control(
        dev,
        "INSERT INTO checkpoint_drills (checkpoint_id, requested_by, scratch) VALUES (%s, 'tester', %s)",
        (checkpoint.id, scratch),
    )
    assert scratch_databases(dev, "dev") == {scratch}
    recover(dev)
    assert scratch_databases(dev, "dev") == set()
    assert drills.last_of(dev, [checkpoint.id])[checkpoint.id].outcome == "interrupted"
    settled = [a for a in actions(dev) if a.action == "checkpoint.recover"][-1].details["settled"]
    assert any(scratch in line for line in settled)
