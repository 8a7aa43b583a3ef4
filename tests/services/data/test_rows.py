"""The Rows view's service: pages by primary key (or ctid) from typed filters and a sort, values cut
on the server, foreign keys both ways, CSV streamed from COPY, one value in full, and on Production
the sensitive columns masked in the SQL, closed to filters, and revealed to admins only (audited)."""

from __future__ import annotations

import csv
import io

import psycopg
import pytest

from dbadmin.services import data
from dbadmin.services.errors import InvalidInput, NotAllowed, NotFound, OperationRefused
from tests.helpers import actions, admin, at_head, on_both, viewer

ADA = admin("ada")
VIC = viewer("vic")


@pytest.fixture
def filled(shop):
    at_head(shop)
    on_both(
        shop,
        "INSERT INTO users (email, name) SELECT format('user%s@example.com', g), format('User %s', g) "
        "FROM generate_series(1, 120) g;"
        "INSERT INTO users (email, name) VALUES ('long@example.com', repeat('x', 5000));"
        "CREATE TABLE notes (body text);"  # no primary key: paged by ctid
        "INSERT INTO notes SELECT format('note %s', g) FROM generate_series(1, 30) g",
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
            lambda: data.page(filled, "dev", "public", "users", actor=VIC, after=data.rows._encode(["1", "2"])),
            InvalidInput,
            "not one this table gave",
        ),
        (lambda: data.page(filled, "dev", "public", "users", actor=VIC, after="%%%"), InvalidInput, "not one"),
        (
            lambda: data.page(filled, "dev", "public", "users", actor=VIC, after=data.rows._encode(["ten"])),
            InvalidInput,
            "invalid input syntax for type bigint",
        ),
        (lambda: data.page(filled, "dev", "public", "users", actor=VIC, sort="nope"), InvalidInput, "has no column"),
        (
            lambda: list(data.export(filled, "dev", "public", "users", actor=VIC, limit=10**9)),
            InvalidInput,
            "EXPORT_ROW_LIMIT",
        ),
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


def _walk(context, branch, table, actor, **view):
    """Every row of ``table`` in the view's order, a page of 7 at a time."""
    seen, after = [], None
    while True:
        found = data.page(context, branch, "public", table, actor=actor, after=after, limit=7, **view)
        seen += found.rows
        if found.after is None:
            return seen
        after = found.after


def test_sorted_pages_keep_ties_and_nulls_in_order(filled):
    with psycopg.connect(filled.registry.url("dev"), autocommit=True) as conn:
        conn.execute("UPDATE users SET email_verified_at = '2026-01-01'::timestamptz + (id % 4) * interval '1 day'")
        conn.execute("UPDATE users SET email_verified_at = NULL WHERE id % 5 = 0")
        expected = {
            way: [
                str(r[0])
                for r in conn.execute(
                    f"SELECT id FROM users ORDER BY email_verified_at {way} NULLS LAST, id {way}"  # noqa: S608
                )
            ]
            for way in ("ASC", "DESC")
        }
    for descending, way in ((False, "ASC"), (True, "DESC")):
        rows = _walk(filled, "dev", "users", VIC, sort="email_verified_at", descending=descending)
        assert [r[0] for r in rows] == expected[way]  # ties broken by key, nulls last, none twice
    assert [r[0] for r in _walk(filled, "dev", "users", VIC, descending=True)][:2] == ["121", "120"]
    with pytest.raises(OperationRefused, match="cannot be sorted on"):
        data.page(filled, "prod", "public", "users", actor=ADA, sort="email")


def test_foreign_keys_lead_both_ways(filled):
    with psycopg.connect(filled.registry.url("dev"), autocommit=True) as conn:
        conn.execute("INSERT INTO orders (user_id, total_cents) VALUES (3, 100), (3, 250), (5, 10)")
    orders = data.page(filled, "dev", "public", "orders", actor=VIC)
    [link] = orders.references
    assert (link.columns, link.other, link.other_columns) == (["user_id"], "public.users", ["id"])
    assert [row["user_id"] for row in orders.linked] == ["3", "3", "5"]
    users = data.page(filled, "dev", "public", "users", actor=VIC, limit=3)
    [back] = users.referenced_by
    assert (back.columns, back.other, back.other_columns) == (["id"], "public.orders", ["user_id"])
    assert users.linked[2] == {"id": "3"}
    referrers = data.page(filled, "dev", "public", "orders", actor=VIC, filters=[data.Filter.parse("user_id:eq:3")])
    assert [row[2] for row in referrers.rows] == ["100", "250"]


