"""Every CLI command's failure paths, as a user meets them: a bad setting, a branch that is down, a
project whose env.py fails, input to refuse. Each must be one line on stderr, with no traceback
and no secret, and a non-zero exit code."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.helpers import free_port
from tests.helpers import run_cli

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
SECRET = "s3cret-password"

EVERY_COMMAND = [
    ("serve",),
    ("doctor",),
    ("login-link",),
    ("migrate", "status", "dev"),
    ("migrate", "history", "dev"),
    ("migrate", "drift"),
    ("migrate", "sql", "dev"),
    ("migrate", "up", "dev"),
    ("migrate", "down", "dev", "--steps", "1"),
    ("migrate", "promote", "--confirm", "PROMOTE 1"),
    ("migrate", "new", "add a thing"),
    ("migrate", "baseline", "dev", "--revision", "p001"),
    ("checkpoint", "create", "dev", "label"),
    ("checkpoint", "list", "dev"),
    ("checkpoint", "restore", "dev", "1", "--confirm", "RESTORE 1"),
    ("checkpoint", "diff", "1"),
    ("checkpoint", "delete", "1"),
    ("checkpoint", "prune"),
    ("token", "create", "--name", "ci", "--role", "admin"),
    ("token", "list"),
    ("token", "revoke", "1"),
    ("audit", "verify"),
]


def one_line(result, code: int | None = None) -> str:
    assert result.returncode != 0 and (code is None or result.returncode == code), (result.returncode, result.stderr)
    assert result.stderr.startswith("dbadmin: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr + result.stdout, result.stderr
    assert SECRET not in result.stderr + result.stdout
    return result.stderr


@pytest.mark.parametrize("args", EVERY_COMMAND, ids=" ".join)
def test_a_bad_setting(args):
    stderr = one_line(run_cli(*args, env={"DEV_DATABASE_URL": f"postgresql://app:{SECRET}@h:99999/db"}), code=2)
    assert "DEV_DATABASE_URL: has a port that is not a number" in stderr


BRANCH_COMMANDS = [
    ("migrate", "status", "dev"),
    ("migrate", "history", "dev"),
    ("migrate", "sql", "dev"),
    ("migrate", "up", "dev"),
    ("migrate", "down", "dev", "--steps", "1"),
    ("migrate", "promote", "--confirm", "PROMOTE 1"),
    ("migrate", "baseline", "dev", "--revision", "0001"),
    ("checkpoint", "create", "dev", "label"),
]


@pytest.mark.parametrize("args", BRANCH_COMMANDS, ids=" ".join)
def test_the_branch_is_down(env, args):
    down = f"postgresql://app:{SECRET}@127.0.0.1:{free_port()}/shop"
    stderr = one_line(run_cli(*args, env=env | {"DEV_DATABASE_URL": down}))
    assert "the Development branch (127.0.0.1:" in stderr and "is unavailable" in stderr


@pytest.mark.parametrize(
    "args",
    [
        ("migrate", "status", "dev"),
        ("migrate", "up", "dev"),
        ("migrate", "sql", "dev"),
        ("migrate", "baseline", "dev", "--revision", "p001"),
    ],
    ids=" ".join,
)
def test_an_env_py_that_reaches_another_database(env, databases, args):
    # creator=: a connection made past the handover, which the identity check refuses
    decoy = env | {"MIGRATIONS": str(PROJECTS / "creator_bypass" / "alembic.ini"), "APP_DATABASE_URL": databases.new()}
    stderr = one_line(run_cli(*args, env=decoy))
    assert "refused: env.py connected to" in stderr and "MIGRATIONS_ENV" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("migrate", "baseline", "dev", "--revision", "nope"), "unknown revision 'nope'"),
        (("migrate", "baseline", "prod", "--revision", "0001", "--confirm", "BASELINE 2"), "needs the exact phrase"),
        (("checkpoint", "restore", "dev", "999"), "999"),
        (("checkpoint", "diff", "abc"), "abc"),
        (("checkpoint", "create", "dev", "x", "--strategy", "teleport"), "teleport"),
        (("token", "revoke", "999"), "999"),
    ],
)
def test_input_to_refuse(env, args, message):
    assert message in one_line(run_cli(*args, env=env))


def test_a_project_that_cannot_be_loaded(env, tmp_path):
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("raise RuntimeError('no settings module')\n")
    (tmp_path / "migrations" / "versions" / "broken.py").write_text("revision = 'x'\ndown_revision = (\n")
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    stderr = one_line(run_cli("migrate", "status", "dev", env=env | {"MIGRATIONS": str(tmp_path / "alembic.ini")}))
    assert "cannot be loaded" in stderr and "SyntaxError" in stderr


@pytest.mark.parametrize(
    ("args", "action", "why"),
    [
        (("migrate", "promote", "--confirm", "PROMOTE 1"), "migrate.promote", "the settings module is missing"),
        (("migrate", "down", "prod", "--steps", "1", "--confirm", "ROLLBACK 1"), "migrate.down", "settings module"),
        # reading the revisions runs no env.py: there are none, so p001 is unknown
        (
            ("migrate", "baseline", "prod", "--revision", "p001", "--confirm", "BASELINE p001"),
            "migrate.baseline",
            "p001",
        ),
    ],
    ids=["promote", "down", "baseline"],
)
def test_an_attempt_on_a_project_that_does_not_load_is_audited(env, tmp_path, args, action, why):
    """The plan shown before the phrase cannot be made (env.py fails at import): the attempt and why it stopped
    are still an audit row, as any other attempt."""
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("raise RuntimeError('the settings module is missing')\n")
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    broken = env | {"MIGRATIONS": str(tmp_path / "alembic.ini")}
    stderr = one_line(run_cli(*args, env=broken))
    assert why in stderr
    with psycopg.connect(env["ADMIN_DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT outcome, details::text FROM admin_actions WHERE action = %s", [action]).fetchall()
    assert len(rows) == 1 and rows[0][0] in ("failed", "refused") and why in rows[0][1], rows
