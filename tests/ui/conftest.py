"""Consoles the browser tests share: one served on its own databases, one behind a real OpenID provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dbadmin.services.embedded import example_migrations
from tests.fakes.oidc_provider import start_provider
from tests.helpers import Databases, Served, free_port, serve


@pytest.fixture
def console(databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    served = serve(
        urls | {"MIGRATIONS": str(example_migrations()), "CHECKPOINT_DIR": str(tmp_path / "store")},
        tmp_path / "serve.log",
    )
    yield served, urls
    assert served.stop() == 0


@pytest.fixture(scope="module")
def oidc_console(pg_server, templates, tmp_path_factory) -> Iterator[tuple[Served, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    databases = Databases(pg_server, templates, [])
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    with start_provider([f"http://127.0.0.1:{port}/admin/auth/callback"]) as provider:
        served = serve(
            urls
            | {
                "MIGRATIONS": str(example_migrations()),
                "CHECKPOINT_DIR": str(folder / "store"),
                "DBADMIN_DATA_DIR": str(folder / "data"),
                "OIDC_ISSUER": provider.issuer,
                "OIDC_CLIENT_ID": provider.client_id,
                "OIDC_CLIENT_SECRET": provider.client_secret,
                "OIDC_SCOPES": "openid email profile groups",
                "ADMIN_EMAILS": "admin@example.test,unverified-admin@example.test",
                "ADMIN_GROUPS": "dbadmin-admins",
                "VIEWER_EMAILS": "viewer@example.test",
                "DATA_ACCESS_PROD": "viewer",  # viewers browse Prod's rows, masked (test_data)
            },
            folder / "serve.log",
            port=port,
        )
        try:
            yield served, urls
        finally:
            assert served.stop() == 0
            output = served.output()
            assert "Traceback" not in output and provider.client_secret not in output
            databases.drop_all()
