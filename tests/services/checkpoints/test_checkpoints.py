"""Checkpoints on real databases: both strategies, restore by swap, undo, guardrails, recovery."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from dbadmin.services.checkpoints import catalog
from dbadmin.services.checkpoints.strategies import swap
from dbadmin.services import checkpoints, dburl, migrations, server_admin
from dbadmin.services.reports import compare
from dbadmin.services.operations import oplock
from dbadmin.services.checkpoints.strategies.swap import checkpoint_database
from dbadmin.services.errors import (
    BranchBusy,
    Cancelled,
    CheckpointCorrupt,
    CheckpointFailed,
    ConfigError,
    ConfirmationRequired,
    InvalidInput,
    NameTaken,
    OperationRefused,
)
from dbadmin.services.embedded import example_migrations
from dbadmin.services.recovery import recover_all as recover
from dbadmin.services.startup import open_context
from dbadmin.services.branch import Branch
from tests.alembic_projects import write_project
from tests.helpers import actions, admin, tables

ME = admin("tester")


def rows(context, branch, sql="SELECT email FROM users ORDER BY id") -> list:
    with context.registry.connection(branch) as conn:
        return [r[0] for r in conn.execute(sql)]


def add_user(context, branch, email: str) -> None:
    with context.registry.connection(branch) as conn:
        conn.execute("INSERT INTO users (email, name) VALUES (%s, 'x')", (email,))


def database_exists(context, branch, name: str) -> bool:
    with server_admin.maintenance(context.registry.url(branch)) as conn:
        return server_admin.exists(conn, name)


@pytest.fixture
def dev(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    add_user(shop, "dev", "first@example.test")
    return shop


@pytest.mark.parametrize("strategy", ["clone", "dump"])
def test_create_restore_and_undo_on_dev(dev, strategy):
    checkpoint = checkpoints.create(
        dev, "dev", actor=ME, label="before experiment", notes="try things", strategy=strategy
    )
    assert (checkpoint.status, checkpoint.strategy, checkpoint.revision, checkpoint.created_by) == (
        "ready",
        strategy,
        "0005",
        ME.name,
    )
    assert checkpoint.size_bytes > 0 and checkpoint.expires_at > checkpoint.created_at
    add_user(dev, "dev", "second@example.test")
    with dev.registry.connection("dev") as conn:
        conn.execute("DROP TABLE products")

    before = checkpoints.restore(dev, "dev", checkpoint.id, actor=ME, reason="experiment failed")
    assert rows(dev, "dev") == ["first@example.test"] and "products" in tables(dev, "dev")
    assert (before.status, before.label, before.strategy) == ("ready", f"before restore of #{checkpoint.id}", "clone")

    checkpoints.restore(dev, "dev", before.id, actor=ME)  # undo the restore
    assert rows(dev, "dev") == ["first@example.test", "second@example.test"] and "products" not in tables(dev, "dev")
    listed = [c.id for c in checkpoints.list_for_branch(dev, "dev")]
    assert checkpoint.id in listed and before.id in listed and listed == sorted(listed, reverse=True)
    restore_rows = [a for a in actions(dev) if a.action == "checkpoint.restore"]
    assert [a.outcome for a in restore_rows] == ["ok", "ok"]
    assert restore_rows[0].details["unavailable_ms"] >= 0 and restore_rows[0].reason == "experiment failed"


def test_clone_checkpoint_is_a_fenced_off_database(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="c", strategy="clone")
    database = server_admin.database_of(dev.registry.url("dev"))
    assert re.fullmatch(rf"{database}__ckpt_{checkpoint.id}_[0-9a-f]{{8}}", checkpoint.reference)  # unique per server
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        allowed = conn.execute(
            "SELECT datallowconn FROM pg_database WHERE datname = %s", (checkpoint.reference,)
        ).fetchone()
    assert allowed == (False,)
    created = [a for a in actions(dev) if a.action == "checkpoint.create"][-1]
    assert created.details["unavailable_ms"] >= 0 and created.details["strategy"] == "clone"
    with server_admin.maintenance(dev.registry.url("dev")) as conn:  # PostgreSQL 18 clones, older servers copy
        expected = "clone" if server_admin.server_major(conn) >= 18 else "copy"
    assert created.details["copy_method"] == expected


def test_dump_checkpoint_has_a_checksummed_archive(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="dump")
    archive = Path(checkpoint.reference)
    assert archive.is_file() and not archive.with_suffix(".partial").exists()
    assert checkpoint.checksum == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert checkpoint.size_bytes == archive.stat().st_size


def test_prod_restore_needs_the_phrase(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    migrations.promote(shop, actor=ME, confirm="PROMOTE 5")
    add_user(shop, "prod", "customer@example.test")
    checkpoint = checkpoints.create(shop, "prod", actor=ME, label="nightly")
    assert checkpoint.strategy == "dump"  # Prod's default: online, no downtime
    add_user(shop, "prod", "late@example.test")
    for wrong in (None, "", f"RESTORE {checkpoint.id + 1}", f"restore {checkpoint.id}"):
        with pytest.raises(ConfirmationRequired, match=f"RESTORE {checkpoint.id}"):
            checkpoints.restore(shop, "prod", checkpoint.id, actor=ME, confirm=wrong)
    assert rows(shop, "prod") == ["customer@example.test", "late@example.test"]
    checkpoints.restore(shop, "prod", checkpoint.id, actor=ME, confirm=f"RESTORE {checkpoint.id}")
    assert rows(shop, "prod") == ["customer@example.test"]
    outcomes = [a.outcome for a in actions(shop) if a.action == "checkpoint.restore"]
    assert outcomes == ["refused"] * 4 + ["ok"]


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_damaged_archive_is_refused_and_the_branch_kept(dev, damage):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="dump")
    archive = Path(checkpoint.reference)
    if damage == "corrupt":
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        archive.write_bytes(bytes(data))
    else:
        archive.unlink()
    add_user(dev, "dev", "kept@example.test")
    with pytest.raises(CheckpointCorrupt, match="checksum" if damage == "corrupt" else "is missing"):
        checkpoints.restore(dev, "dev", checkpoint.id, actor=ME)
    assert rows(dev, "dev") == ["first@example.test", "kept@example.test"]
    assert actions(dev)[-1].outcome == "failed"


def test_unknown_ids_and_ids_of_another_branch(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="clone")
    for bad, message in (
        (99999, "no checkpoint #99999"),
        ("x1", "must be a number"),
        (checkpoint.id, "belongs to the Development branch"),
    ):
        with pytest.raises(catalog.CheckpointNotFound, match=message):
            checkpoints.restore(dev, "prod", bad, actor=ME, confirm=f"RESTORE {bad}")
    with pytest.raises(catalog.CheckpointNotFound):
        checkpoints.delete(dev, "prod", checkpoint.id, actor=ME)
    assert [a.outcome for a in actions(dev)[-4:]] == ["refused"] * 4


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "needs a label"),
        ("   ", "needs a label"),
        ("x" * 201, "at most 200"),
        ("a\nb", "control characters"),
        ("tab\there", "control characters"),
        ("before \u202egnp.exe", "invisible formatting"),
        ("prod\u200bbackup", "invisible formatting"),  # F4: display spoofing
        ("\u2066isolate\u2069", "invisible formatting"),
        ("\ufeffbom", "invisible formatting"),
    ],
)
def test_bad_labels_are_refused_before_anything_is_made(dev, label, message):
    with pytest.raises(InvalidInput, match=message):
        checkpoints.create(dev, "dev", actor=ME, label=label)
    assert checkpoints.list_for_branch(dev, "dev") == []
    assert actions(dev)[-1].outcome == "refused"


def test_unwritable_store_fails_clearly_and_leaves_no_ready_entry(make_context, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    context = make_context(checkpoint_dir=blocker / "store")
    with pytest.raises(CheckpointFailed, match="is not writable"):
        checkpoints.create(context, "dev", actor=ME, label="d", strategy="dump")
    [entry] = checkpoints.list_for_branch(context, "dev")
    assert entry.status == "failed" and "is not writable" in entry.error


@pytest.mark.parametrize("strategy", ["clone", "dump"])
def test_delete_removes_the_data(dev, strategy):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy=strategy)
    deleted = checkpoints.delete(dev, "dev", checkpoint.id, actor=ME)
    assert deleted.status == "deleted" and checkpoints.list_for_branch(dev, "dev") == []
    if strategy == "clone":
        assert not database_exists(dev, "dev", checkpoint.reference)
    else:
        assert not Path(checkpoint.reference).exists()
    with pytest.raises(catalog.CheckpointNotFound):
        checkpoints.restore(dev, "dev", checkpoint.id, actor=ME)


def test_clone_waits_for_other_sessions_or_ends_them(make_context):
    context = make_context(clone_sessions="wait", clone_wait=0.5)
    with psycopg.connect(context.registry.url("dev")) as other:
        with pytest.raises(OperationRefused, match="still has 1 other session"):
            checkpoints.create(context, "dev", actor=ME, label="c", strategy="clone")
        assert other.execute("SELECT 1").fetchone() == (1,)  # left alone
    assert checkpoints.list_for_branch(context, "dev")[0].status == "failed"
    with context.registry.connection("dev") as conn:  # the branch was reopened
        assert conn.execute("SELECT 1").fetchone() == (1,)

    terminating = make_context(clone_sessions="terminate")
    with psycopg.connect(terminating.registry.url("dev")) as other:
        checkpoint = checkpoints.create(terminating, "dev", actor=ME, label="c", strategy="clone")
        assert checkpoint.status == "ready"
        with pytest.raises(psycopg.OperationalError):
            other.execute("SELECT 1")


def test_create_and_migrate_at_once_on_one_branch(make_context, tmp_path):
    ini = write_project(tmp_path / "p", [{"id": "s1", "down": None, "up": "SELECT pg_sleep(2)"}])
    context = make_context(ini)
    migrating = threading.Thread(target=migrations.upgrade, args=(context, "dev"), kwargs={"actor": admin("alice")})
    migrating.start()
    deadline = time.monotonic() + 10
    while oplock.holder(context.registry, "dev") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(BranchBusy, match="busy: migrate.up by alice since"):
        checkpoints.create(context, "dev", actor=admin("bob"), label="during migration")
    migrating.join()
    assert checkpoints.create(context, "dev", actor=admin("bob"), label="after migration").revision == "s1"


def half_restore(context, checkpoint):
    """The catalog and journal rows a restore writes before it builds its copy, as a killed one leaves them."""
    database = server_admin.database_of(context.registry.url("dev"))
    before = catalog.insert(
        context.registry,
        label="before restore",
        notes=None,
        actor=ME.name,
        branch=Branch.DEV,
        strategy="clone",
        revision=None,
        retention_days=7,
    )
    previous, aside = checkpoint_database(database, before.id), f"{database}__restore_{before.id}"
    catalog.update(context.registry, before.id, reference=previous)
    journal = catalog.journal_start(
        context.registry,
        branch=Branch.DEV,
        checkpoint_id=checkpoint.id,
        database=database,
        aside=aside,
        previous=previous,
    )
    return database, before, aside, previous, journal


def test_interrupted_restore_before_the_swap_is_rolled_back(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="clone")
    database, before, aside, _, _ = half_restore(dev, checkpoint)
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        server_admin.create(conn, aside, template=checkpoint.reference)
        server_admin.allow_connections(conn, database, False)  # killed in the middle of the fence
    dev.registry.close()
    recover(dev)
    assert not database_exists(dev, "dev", aside)
    assert rows(dev, "dev") == ["first@example.test"]  # reachable again, unchanged
    assert catalog.get(dev.registry, before.id).status == "failed"
    assert catalog.unfinished_journal(dev.registry, Branch.DEV) == []
    assert actions(dev)[-1].action == "checkpoint.recover"


def test_interrupted_restore_after_the_swap_is_finished(dev):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="clone")
    add_user(dev, "dev", "after@example.test")
    database, before, aside, previous, journal = half_restore(dev, checkpoint)
    catalog.journal_step(dev.registry, journal, "swapping")
    dev.registry.close()
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        server_admin.create(conn, aside, template=checkpoint.reference)
        server_admin.allow_connections(conn, database, False)
        server_admin.swap(conn, current=database, replacement=aside, keep_as=previous)  # killed right after
    recover(dev)
    assert rows(dev, "dev") == ["first@example.test"]
    assert catalog.get(dev.registry, before.id).status == "ready"
    checkpoints.restore(dev, "dev", before.id, actor=ME)
    assert rows(dev, "dev") == ["first@example.test", "after@example.test"]


def test_killed_clone_create_reopens_the_branch(dev):
    row = catalog.insert(
        dev.registry,
        label="c",
        notes=None,
        actor=ME.name,
        branch=Branch.DEV,
        strategy="clone",
        revision=None,
        retention_days=7,
    )
    database = server_admin.database_of(dev.registry.url("dev"))
    reference = checkpoint_database(database, row.id)
    catalog.update(dev.registry, row.id, reference=reference)
    dev.registry.close()
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        server_admin.allow_connections(conn, database, False)
        server_admin.create(conn, reference, template=database)
    recover(dev)
    assert rows(dev, "dev") == ["first@example.test"]
    assert not database_exists(dev, "dev", reference)
    assert catalog.get(dev.registry, row.id).status == "failed"


@pytest.mark.parametrize("strategy", ["clone", "dump"])
def test_prune_deletes_expired_checkpoints_but_never_a_branchs_newest(make_context, strategy):
    context = make_context(checkpoint_retention_days=0.5 / 86400)  # expires half a second after creation
    made = [checkpoints.create(context, "dev", actor=ME, label=f"c{i}", strategy=strategy) for i in range(3)]
    time.sleep(0.6)
    pruned = checkpoints.prune(context, actor=ME)
    assert sorted(c.id for c in pruned.deleted) == [made[0].id, made[1].id] and pruned.kept == []
    assert [c.id for c in checkpoints.list_for_branch(context, "dev")] == [made[2].id]
    if strategy == "dump":
        assert not Path(made[0].reference).exists() and Path(made[2].reference).exists()
    else:
        assert not database_exists(context, "dev", made[0].reference) and database_exists(
            context, "dev", made[2].reference
        )
    audit_row = [a for a in actions(context) if a.action == "checkpoint.prune" and a.branch == "dev"][-1]
    assert audit_row.details["freed_bytes"] == made[0].size_bytes + made[1].size_bytes


@pytest.mark.parametrize("strategy", ["clone", "dump"])
def test_diff_against_a_checkpoint_needs_no_restore(dev, strategy):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="before schema work", strategy=strategy)
    assert compare.since_checkpoint(dev, "dev", checkpoint.id).identical
    with dev.registry.connection("dev") as conn:
        conn.execute("ALTER TABLE users ADD COLUMN nickname text")
        conn.execute("DROP TABLE products")
        conn.execute("INSERT INTO users (email, name) SELECT 'u' || g || '@x.test', 'n' FROM generate_series(1, 100) g")
        conn.execute("ANALYZE users")
    result = compare.since_checkpoint(dev, "dev", checkpoint.id)
    described = {c.describe() for c in result.changes}
    assert described == {"column public.users.nickname added", "public.products removed"}
    assert result.rows["public.users"][1] == 101
    assert tables(dev, "dev") >= {"users", "orders"}  # nothing was restored


@pytest.fixture
def app_role_context(pg_server, make_settings, databases, tmp_path):
    """Dev owned by a role that may not create databases, as on many managed servers."""
    role = f"dbadmin_app_{uuid.uuid4().hex[:8]}"
    database = f"{role}_dev"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'app-secret' NOCREATEDB").format(
                psycopg.sql.Identifier(role)
            )
        )
        conn.execute(
            psycopg.sql.SQL("CREATE DATABASE {} OWNER {}").format(
                psycopg.sql.Identifier(database), psycopg.sql.Identifier(role)
            )
        )
    params = dburl.conninfo_to_dict(dburl.with_database(pg_server, database))
    url = f"postgresql://{role}:app-secret@{params['host']}:{params.get('port', 5432)}/{database}"
    settings = make_settings(
        dev_database_url=url,
        admin_database_url=databases.new("control"),
        migrations=example_migrations(),
        checkpoint_dir=tmp_path / "store",
    )
    try:
        with open_context(settings) as context:
            yield context
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(
                psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(database))
            )
            conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))


def test_role_without_createdb_restores_in_place_all_or_nothing(app_role_context):
    context = app_role_context
    migrations.upgrade(context, "dev", actor=ME)
    add_user(context, "dev", "first@example.test")
    with pytest.raises(CheckpointFailed, match="permission denied to create database"):
        checkpoints.create(context, "dev", actor=ME, label="c", strategy="clone")
    checkpoint = checkpoints.create(context, "dev", actor=ME, label="d", strategy="dump")
    add_user(context, "dev", "second@example.test")
    before = checkpoints.restore(context, "dev", checkpoint.id, actor=ME)
    assert rows(context, "dev") == ["first@example.test"]
    assert actions(context)[-1].details["method"] == "in place"
    assert (before.strategy, before.label) == ("dump", f"before restore of #{checkpoint.id}")
    checkpoints.restore(context, "dev", before.id, actor=ME)  # and back: undo works the same way
    assert rows(context, "dev") == ["first@example.test", "second@example.test"]


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 16 MiB tmpfs for the checkpoint store (root only: mounting needs it)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"needs to mount a small tmpfs (root): {result.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_store_without_room_is_refused_before_dumping(make_context, tiny_filesystem):
    (tiny_filesystem / "filler").write_bytes(b"\0" * (12 * 2**20))
    context = make_context(checkpoint_dir=tiny_filesystem / "store")
    with pytest.raises(CheckpointFailed, match=r"the checkpoint store has \d+ MiB free; the database is \d+ MiB"):
        checkpoints.create(context, "dev", actor=ME, label="d", strategy="dump")
    assert list((tiny_filesystem / "store").rglob("*.partial")) == []


def test_disk_full_during_a_dump_leaves_no_partial_archive(make_context, tiny_filesystem):
    context = make_context(checkpoint_dir=tiny_filesystem / "store")
    migrations.upgrade(context, "dev", actor=ME)
    with context.registry.connection("dev") as conn:  # enough rows that the archive outgrows what is left
        conn.execute(
            "INSERT INTO users (email, name) SELECT md5(g::text) || '@x.test', md5(random()::text) "
            "FROM generate_series(1, 20000) g"
        )
    filled = []

    def fill_the_disk(done, total, message):
        if not filled:  # the dump has started: take the rest of the space
            free = shutil.disk_usage(tiny_filesystem).free
            try:
                (tiny_filesystem / "filler").write_bytes(b"\0" * max(free - 64 * 1024, 0))
            except OSError:  # pg_dump wrote meanwhile and took the last of it: full either way
                pass
            filled.append(True)

    with pytest.raises(CheckpointFailed, match="pg_dump .* failed: .*No space left on device"):
        checkpoints.create(context, "dev", actor=ME, label="d", strategy="dump", progress=fill_the_disk)
    assert list((tiny_filesystem / "store").rglob("*")) == [tiny_filesystem / "store" / "dev"]
    [entry] = checkpoints.list_for_branch(context, "dev")
    assert entry.status == "failed" and "No space left on device" in entry.error


def test_progress_is_reported_and_a_cancelled_dump_cleans_up(dev):
    seen = []
    made = checkpoints.create(dev, "dev", actor=ME, label="d", strategy="dump", progress=lambda *p: seen.append(p))
    assert made.status == "ready" and seen and all(len(p) == 3 for p in seen)
    cancel = threading.Event()
    with pytest.raises(Cancelled, match="pg_dump was cancelled"):
        checkpoints.create(
            dev, "dev", actor=ME, label="cancelled", strategy="dump", cancel=cancel, progress=lambda *p: cancel.set()
        )
    cancelled = checkpoints.list_for_branch(dev, "dev")[0]
    assert (cancelled.label, cancelled.status) == ("cancelled", "failed")
    assert not Path(cancelled.reference).exists() and not Path(cancelled.reference).with_suffix(".partial").exists()
    assert actions(dev)[-1].outcome == "interrupted"


KILLER = """
import sys
from dbadmin.config import load_settings
from dbadmin.services import checkpoints
from dbadmin.services.startup import open_context
from dbadmin.services.operations.access import Principal, Role
settings = load_settings(_env_file=None, dev_database_url=sys.argv[1], admin_database_url=sys.argv[2],
                         checkpoint_dir=sys.argv[3], migrations=sys.argv[4])