def test_csv_streams_the_view_from_copy_masked_on_prod(filled):
    text = b"".join(
        data.export(filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("id", "lte", "3")])
    ).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "email", "name"] and [r[:2] for r in rows[1:]] == [
        ["1", "user1@example.com"],
        ["2", "user2@example.com"],
        ["3", "user3@example.com"],
    ]
    whole = b"".join(data.export(filled, "dev", "public", "users", actor=VIC, filters=[data.Filter("id", "eq", "121")]))
    assert len(whole) > 5000  # an export is never cut like a page
    prod = b"".join(data.export(filled, "prod", "public", "users", actor=ADA, limit=2)).decode()
    assert [r[1] for r in list(csv.reader(io.StringIO(prod)))[1:]] == ["u•••@example.com"] * 2
    for _ in range(data.rows.EXPORTS_AT_ONCE + 1):  # a download stopped half way gives its place back
        chunks = data.export(filled, "dev", "public", "users", actor=VIC)
        next(chunks)
        chunks.close()
    exports = [(a.outcome, a.details.get("rows")) for a in actions(filled) if a.action == "data.export"]
    assert exports == [("ok", 2)]  # Prod's only: Dev is audited with AUDIT_DEV_QUERIES


def test_one_value_in_full_and_a_masked_one_revealed_to_admins_only(make_context):
    context = make_context(data_access_prod="viewer")
    at_head(context)
    on_both(
        context,
        "INSERT INTO users (email, name) VALUES ('ada@example.com', repeat('y', 300));"
        "CREATE TABLE docs (id int PRIMARY KEY, body jsonb);"
        """INSERT INTO docs VALUES (1, '{"b": [1, 2], "a": {"c": null}}')""",
    )
    docs = data.page(context, "dev", "public", "docs", actor=VIC)
    pretty = data.value(context, "dev", "public", "docs", "body", docs.row_keys[0], actor=VIC)
    assert pretty.text == '{\n    "a": {\n        "c": null\n    },\n    "b": [\n        1,\n        2\n    ]\n}'
    users = data.page(context, "prod", "public", "users", actor=VIC)
    assert users.rows[0][1] == "a•••@example.com"
    name = data.value(context, "prod", "public", "users", "name", users.row_keys[0], actor=VIC)
    assert name.text == "y" * 300 and name.size == 300 and not name.revealed
    with pytest.raises(NotAllowed, match="only admins may reveal a masked value"):
        data.value(context, "prod", "public", "users", "email", users.row_keys[0], actor=VIC)
    shown = data.value(context, "prod", "public", "users", "email", users.row_keys[0], actor=ADA)
    assert shown.text == "ada@example.com" and shown.revealed
    with pytest.raises(NotFound, match="no longer exists"):
        data.value(context, "prod", "public", "users", "email", data.rows._encode(["999"]), actor=ADA)
    reveals = [(a.actor, a.outcome, a.details["column"]) for a in actions(context) if a.action == "data.reveal"]
    assert reveals == [("vic", "refused", "email"), ("ada", "ok", "email"), ("ada", "refused", "email")]


def test_what_a_review_found_stays_closed(filled):
    """The system catalogs are no table of the branch's; a masked key never travels in a cursor or a
    row key; a foreign key copying a masked value is masked; odd values and tables are one-line refusals."""
    on_both(
        filled,
        "CREATE TABLE subscribers (email text PRIMARY KEY, plan text);"
        "INSERT INTO subscribers VALUES ('amy@secret.io', 'pro'), ('bob@secret.io', 'free');"
        "CREATE TABLE invites (id int PRIMARY KEY, invitee text REFERENCES users (email));"
        "INSERT INTO invites VALUES (1, 'user7@example.com');"
        "CREATE DOMAIN small AS int CHECK (VALUE < 10); CREATE TABLE odd (id small PRIMARY KEY, code varchar(3));"
        "INSERT INTO odd VALUES (1, 'abc'); CREATE TABLE empty_one ()",
    )
    for schema, table in (("pg_catalog", "pg_authid"), ("pg_catalog", "pg_statistic"), ("dbadmin_capture", "runs")):
        with pytest.raises(NotFound, match="is not a table or view"):
            data.page(filled, "dev", schema, table, actor=ADA)
    subscribers = data.page(filled, "prod", "public", "subscribers", actor=ADA)
    assert subscribers.key == ["ctid"] and subscribers.masked == ["email"]
    leaked = (
        subscribers.row_keys + [subscribers.after or ""] + [str(v) for row in subscribers.linked for v in row.values()]
    )
    assert not any("secret" in data.rows._decode(k, 1)[0] for k in subscribers.row_keys)
    assert "secret" not in repr(leaked) and [row[0] for row in subscribers.rows] == ["a•••@secret.io", "b•••@secret.io"]
    invites = data.page(filled, "prod", "public", "invites", actor=ADA)
    assert invites.masked == ["invitee"] and invites.rows[0][1] == "u•••@example.com" and invites.references == []
    with pytest.raises(OperationRefused, match="masked on Production"):
        data.page(filled, "prod", "public", "invites", actor=ADA, filters=[data.Filter("invitee", "eq", "x")])
    assert data.page(filled, "dev", "public", "invites", actor=ADA).rows[0][1] == "user7@example.com"  # Dev: as is
    with pytest.raises(OperationRefused, match=r"masked column \(invitee\) may not be selected"):
        data.run(filled, "prod", "SELECT invitee FROM invites", actor=ADA)  # the SQL tab's grants know it too
    assert data.run(filled, "prod", "SELECT id FROM invites", actor=ADA).rows == [[1]]
    for wanted, message in (
        (data.Filter("id", "eq", "99"), "violates check constraint"),
        (data.Filter("code", "eq", "x" * 1001), "at most 1000 characters"),
    ):
        with pytest.raises(InvalidInput, match=message):
            data.page(filled, "dev", "public", "odd", actor=ADA, filters=[wanted])
    assert (
        data.page(filled, "dev", "public", "odd", actor=ADA, filters=[data.Filter("code", "eq", "abcZZZ")]).rows == []
    )
    with pytest.raises(OperationRefused, match="has no columns"):
        data.page(filled, "dev", "public", "empty_one", actor=ADA)


