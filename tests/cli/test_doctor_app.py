"""``dbadmin doctor --app PATH``: a sample application with planted findings (each marked ``# finding:
<kind>`` on its line) is reported file:line by file:line, and nothing else is."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from dbadmin.services.adoption import app_scan
from tests.helpers import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "sample_app"
DEV, PROD = "postgresql://app:pw@127.0.0.1:5432/shop_dev", "postgresql://app:pw@127.0.0.1:5432/shop_prod"


@pytest.fixture
def sample(tmp_path) -> Path:
    folder = tmp_path / "app"
    shutil.copytree(SAMPLE, folder)
    (folder / "dot-env").rename(folder / ".env")  # kept out of the repository's own .env handling
    return folder


def planted(folder: Path) -> set[tuple[str, int, str]]:
    marks = set()
    for path in folder.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if match := re.search(r"# finding: (\w+)", line):
                marks.add((str(path.relative_to(folder)), number, match[1]))
    return marks


def test_each_planted_finding_is_listed_with_its_file_and_line_and_nothing_else(sample, databases):
    env = {
        "DEV_DATABASE_URL": DEV,
        "PROD_DATABASE_URL": PROD,
        "ADMIN_DATABASE_URL": databases.new("control"),
        "DATABASE_URL": "postgresql://app:pw@10.0.0.9:5432/legacy",
    }
    done = run_cli("doctor", "--app", str(sample), env=env, cwd=sample.parent)
    assert done.returncode == 1, done.stderr
    expected = planted(sample) | {(".env", 2, "shadowing_url"), ("environment", 0, "shadowing_url")}
    reported = {tuple(re.match(r"(.+?):(\d+): (\w+):", line).groups()) for line in done.stdout.splitlines()[:-1]}
    assert {(file, int(line), kind) for file, line, kind in reported} == expected
    assert len(expected) == 13 and done.stdout.splitlines()[-1] == f"13 findings in {sample}"
    assert "DATABASE_URL names db.internal:5432/shop, which is neither branch" in done.stdout
    assert "secret" not in done.stdout and "pw@" not in done.stdout  # locations, never credentials
    assert "hunter2" not in done.stdout and "ALTER ROLE shop PASSWORD '…'" in done.stdout

    as_json = run_cli("doctor", "--app", str(sample), "--json", env=env, cwd=sample.parent)
    assert as_json.returncode == 1
    assert {(f["file"], f["line"], f["kind"]) for f in json.loads(as_json.stdout)} == expected


def test_a_clean_application_passes(tmp_path):
    (tmp_path / "app.py").write_text('QUERY = "SELECT 1"\nODD = "CREATE \\ud800"\n')
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")  # a broken link is skipped, not a crash
    (tmp_path / "binary.py").write_bytes(b"\x00\xff CREATE TABLE")
    done = run_cli("doctor", "--app", str(tmp_path), env={}, cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, f"0 findings in {tmp_path}")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (DEV, None),
        (PROD.replace("app:pw", "other"), "in a local .env names Production (127.0.0.1:5432/shop_prod)"),
        ("postgresql://app@db.internal/shop", "names db.internal:5432/shop, which is neither branch"),
        ("sqlite:///local.db", None),  # not PostgreSQL: nothing to compare
        (f"{DEV}  # the developer's own", None),  # an inline comment is not part of the value
    ],
)
def test_a_local_env_file_may_name_dev_but_never_prod_or_elsewhere(tmp_path, url, expected):
    (tmp_path / ".env").write_text(f"export DATABASE_URL='{url}'\n")
    found = app_scan.scan(tmp_path, branch_urls={"Development": DEV, "Production": PROD}, environ={})
    assert [(f.file, f.line, expected in f.message) for f in found] == ([(".env", 1, True)] if expected else [])


def test_a_linked_or_huge_env_file_is_skipped_and_said_so(tmp_path):
    """Security finding N7: a .env linked from outside the folder was read and its host printed, and a
    400 MiB one was read whole (25 s, 908 MB)."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secrets.env").write_text(f"DATABASE_URL='{PROD.replace('127.0.0.1', 'secret-host.internal')}'\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / ".env").symlink_to(outside / "secrets.env")
    done = run_cli("doctor", "--app", str(app), env={}, cwd=app)
    assert done.returncode == 0 and "secret-host" not in done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        ".env:0: skipped: not read: a link, not followed (it may lead out of the folder)",
        f"0 findings in {app}",
    ]
    (app / ".env").unlink()
    with (app / ".env").open("wb") as big:  # sparse: 400 MiB on paper, nothing on the disk
        big.truncate(400 * 2**20)
    found = app_scan.scan(app, branch_urls={"Development": DEV, "Production": PROD}, environ={})
    assert [(f.file, f.kind, f.message) for f in found] == [
        (".env", "skipped", f"not read: too large ({400 * 2**20} bytes; at most 1 MiB)")
    ]
    as_json = json.loads(run_cli("doctor", "--app", str(app), "--json", env={}, cwd=app).stdout)
    assert as_json == [{"file": ".env", "line": 0, "kind": "skipped", "message": found[0].message}]
