"""Dump checkpoints kept in S3-compatible storage: a real S3 API server (moto's standalone server) on 127.0.0.1."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dbadmin.services import checkpoints, migrations
from dbadmin.services.checkpoints.stores import S3Store
from dbadmin.services.errors import CheckpointCorrupt
from tests.helpers import admin, free_port

boto3 = pytest.importorskip("boto3")
BUCKET = "dbadmin-checkpoints"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(endpoint, timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError("moto_server did not start")
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(10)


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def context(make_context, s3_endpoint, s3, tmp_path):
    made = make_context(
        checkpoint_s3_bucket=BUCKET,
        checkpoint_s3_prefix="team/",
        checkpoint_s3_endpoint=s3_endpoint,
        checkpoint_dir=tmp_path / "staging",
    )
    migrations.upgrade(made, "dev", actor=admin("t"))
    with made.registry.connection("dev") as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('kept@x.test', 'k')")
    return made


def users(context) -> list[str]:
    with context.registry.connection("dev") as conn:
        return [r[0] for r in conn.execute("SELECT email FROM users ORDER BY id")]


def test_create_restore_delete_through_s3(context, s3, tmp_path):
    checkpoint = checkpoints.create(context, "dev", actor=admin("t"), label="to s3", strategy="dump")
    key = checkpoint.reference.removeprefix(f"s3://{BUCKET}/")
    assert re.fullmatch(rf"team/dev/{checkpoint.id}-[0-9a-f]{{8}}\.dump", key)  # a random part: never another's key
    head = s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == checkpoint.size_bytes > 0
    assert list((tmp_path / "staging").rglob("*.partial")) == []  # staged locally, then uploaded and removed
    with context.registry.connection("dev") as conn:
        conn.execute("DELETE FROM users")
    checkpoints.restore(context, "dev", checkpoint.id, actor=admin("t"))
    assert users(context) == ["kept@x.test"]
    assert list((tmp_path / "staging").rglob("*.restore")) == []  # the downloaded copy is gone too
    checkpoints.delete(context, "dev", checkpoint.id, actor=admin("t"))
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_damaged_object_is_refused(context, s3, damage):
    checkpoint = checkpoints.create(context, "dev", actor=admin("t"), label="to s3", strategy="dump")
    key = checkpoint.reference.removeprefix(f"s3://{BUCKET}/")
    if damage == "corrupt":
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"PGDMP not really")
    else:
        s3.delete_object(Bucket=BUCKET, Key=key)
    with context.registry.connection("dev") as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('new@x.test', 'n')")
    with pytest.raises(CheckpointCorrupt, match="checksum" if damage == "corrupt" else "is missing"):
        checkpoints.restore(context, "dev", checkpoint.id, actor=admin("t"))
    assert users(context) == ["kept@x.test", "new@x.test"]


def test_staged_and_downloaded_archives_are_private(context, s3, tmp_path, monkeypatch, usual_umask):
    """Security finding F3: a dump is a full copy of the branch; other users of the host must not read it."""
    staging = tmp_path / "staging"
    modes: dict[str, int] = {}
    real_fetch = S3Store.fetch

    def fetch_and_look(self, reference):
        fetched = real_fetch(self, reference)
        modes["download"], modes["download folder"] = (
            fetched.stat().st_mode & 0o777,
            fetched.parent.stat().st_mode & 0o777,
        )
        return fetched

    monkeypatch.setattr(S3Store, "fetch", fetch_and_look)
    checkpoint = checkpoints.create(context, "dev", actor=admin("t"), label="private", strategy="dump")
    assert (staging / "staging").stat().st_mode & 0o777 == 0o700
    checkpoints.restore(context, "dev", checkpoint.id, actor=admin("t"))
    assert modes == {"download": 0o600, "download folder": 0o700}