with open_context(settings) as context:
    checkpoints.create(context, "dev", actor=Principal("doomed", Role.ADMIN, "test"), label="killed", strategy="clone")
"""


def test_a_process_killed_while_cloning_is_settled_at_the_next_start(dev):
    """A real SIGKILL while the branch is fenced off and its copy is running on the server."""
    with dev.registry.connection("dev") as conn:  # big enough that the copy takes a moment
        conn.execute("CREATE TABLE filler AS SELECT g, md5(g::text) AS m FROM generate_series(1, 2000000) g")
    add_user(dev, "dev", "second@example.test")
    settings = dev.settings
    dev.registry.close()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLER,
            settings.dev_database_url.get_secret_value(),
            settings.admin_database_url.get_secret_value(),
            str(settings.checkpoint_path),
            str(settings.migrations),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    database = server_admin.database_of(dev.registry.url("dev"))

    def fenced_off() -> bool:
        with server_admin.maintenance(dev.registry.url("dev")) as conn:
            return conn.execute("SELECT NOT datallowconn FROM pg_database WHERE datname = %s", (database,)).fetchone()[
                0
            ]

    deadline = time.monotonic() + 60
    while not fenced_off():
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the clone never started"
        time.sleep(0.02)
    process.kill()
    process.wait(10)

    recover(dev)  # what the next start does
    assert rows(dev, "dev") == ["first@example.test", "second@example.test"]  # reopened and intact
    [killed] = catalog.list_for_branch(dev.registry, Branch.DEV, statuses=("creating", "ready", "failed"))
    assert (killed.label, killed.status) == ("killed", "failed")
    with server_admin.maintenance(dev.registry.url("dev")) as conn:  # the server's copy was ended and removed
        leftovers = [
            r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{database}%",))
        ]
    assert leftovers == [database]


def test_expected_unavailability_is_said_before_a_checkpoint(dev):
    dump = checkpoints.expected_unavailability(dev, "dev", "dump")
    assert dump.seconds == 0 and "stays online" in dump.explanation
    first = checkpoints.expected_unavailability(dev, "dev", "clone")
    assert first.seconds is None and "measured after the first clone" in first.explanation
    checkpoints.create(dev, "dev", actor=ME, label="measure", strategy="clone")
    measured = checkpoints.expected_unavailability(dev, "dev")  # Dev's default strategy is clone
    assert measured.strategy == "clone" and measured.seconds > 0 and "at the last measured" in measured.explanation
    with pytest.raises(InvalidInput):
        checkpoints.expected_unavailability(dev, "dev", "snapshot")


def test_a_default_strategy_that_is_not_registered_stops_start_up_before_any_connection(make_settings, tmp_path):
    nowhere = "postgresql://postgres@127.0.0.1:1"  # nothing listens: start-up must stop before trying
    settings = make_settings(
        dev_database_url=f"{nowhere}/dev",
        prod_database_url=f"{nowhere}/prod",
        admin_database_url=f"{nowhere}/control",
        checkpoint_strategy_prod="snapshot",
        data_dir=tmp_path / "data",
    )
    with pytest.raises(ConfigError) as refused:
        with open_context(settings):
            pass
    assert (
        str(refused.value)
        == "CHECKPOINT_STRATEGY_PROD: unknown checkpoint strategy 'snapshot'; use clone, dump or neon"
    )


# -- names that never collide ------------------------------------------------------------------


@pytest.fixture
def someone_elses(dev):
    """A database another dbadmin (or an earlier control store) left on the server; dropped afterwards."""
    name = f"another_dbadmins_{uuid.uuid4().hex[:8]}"
    someone_elses_database(dev, name)
    yield name
    with server_admin.maintenance(dev.registry.url("dev")) as conn:
        server_admin.drop(conn, name)


def someone_elses_database(context, name: str) -> None:
    with server_admin.maintenance(context.registry.url("dev")) as conn:
        server_admin.create(conn, name)
    with psycopg.connect(dburl.with_database(context.registry.url("dev"), name), autocommit=True) as conn:
        conn.execute("CREATE TABLE theirs (id int); INSERT INTO theirs VALUES (42)")


def still_theirs(context, name: str) -> bool:
    with psycopg.connect(dburl.with_database(context.registry.url("dev"), name)) as conn:
        return conn.execute("SELECT id FROM theirs").fetchall() == [(42,)]


def test_two_checkpoints_never_share_a_name(dev):
    """Ids restart with a new control store; the random part keeps names apart anyway."""
    names = {checkpoint_database("shop", 1) for _ in range(50)}
    assert len(names) == 50 and all(len(name.encode()) <= 63 for name in names)
    long = checkpoint_database("x" * 63, 12345)
    assert len(long) == 63 and re.fullmatch(r"x+__ckpt_12345_[0-9a-f]{8}", long)


def test_a_clone_name_already_taken_is_one_line_and_changes_nothing(dev, someone_elses, monkeypatch):
    monkeypatch.setattr(swap, "checkpoint_database", lambda database, checkpoint_id: someone_elses)
    with pytest.raises(
        NameTaken, match=f"a database named {someone_elses} already exists on the server; nothing was changed"
    ) as refused:
        checkpoints.create(dev, "dev", actor=ME, label="collides", strategy="clone")
    assert "\n" not in str(refused.value)
    assert still_theirs(dev, someone_elses)  # never dropped, never written
    assert rows(dev, "dev") == ["first@example.test"]
    [failed] = [c for c in checkpoints.list_for_branch(dev, "dev") if c.label == "collides"]
    assert failed.status == "failed" and "already exists" in failed.error
    assert actions(dev)[-1].outcome == "failed"


def test_a_restore_whose_names_are_taken_changes_nothing(dev, someone_elses, monkeypatch):
    checkpoint = checkpoints.create(dev, "dev", actor=ME, label="good", strategy="clone")
    add_user(dev, "dev", "later@example.test")
    monkeypatch.setattr(swap, "checkpoint_database", lambda database, checkpoint_id: someone_elses)
    with pytest.raises(NameTaken, match=f"{someone_elses} already exists"):
        checkpoints.restore(dev, "dev", checkpoint.id, actor=ME)
    assert still_theirs(dev, someone_elses)
    assert rows(dev, "dev") == ["first@example.test", "later@example.test"]
    monkeypatch.undo()
    checkpoints.restore(dev, "dev", checkpoint.id, actor=ME)  # with its own names, the restore works
    assert rows(dev, "dev") == ["first@example.test"]


def test_dump_archives_are_private_files_in_private_folders(make_context, tmp_path, usual_umask):
    """Security finding F3: dumps were -rw-r--r-- in drwxr-xr-x folders, a copy of Prod for every local user."""
    context = make_context(checkpoint_dir=tmp_path / "store")
    migrations.upgrade(context, "dev", actor=ME)
    checkpoint = checkpoints.create(context, "dev", actor=ME, label="private", strategy="dump")
    archive = Path(checkpoint.reference)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700 and (tmp_path / "store").stat().st_mode & 0o777 == 0o700


def test_a_strategy_without_history_refuses_a_restore_to_a_time_in_one_line(dev):
    assert checkpoints.can_restore_to_time(dev, "dev") is False and checkpoints.history(dev, "dev") is None
    with pytest.raises(
        OperationRefused,
        match=r"^Development's checkpoint strategy \(clone\) keeps no history: it can only "
        r"restore to a checkpoint$",
    ):
        checkpoints.restore_to_time(dev, "dev", "14:32", actor=ME)
    assert rows(dev, "dev") == ["first@example.test"]
    refused = [a for a in actions(dev) if a.action == "checkpoint.restore"][-1]
    assert refused.outcome == "refused" and refused.details["to_time"] == "14:32"
