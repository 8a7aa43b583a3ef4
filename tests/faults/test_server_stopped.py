"""Fault injection: the PostgreSQL server stops in the middle of an operation (an embedded server
of the test's own, stopped and started again). The operation fails cleanly, and dbadmin started
again on the restarted server finds the branch in its old state, the records truthful and the
lock free."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from dbadmin.config import load_settings
from dbadmin.services import checkpoints, migrations
from dbadmin.services.operations import oplock
from dbadmin.services.checkpoints import catalog
from dbadmin.services.startup import open_context
from dbadmin.services.embedded import EmbeddedPostgres
from dbadmin.services.errors import DBAdminError
from dbadmin.services.branch import Branch
from tests.alembic_projects import write_project
from tests.helpers import actions, admin, version


@pytest.fixture
def own_server():
    """A server of the test's own, outside pytest's folders (another pytest run on the machine prunes those)."""
    folder = Path(tempfile.mkdtemp(prefix="dbadmin-fault-pg-"))
    try:
        server = EmbeddedPostgres(folder / "pg")
        with server:
            server.ensure_databases("dev", "prod", "control")
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def settings_for(server, tmp_path, ini):
    return load_settings(
        _env_file=None,
        dev_database_url=server.url("dev"),
        prod_database_url=server.url("prod"),
        admin_database_url=server.url("control"),
        migrations=ini,
        checkpoint_dir=tmp_path / "store",
        pool_timeout=2,
    )  # a stopped server is noticed sooner


def stop_while(server: EmbeddedPostgres, call, *, after: float) -> BaseException | None:
    """Run ``call`` in a thread, stop the server ``after`` seconds in, start it again; what ``call`` raised."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            raised.append(exc)

    worker = threading.Thread(target=target)
    worker.start()
    time.sleep(after)
    port = server.port
    server._run("pg_ctl", "stop", "-D", str(server.pgdata), "-m", "fast", "-w")
    worker.join(60)
    # back on the same port, as a restarted production server would be (start() picks a free one)
    server._run("pg_ctl", "start", "-D", str(server.pgdata), "-w", "-l", str(server.log_file), "-o", f"-p {port}")
    return raised[0] if raised else None


def test_server_stopped_during_a_migration(own_server, tmp_path):
    ini = write_project(
        tmp_path / "p",
        [
            {"id": "s1", "down": None, "up": "CREATE TABLE t (id int)", "down_sql": "DROP TABLE t"},
            {"id": "s2", "down": "s1", "up": "SELECT pg_sleep(30)"},
        ],
    )
    settings = settings_for(own_server, tmp_path, ini)
    with open_context(settings) as context:
        migrations.upgrade(context, "dev", actor=admin("setup"), steps=1)
        failure = stop_while(own_server, lambda: migrations.upgrade(context, "dev", actor=admin("doomed")), after=2)
    assert failure is not None and "Traceback" not in str(failure)
    with open_context(settings) as again:  # dbadmin started again on the restarted server
        assert version(again, "dev") == ["s1"]  # s2 never committed
        assert oplock.holder(again.registry, "dev") is None
        runs = migrations.history(again, "dev").runs
        assert runs[0].revision == "s2" and runs[0].outcome in ("failed", "interrupted")
        outcomes = [(a.action, a.actor, a.outcome) for a in actions(again)]
        assert ("migrate.up", "doomed", "interrupted") in outcomes or ("migrate.up", "doomed", "failed") in outcomes
        assert migrations.upgrade(again, "dev", actor=admin("after")).after == ("s2",)  # and it works again


def test_server_stopped_during_a_dump_checkpoint(own_server, tmp_path):
    ini = write_project(tmp_path / "p", [{"id": "s1", "down": None, "up": "CREATE TABLE t (id int)"}])
    settings = settings_for(own_server, tmp_path, ini)
    with open_context(settings) as context:
        with context.registry.connection("dev") as conn:  # enough to dump for a few seconds
            conn.execute("CREATE TABLE filler AS SELECT g, md5(g::text) AS m FROM generate_series(1, 3000000) g")
        migrations.status(context, "dev")  # env.py has told where its version table is: the stop hits the dump
        failure = stop_while(
            own_server,
            lambda: checkpoints.create(context, "dev", actor=admin("doomed"), label="x", strategy="dump"),
            after=1.5,
        )
    assert isinstance(failure, DBAdminError), repr(failure)
    with open_context(settings) as again:
        assert catalog.list_for_branch(again.registry, Branch.DEV, statuses=("creating",)) == []
        [row] = catalog.list_for_branch(again.registry, Branch.DEV, statuses=("failed",))
        assert row.label == "x"
        assert list((tmp_path / "store").rglob("*.partial")) == [] and list((tmp_path / "store").rglob("*.dump")) == []
        assert oplock.holder(again.registry, "dev") is None
        with again.registry.connection("dev") as conn:
            assert conn.execute("SELECT count(*) FROM filler").fetchone()[0] == 3000000


