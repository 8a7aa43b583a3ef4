"""Branch registry: pools per branch, missing and unreachable branches, same-database refusal."""

from __future__ import annotations

import psycopg
import pytest

from dbadmin.services import dburl
from dbadmin.services.startup import open_context
from dbadmin.services.errors import BranchNotConfigured, BranchUnavailable, SameDatabase, UnknownBranch
from dbadmin.services.branch import Branch
from dbadmin.services.registry import Registry
from tests.helpers import free_port


def other_spelling(url: str) -> str:
    """The same database, spelled differently: another scheme, host name and an extra option."""
    params = dburl.conninfo_to_dict(url)
    assert params["host"] == "127.0.0.1", "the test servers listen on 127.0.0.1"
    return url.replace("postgresql://", "postgres://").replace("@127.0.0.1:", "@localhost:") + "?connect_timeout=7"


def tables_in(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            )
        ]


def test_branch_parse_accepts_names_and_refuses_others():
    assert Branch.parse(" PROD ") is Branch.PROD
    for bad in ("staging", "", "dev; drop table users", "dév"):
        with pytest.raises(UnknownBranch, match="use 'dev' or 'prod'"):
            Branch.parse(bad)


def test_pools_are_per_branch_and_reused(databases, make_settings):
    settings = make_settings(
        dev_database_url=databases.new(), prod_database_url=databases.new(), admin_database_url=databases.new("control")
    )
    registry = Registry(settings)
    try:
        assert registry.pool("dev") is registry.pool(Branch.DEV)
        assert registry.pool("dev") is not registry.pool("prod")
        with registry.connection("prod") as conn:
            assert (
                conn.execute("SELECT current_database()").fetchone()[0]
                == dburl.conninfo_to_dict(registry.url("prod"))["dbname"]
            )
            assert conn.execute("SELECT current_setting('application_name')").fetchone()[0] == "dbadmin"
    finally:
        registry.close()
    assert registry.pool("dev").closed is False  # a closed registry reopens lazily when asked again
    registry.close()


def test_missing_branch_is_reported_not_crashed_on(databases, make_settings):
    registry = Registry(make_settings(dev_database_url=databases.new(), admin_database_url=databases.new("control")))
    try:
        prod = registry.status("prod")
        assert (prod.state, prod.configured, prod.location) == ("missing", False, None)
        assert registry.status("dev").state == "reachable"
        with pytest.raises(BranchNotConfigured, match="set PROD_DATABASE_URL"):
            registry.pool("prod")
        with pytest.raises(UnknownBranch):
            registry.status("qa")
    finally:
        registry.close()


def test_unreachable_branch_is_reported_without_password(databases, make_settings):
    down = f"postgresql://postgres:hunter2-secret@127.0.0.1:{free_port()}/nothing"
    registry = Registry(
        make_settings(
            dev_database_url=databases.new(),
            prod_database_url=down,
            admin_database_url=databases.new("control"),
            pool_timeout=2,
        )
    )
    try:
        status = registry.status("prod")
        assert status.state == "unreachable"
        assert "Production branch" in status.error and "is unavailable" in status.error
        assert "hunter2-secret" not in status.error
        with pytest.raises(BranchUnavailable):
            with registry.connection("prod"):
                pass
    finally:
        registry.close()


@pytest.mark.parametrize("pair", [("dev", "prod"), ("dev", "admin"), ("prod", "admin")])
def test_same_database_through_another_spelling_is_refused_before_anything_is_written(databases, make_settings, pair):
    shared = databases.new()
    urls = {"dev": databases.new(), "prod": databases.new(), "admin": databases.new()}
    urls[pair[0]], urls[pair[1]] = shared, other_spelling(shared)
    settings = make_settings(
        dev_database_url=urls["dev"], prod_database_url=urls["prod"], admin_database_url=urls["admin"]
    )
    with pytest.raises(SameDatabase, match="lead to the same database") as caught:
        with open_context(settings):
            pass
    assert "localhost" in str(caught.value) or "127.0.0.1" in str(caught.value)
    assert tables_in(shared) == []  # the control store was not created inside a branch


def test_distinct_databases_on_one_server_are_accepted(databases, make_settings):
    settings = make_settings(
        dev_database_url=databases.new(), prod_database_url=databases.new(), admin_database_url=databases.new()
    )
    with open_context(settings) as context:
        assert [s.state for s in context.registry.statuses()] == ["reachable", "reachable"]
    assert "admin_actions" in tables_in(settings.admin_database_url.get_secret_value())


def test_db_ssl_is_applied_unless_the_url_says_otherwise(databases, make_settings):
    settings = make_settings(
        dev_database_url=databases.new() + "?sslmode=disable",
        prod_database_url=databases.new(),
        admin_database_url=databases.new("control"),
        db_ssl="require",
        pool_timeout=2,
    )
    registry = Registry(settings)
    try:
        assert registry.status("dev").state == "reachable"  # its URL's own sslmode wins
        status = registry.status("prod")  # the test server has no TLS, so require must fail
        assert status.state == "unreachable" and "SSL" in status.error
    finally:
        registry.close()
