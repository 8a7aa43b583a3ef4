"""Settings: every bad value gives one line naming the variable, and never repeats a secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbadmin.config import env_names, load_settings
from dbadmin.services.errors import ConfigError

SECRET = "s3cr3t-Pa55"
URL = f"postgresql://app:{SECRET}@db.example.test:5432/shop"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEV_DATABASE_URL", f"mysql://app:{SECRET}@host/db", "is not a PostgreSQL URL"),
        ("DEV_DATABASE_URL", f"postgresql://app:{SECRET}@host/db?nonsense=1", "is not a valid PostgreSQL URL"),
        ("PROD_DATABASE_URL", f"postgresql://app:{SECRET}@host:99999/db", "port that is not a number"),
        ("ADMIN_DATABASE_URL", f"postgresql://app:{SECRET}@host:5432", "names no database"),
        ("DB_SSL", "sometimes", "Input should be 'disable'"),
        ("MIGRATIONS", "/no/such/alembic.ini", "must be an alembic.ini file"),
        ("STATEMENT_TIMEOUT", "0", "greater than 0"),
        ("STATEMENT_TIMEOUT", "soon", "valid number"),
        ("POOL_MAX_SIZE", "0", "greater than or equal to 1"),
        ("DBADMIN_PORT", "http", "valid integer"),
        ("DBADMIN_PORT", "70000", "less than or equal to 65535"),
        ("DBADMIN_HOST", "0.0.0.0", "must be a loopback address"),
        ("EMBEDDED_POSTGRES_VERSION", "14", "Input should be 16 or 18"),
        ("REDIS_URL", f"http://:{SECRET}@cache:6379/0", "is not a Redis URL"),
        ("AFTER_RUN_HOOK", "not a hook", "must be written module.path:function"),
        ("CLONE_SESSIONS", "kill", "Input should be 'terminate' or 'wait'"),
        ("MIGRATION_LOCK_TIMEOUT", "-1", "greater than or equal to 0"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert expected in message
    assert "\n" not in message
    assert SECRET not in message


def test_branch_url_without_control_store_is_refused(monkeypatch):
    monkeypatch.setenv("DEV_DATABASE_URL", URL)
    with pytest.raises(ConfigError, match=r"^ADMIN_DATABASE_URL: required once a branch URL is set"):
        load_settings()


def test_identical_dev_and_prod_urls_are_refused(monkeypatch):
    monkeypatch.setenv("DEV_DATABASE_URL", URL)
    monkeypatch.setenv("PROD_DATABASE_URL", URL.replace("postgresql://", "postgres://"))
    monkeypatch.setenv("ADMIN_DATABASE_URL", URL.replace("/shop", "/dbadmin"))
    with pytest.raises(ConfigError, match="^PROD_DATABASE_URL: is the same URL as DEV_DATABASE_URL") as caught:
        load_settings()
    assert SECRET not in str(caught.value)


def test_control_store_sharing_a_branch_url_is_refused(monkeypatch):
    monkeypatch.setenv("PROD_DATABASE_URL", URL)
    monkeypatch.setenv("ADMIN_DATABASE_URL", URL)
    with pytest.raises(ConfigError, match="^ADMIN_DATABASE_URL: is the same URL as PROD_DATABASE_URL"):
        load_settings()


def test_several_bad_values_are_all_reported(monkeypatch):
    monkeypatch.setenv("DB_SSL", "sometimes")
    monkeypatch.setenv("DBADMIN_PORT", "http")
    message = str(pytest.raises(ConfigError, load_settings).value)
    assert "DB_SSL: " in message and "DBADMIN_PORT: " in message


def test_no_configuration_means_embedded():
    settings = load_settings()
    assert settings.embedded
    assert settings.host == "127.0.0.1"
    assert settings.data_dir == Path(".dbadmin")
    assert settings.checkpoint_path == Path(".dbadmin/checkpoints")


def test_real_configuration_is_read_from_env_and_normalized(monkeypatch):
    monkeypatch.setenv("DEV_DATABASE_URL", URL.replace("postgresql://", "postgresql+psycopg://"))
    monkeypatch.setenv("ADMIN_DATABASE_URL", URL.replace("/shop", "/dbadmin"))
    monkeypatch.setenv("DB_SSL", "require")
    settings = load_settings()
    assert not settings.embedded
    assert settings.dev_database_url.get_secret_value() == URL
    assert settings.prod_database_url is None
    assert settings.db_ssl == "require"
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert settings.secrets() == (SECRET,)


def test_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("DBADMIN_PORT=9123\nSTATEMENT_TIMEOUT=2.5\n")
    settings = load_settings()
    assert (settings.port, settings.statement_timeout) == (9123, 2.5)


def test_environment_beats_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("DBADMIN_PORT=9123\n")
    monkeypatch.setenv("DBADMIN_PORT", "9124")
    assert load_settings().port == 9124


def test_migrations_accepts_ini_or_script_directory(tmp_path):
    (tmp_path / "alembic.ini").write_text("[alembic]\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "env.py").write_text("")
    assert load_settings(migrations=tmp_path / "alembic.ini").migrations == tmp_path / "alembic.ini"
    assert load_settings(migrations=tmp_path).migrations == tmp_path
    assert load_settings(migrations=tmp_path / "scripts").migrations == tmp_path / "scripts"


def test_loopback_spellings_are_accepted():
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert load_settings(host=host).host == host


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"OIDC_ISSUER": "https://id.example.test"}, "OIDC_ISSUER and OIDC_CLIENT_ID: set both"),
        ({"OIDC_CLIENT_ID": "dbadmin"}, "OIDC_ISSUER and OIDC_CLIENT_ID: set both"),
        (
            {"OIDC_ISSUER": "https://id.example.test", "OIDC_CLIENT_ID": "dbadmin"},
            "ADMIN_EMAILS or ADMIN_GROUPS: required",
        ),
        (
            {"OIDC_ISSUER": "http://id.example.test", "OIDC_CLIENT_ID": "x", "ADMIN_EMAILS": "a@b"},
            "OIDC_ISSUER: must use https",
        ),
        (
            {"OIDC_ISSUER": "id.example.test", "OIDC_CLIENT_ID": "x", "ADMIN_EMAILS": "a@b"},
            "OIDC_ISSUER: must be the issuer's http(s) URL",
        ),
        ({"ACTION_RATE_LIMIT": "0"}, "ACTION_RATE_LIMIT: "),
        ({"SESSION_IDLE_MINUTES": "0"}, "SESSION_IDLE_MINUTES: "),
    ],
)
def test_login_settings_are_checked(monkeypatch, values, expected):
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_settings()


def test_a_public_address_needs_an_identity_provider(monkeypatch):
    monkeypatch.setenv("OIDC_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("DBADMIN_HOST", "0.0.0.0")
    with pytest.raises(ConfigError, match="unless OIDC login is configured"):
        load_settings()
    monkeypatch.setenv("OIDC_ISSUER", "https://id.example.test/")
    monkeypatch.setenv("OIDC_CLIENT_ID", "dbadmin")
    monkeypatch.setenv("ADMIN_GROUPS", "dbadmin-admins")
    monkeypatch.setenv("PUBLIC_URL", "https://ops.example.test")
    settings = load_settings()
    assert (settings.host, settings.login, settings.oidc_issuer) == ("0.0.0.0", "oidc", "https://id.example.test")
    assert SECRET in settings.secrets() and SECRET not in repr(settings)


def test_public_url_is_required_for_oidc_off_loopback(make_settings):
    with pytest.raises(ConfigError, match="PUBLIC_URL: required with OIDC_ISSUER"):
        make_settings(
            oidc_issuer="https://id.example.test", oidc_client_id="c", admin_emails="a@x.test", host="0.0.0.0"
        )
    settings = make_settings(
        oidc_issuer="https://id.example.test",
        oidc_client_id="c",
        admin_emails="a@x.test",
        host="0.0.0.0",
        public_url="https://ops.example.test/",
    )
    assert settings.public_url == "https://ops.example.test"
    with pytest.raises(ConfigError, match="PUBLIC_URL: must be the console's http"):
        make_settings(public_url="ops.example.test")


def test_every_setting_is_in_the_readme_and_only_those():
    """docs/configuration.md is the reference: a setting missing there does not exist for a user."""
    readme = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    first_cells = re.findall(r"^\| ([^|]*`[A-Z][A-Z0-9_]+`[^|]*) \|", readme, flags=re.MULTILINE)
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    assert documented == set(env_names())