def stopping_at(monkeypatch, server: EmbeddedPostgres, module, name: str) -> dict:
    """Make ``module.name`` stop the server the first time it is called (then let the call fail)."""
    original, port = getattr(module, name), {"port": server.port, "stopped": False}

    def stop_then_call(*args, **kwargs):
        if not port["stopped"]:
            port["stopped"] = True
            server._run("pg_ctl", "stop", "-D", str(server.pgdata), "-m", "fast", "-w")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, stop_then_call)
    return port


def start_again(server: EmbeddedPostgres, port: int) -> None:
    server._run("pg_ctl", "start", "-D", str(server.pgdata), "-w", "-l", str(server.log_file), "-o", f"-p {port}")


@pytest.mark.parametrize("step", ["_copy", "swap"])
def test_server_stopped_during_a_restore(own_server, tmp_path, monkeypatch, step):
    from dbadmin.services.checkpoints.strategies import clone
    from dbadmin.services import server_admin

    ini = write_project(
        tmp_path / "p", [{"id": "s1", "down": None, "up": "CREATE TABLE t (id int)", "down_sql": "DROP TABLE t"}]
    )
    settings = settings_for(own_server, tmp_path, ini)
    with open_context(settings) as context:
        migrations.upgrade(context, "dev", actor=admin("setup"))
        checkpoint = checkpoints.create(context, "dev", actor=admin("setup"), label="good", strategy="clone")
        migrations.downgrade(context, "dev", actor=admin("setup"), steps=1)
        module = clone if step == "_copy" else server_admin
        stopped = stopping_at(monkeypatch, own_server, module, step)
        with pytest.raises(DBAdminError):
            checkpoints.restore(context, "dev", checkpoint.id, actor=admin("doomed"))
        monkeypatch.undo()
    start_again(own_server, stopped["port"])
    with open_context(settings) as again:
        assert version(again, "dev") == []  # not restored: the server went away before the renames
        assert catalog.unfinished_journal(again.registry, Branch.DEV) == []
        assert catalog.list_for_branch(again.registry, Branch.DEV, statuses=("creating",)) == []
        assert oplock.holder(again.registry, "dev") is None
        with again.registry.connection("dev") as conn:
            databases = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert not [name for name in databases if "__restore_" in name]
        assert ("checkpoint.restore", "doomed", "interrupted") in [
            (a.action, a.actor, a.outcome) for a in actions(again)
        ]
        checkpoints.restore(again, "dev", checkpoint.id, actor=admin("after"))  # and it works once the server is back
        assert version(again, "dev") == ["s1"]


def test_server_stopped_during_a_promotion(own_server, tmp_path, monkeypatch):
    from dbadmin.services.migrations import runs as migration_runs

    ini = write_project(
        tmp_path / "p",
        [
            {"id": "s1", "down": None, "up": "CREATE TABLE t (id int)", "down_sql": "DROP TABLE t"},
            {"id": "s2", "down": "s1", "up": "CREATE TABLE u (id int)", "down_sql": "DROP TABLE u"},
        ],
    )
    settings = settings_for(own_server, tmp_path, ini)
    with open_context(settings) as context:
        migrations.upgrade(context, "dev", actor=admin("setup"))
        stopped = stopping_at(monkeypatch, own_server, migration_runs, "finish")  # inside the first revision
        with pytest.raises(DBAdminError):
            migrations.promote(context, actor=admin("doomed"), confirm="PROMOTE 2")
        monkeypatch.undo()
    start_again(own_server, stopped["port"])
    with open_context(settings) as again:
        assert version(again, "prod") == []  # the first revision's transaction never committed
        assert "running" not in {run.outcome for run in migrations.history(again, "prod").runs}
        assert oplock.holder(again.registry, "prod") is None
        assert ("migrate.promote", "doomed", "interrupted") in [(a.action, a.actor, a.outcome) for a in actions(again)]
        migrations.promote(again, actor=admin("after"), confirm="PROMOTE 2")
        assert version(again, "prod") == ["s2"]
