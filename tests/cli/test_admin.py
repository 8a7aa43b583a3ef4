"""``dbadmin token``, ``dbadmin login-link`` and ``dbadmin audit verify`` as an operator runs them."""

from __future__ import annotations

import psycopg

from tests.helpers import run_cli


def test_tokens_are_printed_once_listed_without_their_value_and_revoked(env):
    made = run_cli("token", "create", "--name", "release pipeline", "--role", "admin", env=env)
    assert made.returncode == 0, made.stderr
    raw = made.stdout.strip()
    assert raw.startswith("dbadmin_") and "store it now" in made.stderr and raw not in made.stderr
    listed = run_cli("token", "list", env=env)
    assert "release pipeline" in listed.stdout and "admin" in listed.stdout and raw not in listed.stdout
    assert run_cli("token", "revoke", "1", env=env).stdout.startswith("revoked token #1")
    missing = run_cli("token", "revoke", "99", env=env)
    assert missing.returncode == 2 and "no API token #99" in missing.stderr
    bad_role = run_cli("token", "create", "--name", "x", "--role", "root", env=env)
    assert bad_role.returncode == 2 and "unknown role 'root'" in bad_role.stderr


def test_login_link_is_for_local_mode_only(env):
    link = run_cli("login-link", "--port", "8099", env=env)
    assert link.returncode == 0 and link.stdout.startswith("http://127.0.0.1:8099/admin/auth/local?ticket=")
    with_provider = env | {"OIDC_ISSUER": "https://id.example.test", "OIDC_CLIENT_ID": "x", "ADMIN_EMAILS": "a@b.test"}
    refused = run_cli("login-link", env=with_provider)
    assert refused.returncode == 2 and "OIDC_ISSUER: is set" in refused.stderr


def test_audit_verify_finds_an_edited_row(env):
    assert run_cli("token", "create", "--name", "one", env=env).returncode == 0  # a few audited actions
    assert run_cli("token", "create", "--name", "two", env=env).returncode == 0
    intact = run_cli("audit", "verify", env=env)
    assert intact.returncode == 0 and intact.stdout.startswith("audit log intact: 2 rows; head #2 ")
    with psycopg.connect(env["ADMIN_DATABASE_URL"], autocommit=True) as conn:  # as a superuser could
        conn.execute("ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_no_update_delete")
        first = conn.execute("SELECT min(id) FROM admin_actions").fetchone()[0]
        conn.execute("UPDATE admin_actions SET actor = 'someone else' WHERE id = %s", (first,))
    broken = run_cli("audit", "verify", env=env)
    assert broken.returncode == 1
    assert broken.stdout.startswith(f"audit log BROKEN at row #{first}: its content was changed")
