"""URL handling: accepted spellings, display without secrets, scrubbing of driver messages."""

from __future__ import annotations

import pytest

from dbadmin.services import dburl


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg", "POSTGRESQL+psycopg2"])
def test_common_spellings_normalize_to_libpq(scheme):
    assert dburl.normalize(f"{scheme}://u:p@h:5433/db") == "postgresql://u:p@h:5433/db"


def test_describe_shows_host_port_database_only():
    assert dburl.describe("postgresql://user:hunter2@db.internal:6543/shop?sslmode=require") == "db.internal:6543/shop"
    assert dburl.describe("postgresql://user@/shop?host=/run/pg") == "/run/pg:5432/shop"


def test_with_database_keeps_credentials_and_options():
    url = dburl.with_database("postgresql://us%40er:p%2Fw@h:5433/postgres?sslmode=disable", "other db")
    params = dburl.conninfo_to_dict(url)
    assert (params["user"], params["password"], params["dbname"], params["sslmode"]) == (
        "us@er",
        "p/w",
        "other db",
        "disable",
    )


def test_with_database_keeps_socket_host():
    params = dburl.conninfo_to_dict(dburl.with_database("postgresql://u@/postgres?host=/tmp/sock", "x"))
    assert (params["host"], params["dbname"]) == ("/tmp/sock", "x")


def test_scrub_removes_passwords_from_urls_and_conninfo():
    text = "failed for postgresql://app:hunter2@h/db and password=hunter2 host=h; also secretvalue"
    scrubbed = dburl.scrub(text, ("secretvalue",))
    assert "hunter2" not in scrubbed and "secretvalue" not in scrubbed
    assert "postgresql://app:***@h/db" in scrubbed