def test_a_csv_export_opens_formulas_as_text_unless_told_otherwise(make_context):
    """Security finding N2: an export wrote =HYPERLINK(...), +cmd|..., @SUM... as they were, and a masked
    value kept its leading =, so text anyone could put into a table became a live spreadsheet formula."""
    formulas = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
                "\tTAB", "\rCR", "plain text", "a=b"]  # fmt: skip
    statements = (
        "CREATE TYPE mood AS ENUM ('=happy', 'sad');"
        "CREATE TABLE cells (id int PRIMARY KEY, body text, amount numeric, mood mood, code char(6),"
        ' "=HYPERLINK(1)" int);'
        + "".join(f"INSERT INTO cells VALUES ({n}, $x${body}$x$, -{n}, 'sad');" for n, body in enumerate(formulas, 1))
        + "UPDATE cells SET mood = '=happy', code = 'ab' WHERE id = 1;"
        "INSERT INTO users (email, name) VALUES ('+cmd@example.com', '@name');"
    )

    def exported(context, branch, table, **view):
        text = b"".join(data.export(context, branch, "public", table, actor=ADA, **view)).decode()
        return list(csv.reader(io.StringIO(text)))[1:]

    guarded = make_context()
    at_head(guarded)
    on_both(guarded, statements)
    rows = exported(guarded, "dev", "cells")
    assert [r[1] for r in rows] == [
        "'=HYPERLINK(\"https://evil.example\",\"click\")", "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3",
        "'\tTAB", "'\rCR", "plain text", "a=b",
    ]  # fmt: skip
    assert [r[2] for r in rows] == [f"-{n}" for n in range(1, 9)]  # numbers stay numbers
    assert rows[0][3] == "'=happy" and rows[1][3] == "sad"  # an enum's label is text too
    assert rows[0][4] == "ab    "  # char(6) keeps its padding
    header = b"".join(data.export(guarded, "dev", "public", "cells", actor=ADA, limit=1)).decode().splitlines()[0]
    assert header.endswith(",'=HYPERLINK(1)")  # a column's name is a cell too
    users = exported(guarded, "prod", "users", filters=[data.Filter("name", "eq", "@name")])
    assert [r[1:3] for r in users] == [["'+•••@example.com", "'@name"]]  # masked, and guarded still

    raw = make_context(export_formula_guard=False)  # for exports read by programs
    at_head(raw)
    on_both(raw, statements)
    assert [r[1] for r in exported(raw, "dev", "cells")][:4] == formulas[:4]


def test_an_xml_cell_is_guarded_too(make_context):
    """xml is no string type to PostgreSQL's catalog (category U), yet its text can start a formula."""
    context = make_context()
    with context.registry.connection("dev") as conn:
        try:
            conn.execute("SELECT '<a/>'::xml")
        except psycopg.errors.FeatureNotSupported:
            pytest.skip("this PostgreSQL is built without libxml (the embedded server is): no xml type to export")
        conn.execute("CREATE TABLE docs (id int PRIMARY KEY, doc xml)")
        conn.execute("""INSERT INTO docs VALUES (1, '=HYPERLINK("x")'), (2, '<a/>')""")
    text = b"".join(data.export(context, "dev", "public", "docs", actor=ADA)).decode()
    assert [r[1] for r in list(csv.reader(io.StringIO(text)))[1:]] == ['\'=HYPERLINK("x")', "<a/>"]
