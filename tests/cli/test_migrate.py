"""``dbadmin migrate ...`` as a pipeline or a person runs it: output, exit codes, confirmations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli


def test_workflow_from_status_to_promotion(env):
    status = run_cli("migrate", "status", "dev", "--check", env=env)
    assert status.returncode == 1 and "not under migrations yet" in status.stdout and "0005" in status.stdout
    up = run_cli("migrate", "up", "dev", "--steps", "2", "--reason", "try it", env=env)
    assert up.returncode == 0, up.stderr
    assert "Development: applied 0001, 0002; now at 0002" in up.stdout
    rest = run_cli("migrate", "sql", "dev", env=env)  # 0003 indexes orders, a table already there: it locks writes
    assert "require-concurrent-index-creation" in rest.stderr  # lint on stderr, SQL alone on stdout
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "status", "dev", "--check", env=env).returncode == 0

    sql = run_cli("migrate", "sql", "prod", env=env)
    assert sql.returncode == 0 and sql.stdout.startswith("BEGIN;") and "CREATE TABLE users" in sql.stdout
    assert sql.stdout.count("COMMIT;") == 1  # one transaction, as the promotion runs
    assert "require-concurrent-index-creation" not in sql.stderr  # orders is created in the same transaction

    wrong = run_cli("migrate", "promote", "--confirm", "PROMOTE 4", env=env)
    assert wrong.returncode == 1 and "needs the exact phrase 'PROMOTE 5'" in wrong.stderr
    promoted = run_cli("migrate", "promote", "--confirm", "PROMOTE 5", env=env)
    assert promoted.returncode == 0, promoted.stderr
    assert "Production will receive 5 revision(s)" in promoted.stdout and "now at 0005" in promoted.stdout
    assert "All or nothing: the 5 revisions run in one transaction" in promoted.stdout

    history = run_cli("migrate", "history", "prod", env=env)
    assert history.returncode == 0 and history.stdout.count("(cli)") >= 5


def test_rollback_on_prod_needs_the_phrase(env):
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 5", env=env).returncode == 0
    refused = run_cli("migrate", "down", "prod", "--steps", "2", env=env)
    assert refused.returncode == 1 and "needs the exact phrase 'ROLLBACK 2'" in refused.stderr
    done = run_cli("migrate", "down", "prod", "--steps", "2", "--confirm", "ROLLBACK 2", env=env)
    assert done.returncode == 0 and "rolled back 0005, 0004; now at 0003" in done.stdout


def test_a_phrase_is_exact_and_a_wrong_one_is_refused_before_the_plan_is_printed(env):
    """Byte for byte, as the message shows it: 'PROMOTE 5 ' (a trailing space) is not the phrase, and a wrong
    phrase answers in one line, not with the plan first."""
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    for wrong in ("PROMOTE 5 ", " PROMOTE 5", "promote 5", "PROMOTE 9"):
        refused = run_cli("migrate", "promote", "--confirm", wrong, env=env)
        assert refused.returncode == 1 and "needs the exact phrase 'PROMOTE 5'" in refused.stderr, refused.stderr
        assert refused.stdout == "" and refused.stderr.count("\n") == 1, (refused.stdout, refused.stderr)
    assert "not under migrations yet" in run_cli("migrate", "status", "prod", env=env).stdout
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 5", env=env).returncode == 0
    refused = run_cli("migrate", "down", "prod", "--steps", "1", "--confirm", "ROLLBACK 1 ", env=env)
    assert refused.returncode == 1 and refused.stdout == "" and "got 'ROLLBACK 1 '" in refused.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("migrate", "status", "staging"), 2, "unknown branch 'staging'"),
        (("migrate", "down", "dev", "--steps", "abc"), 2, "steps must be a whole number"),
        (("migrate", "down", "dev", "--steps", "0"), 2, "steps must be at least 1"),
        (("migrate", "up", "dev", "--steps", "9"), 2, "steps must be at most 5"),
        (("migrate", "up", "prod"), 1, "promotion from Development only"),
        (("migrate", "new", " "), 2, "one-line message"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(env, args, code, message):
    result = run_cli(*args, env=env)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "not under migrations yet" in run_cli("migrate", "status", "dev", env=env).stdout


def test_an_async_env_py_from_the_command_line(databases):
    """Alembic's async template on asyncpg, run by `dbadmin migrate` (its own interpreter, its own event loop)."""
    project = Path(__file__).resolve().parents[1] / "projects" / "async_env" / "alembic.ini"
    env = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
        "MIGRATIONS": str(project),
    }
    up = run_cli("migrate", "up", "dev", env=env)
    assert up.returncode == 0, up.stderr
    assert "Development: applied p001, p002, p003, p004; now at p004" in up.stdout
    promoted = run_cli("migrate", "promote", "--confirm", "PROMOTE 4", env=env)
    assert promoted.returncode == 0 and "now at p004" in promoted.stdout, promoted.stderr
