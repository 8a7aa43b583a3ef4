"""``doctor`` checks: what it reports on a healthy setup, a broken one and the embedded default."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from dbadmin.services import control_store, filesystems
from dbadmin.services.startup import open_context
from dbadmin.services.reports.doctor import Check, Level, run_checks
from tests.helpers import free_port


def by_name(checks):
    return {check.name: check for check in checks}


def test_healthy_configuration(databases, make_settings, pg_server):
    settings = make_settings(
        dev_database_url=databases.new(), prod_database_url=databases.new(), admin_database_url=databases.new("control")
    )
    checks = by_name(run_checks(settings))
    for name in (
        "control store",
        "Development branch",
        "Production branch",
        "distinct databases",
        "control store schema",
    ):
        assert checks[name].level is Level.OK, checks[name]
    assert checks["control store schema"].detail == f"at {control_store.head()}"
    assert checks["checkpoint strategies"] == Check(
        "checkpoint strategies", Level.OK, "Dev: clone, Prod: dump (registered: clone, dump, neon)"
    )
    assert checks["migrations"].level is Level.WARN and "MIGRATIONS is not set" in checks["migrations"].detail
    with psycopg.connect(pg_server) as conn:
        major = conn.execute("SELECT current_setting('server_version_num')::int / 10000").fetchone()[0]
    for tool in ("pg_dump", "pg_restore"):  # a client of the server's own major version is found
        assert checks[tool].level is Level.OK and f"({major}." in checks[tool].detail, checks[tool]


def test_broken_configuration_says_what_to_fix(databases, make_settings):
    down = f"postgresql://app:hunter2-secret@127.0.0.1:{free_port()}/shop"
    settings = make_settings(
        dev_database_url=databases.new(),
        prod_database_url=down,
        admin_database_url=databases.new(),
        pool_timeout=1,
        checkpoint_strategy_dev="snapshot",
    )
    checks = by_name(run_checks(settings))
    assert checks["checkpoint strategies"] == Check(
        "checkpoint strategies",
        Level.FAIL,
        "CHECKPOINT_STRATEGY_DEV: unknown checkpoint strategy 'snapshot'; use clone, dump or neon",
        "set it to one of: clone, dump, neon",
    )
    prod = checks["Production branch"]
    assert prod.level is Level.FAIL and "is unavailable" in prod.detail and "PROD_DATABASE_URL" in prod.fix
    assert (
        checks["control store schema"].level is Level.WARN
        and checks["control store schema"].detail == "not created yet"
    )
    assert all("hunter2-secret" not in f"{c.detail} {c.fix}" for c in checks.values())


def test_missing_prod_is_a_warning_not_a_failure(databases, make_settings):
    settings = make_settings(dev_database_url=databases.new(), admin_database_url=databases.new("control"))
    prod = by_name(run_checks(settings))["Production branch"]
    assert (prod.level, prod.detail, prod.fix) == (Level.WARN, "not configured", "set PROD_DATABASE_URL")


def test_embedded_default_before_and_while_running(make_settings, tmp_path):
    settings = make_settings(data_dir=tmp_path / "data")
    before = by_name(run_checks(settings))
    assert before["embedded data"].detail.endswith("not created yet, not running")
    assert "Development branch" not in before  # nothing to connect to, and doctor starts nothing
    with open_context(settings) as context:
        running = by_name(run_checks(settings))
        assert running["embedded data"].detail.endswith(f"running on 127.0.0.1:{context.embedded.port}")
        assert running["Development branch"].level is Level.OK
        assert running["migrations"].level is Level.OK and "head 0005" in running["migrations"].detail
        assert running["pg_dump"].level is Level.OK and "(18." in running["pg_dump"].detail
        assert running["Development migrations"].detail == (
            "at 0005: up to date; env.py: its own engine on the URL dbadmin gave it (sqlalchemy.url or DATABASE_URL)"
        )
        assert running["Production migrations"].detail == (
            "at 0004: 1 pending; env.py: its own engine on the URL dbadmin gave it (sqlalchemy.url or DATABASE_URL)"
        )


def test_doctor_says_whether_a_clone_shares_blocks_or_copies_bytes(databases, make_settings, pg_server):
    settings = make_settings(
        dev_database_url=databases.new(), prod_database_url=databases.new(), admin_database_url=databases.new("control")
    )
    finding = by_name(run_checks(settings))["dev: clone copies"]  # Dev's strategy is clone; Prod's (dump) says nothing
    assert "prod: clone copies" not in by_name(run_checks(settings))
    with psycopg.connect(pg_server) as conn:
        folder = conn.execute("SHOW data_directory").fetchone()[0]
        major = conn.info.server_version // 10000
    expected = filesystems.reflinks(Path(folder))
    assert expected.filesystem in finding.detail and folder in finding.detail
    if expected.supported and major >= 18:
        assert finding.level is Level.OK and finding.detail.startswith("copy-on-write")
    elif expected.supported:
        assert finding.level is Level.WARN and f"PostgreSQL {major} copies every byte" in finding.detail
    else:
        assert finding.level is Level.OK and finding.detail.startswith("byte copies")


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mkfs.xfs") is None, reason="needs root and xfsprogs to loop-mount an XFS image"
)
def test_reflinks_are_told_apart_on_xfs_and_ext4(tmp_path):
    image, mount = tmp_path / "xfs.img", tmp_path / "mnt"
    mount.mkdir()
    image.touch()
    os.truncate(image, 320 * 2**20)  # sparse; the smallest XFS mkfs.xfs makes is 300 MiB
    subprocess.run(["mkfs.xfs", "-q", "-f", "-m", "reflink=1", str(image)], check=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True)
    try:
        assert filesystems.reflinks(mount / "pgdata") == filesystems.Reflinks(True, f"xfs on {mount}")
    finally:
        subprocess.run(["umount", str(mount)], check=True)
    assert filesystems.reflinks(mount).supported is not True  # the folder itself, unmounted again
