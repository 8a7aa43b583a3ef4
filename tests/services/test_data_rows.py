"""The Rows view's service: pages by primary key (or ctid) from typed filters, values cut on the
server, and on Production the sensitive columns masked in the SQL and closed to filters."""

from __future__ import annotations

import psycopg
import pytest

from dbadmin.services import data, migrations
from dbadmin.services.errors import InvalidInput, NotAllowed, NotFound, OperationRefused
from tests.helpers import actions, admin, viewer

ADA = admin("ada")
VIC = viewer("vic")


@pytest.fixture
def filled(shop):
    migrations.upgrade(shop, "dev", actor=ADA)
    migrations.promote(shop, actor=ADA, confirm=migrations.plan_promotion(shop).phrase)
    for branch in ("dev", "prod"):
        with psycopg.connect(shop.registry.url(branch), autocommit=True) as conn:
            conn.execute(
                "INSERT INTO users (email, name) SELECT format('user%s@example.com', g), format('User %s', g) "
                "FROM generate_series(1, 120) g;"
                "INSERT INTO users (email, name) VALUES ('long@example.com', repeat('x', 5000));"
                "CREATE TABLE notes (body text);"  # no primary key: paged by ctid
                "INSERT INTO notes SELECT format('note %s', g) FROM generate_series(1, 30) g"
            )
    return shop


def test_pages_follow_the_primary_key_to_the_last_row(filled):
    seen, after = [], None
    while True:
        found = data.page(filled, "dev", "public", "users", actor=VIC, after=after, limit=50)
        assert found.key == ["id"] and [c.name for c in found.columns][:3] == ["id", "email", "name"]
        seen += [row[0] for row in found.rows]
        if found.after is None:
            break
        after = found.after
    assert seen == [str(n) for n in range(1, 122)]  # every row once, in key order


def test_filters_are_typed_and_values_are_cut_on_the_server(filled):
    found = data.page(filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("email", "contains", "user11")])
    assert [row[1] for row in found.rows] == ["user11@example.com"] + [f"user{n}@example.com" for n in range(110, 120)]
    long = data.page(
        filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("email", "eq", "long@example.com")]
    )
    [row] = long.rows
    assert row[2] == "x" * data.rows.VALUE_CHARACTERS + " … (5000 bytes)"
    nulls = data.page(
        filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("email_verified_at", "is_null")]
    )
    assert len(nulls.rows) == 50 and nulls.after is not None
    ranged = data.page(
        filled,
        "dev",
        "public",
        "users",
        actor=VIC,
        filters=[data.Filter("id", "gte", "9"), data.Filter("id", "lte", "11")],
    )
    assert [row[0] for row in ranged.rows] == ["9", "10", "11"]  # numbers compared as numbers, not as text
    with pytest.raises(InvalidInput, match="invalid input syntax for type bigint"):
        data.page(filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("id", "eq", "ten")])
    notes = data.page(filled, "dev", "public", "notes", actor=VIC, limit=20)
    assert notes.key == ["ctid"] and len(notes.rows) == 20
    rest = data.page(filled, "dev", "public", "notes", actor=VIC, after=notes.after, limit=20)
    assert [r[0] for r in rest.rows] == [f"note {n}" for n in range(21, 31)] and rest.after is None


def test_bad_input_is_refused_in_one_line(filled):
    for call, error, message in (
        (lambda: data.page(filled, "dev", "public", "nope", actor=VIC), NotFound, "is not a table"),
        (lambda: data.page(filled, "dev", "public", "users", actor=VIC, limit=10_000), InvalidInput, "1 to 500"),
        (
            lambda: data.page(
                filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("id; DROP", "eq", "1")]
            ),
            InvalidInput,
            "has no column",
        ),
        (
            lambda: data.page(filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("id", "like", "1")]),
            InvalidInput,
            "a filter is one of",
        ),
        (
            lambda: data.page(filled, "dev", "public", "users", actor=VIC, after=["1", "2"]),
            InvalidInput,
            "after gives 1",
        ),
        (lambda: data.page(filled, "dev", "public", "users", actor=VIC, after=["not a number"]), InvalidInput, None),
    ):
        with pytest.raises(error, match=message):
            call()


def test_prod_masks_sensitive_columns_in_the_sql_and_audits_each_page(filled):
    found = data.page(filled, "prod", "public", "users", actor=ADA, limit=2)
    assert found.masked == ["email"]
    assert [row[1] for row in found.rows] == ["u•••@example.com", "u•••@example.com"]
    with pytest.raises(OperationRefused, match="masked on Production: it cannot be filtered on"):
        data.page(filled, "prod", "public", "users", actor=ADA, filters=[data.Filter("email", "contains", "user1")])
    with pytest.raises(NotAllowed, match="only admins may read Production's data"):
        data.page(filled, "prod", "public", "users", actor=VIC)
    dev = data.page(filled, "dev", "public", "users", actor=VIC, limit=1)
    assert dev.masked == [] and dev.rows[0][1] == "user1@example.com"  # Dev is not masked
    pages = [(a.actor, a.outcome, a.details.get("table")) for a in actions(filled) if a.action == "data.rows"]
    assert pages == [
        ("ada", "ok", "public.users"),
        ("ada", "refused", "public.users"),
        ("vic", "refused", "public.users"),
    ]
