"""Read-only SQL, attacked: every statement that could write, signal, escape its role or run long is
refused or harmless, and row counts and the schema snapshot before and after prove nothing changed.
On Prod the reader holds column grants without the sensitive columns, and every query is audited."""

from __future__ import annotations

import dataclasses
import uuid

import psycopg
import pytest
from pydantic import SecretStr

from dbadmin.services import data, dburl
from dbadmin.services.errors import (
    ConfirmationRequired,
    InvalidInput,
    NotAllowed,
    OperationRefused,
    QueryTimedOut,
)
from dbadmin.services.schema import introspection
from dbadmin.services.startup import open_context
from dbadmin.services.reports import doctor
from tests.helpers import actions, admin, at_head, on_both, viewer

ADA = admin("ada")
VIC = viewer("vic")


@pytest.fixture
def loaded(shop):
    """Both branches at head, with rows, a sequence, and functions and a procedure that write."""
    at_head(shop)
    on_both(
        shop,
        "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', 'Bob');"
        "CREATE SEQUENCE counter;"
        "CREATE FUNCTION add_user() RETURNS int VOLATILE LANGUAGE sql "
        "AS $$ INSERT INTO users (email, name) VALUES ('x@example.com', 'X') RETURNING 1 $$;"
        "CREATE FUNCTION add_user_as_owner() RETURNS int VOLATILE SECURITY DEFINER LANGUAGE sql "
        "AS $$ INSERT INTO users (email, name) VALUES ('y@example.com', 'Y') RETURNING 1 $$;"
        "CREATE PROCEDURE wipe() LANGUAGE sql AS $$ DELETE FROM orders; DELETE FROM users $$;"
        "GRANT EXECUTE ON FUNCTION add_user, add_user_as_owner TO PUBLIC; GRANT EXECUTE ON PROCEDURE wipe TO PUBLIC",
    )
    with psycopg.connect(shop.registry.url("prod"), autocommit=True) as conn:  # else it turns Prod's SQL off
        conn.execute("REVOKE EXECUTE ON FUNCTION add_user_as_owner FROM PUBLIC")
    return shop


ATTACKS = [
    "UPDATE users SET name = 'changed'",
    "DELETE FROM users",
    "INSERT INTO users (email, name) VALUES ('z@example.com', 'Z')",
    "WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone",
    "SELECT nextval('counter')",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/dbadmin-owned'",
    "SET ROLE postgres",
    "SELECT set_config('role', 'postgres', false)",
    "SELECT lo_import('/etc/passwd')",
    "CALL wipe()",
    "SELECT add_user()",
    "SELECT add_user_as_owner()",
    "SELECT 1; DELETE FROM users",
    "CREATE TABLE planted (id int)",
    "DROP TABLE orders",
    "GRANT ALL ON users TO PUBLIC",
    "TRUNCATE users CASCADE",
    "COMMIT",
]


def state(context, branch):
    with psycopg.connect(context.registry.url(branch)) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM orders), "
            "(SELECT last_value FROM counter), (SELECT count(*) FROM pg_largeobject_metadata)"
        ).fetchone()
    return counts, introspection.snapshot(context, branch)["tables"]


@pytest.mark.parametrize("branch", ["dev", "prod"])
def test_nothing_a_query_sends_can_change_the_branch(loaded, branch):
    before = state(loaded, branch)
    for attack in ATTACKS:
        try:
            data.run(loaded, branch, attack, actor=ADA)
        except (InvalidInput, OperationRefused) as refused:  # one line each, never a traceback
            assert "\n" not in str(refused) and str(refused)
    assert state(loaded, branch) == before
    with pytest.raises(QueryTimedOut, match="STATEMENT_TIMEOUT"):
        data.run(with_settings(loaded, statement_timeout=0.5), branch, "SELECT pg_sleep(1000)", actor=ADA)
    assert data.run(loaded, branch, "SELECT 'still answers' AS status", actor=ADA).rows == [["still answers"]]


def with_settings(context, **changes):
    return dataclasses.replace(context, settings=context.settings.model_copy(update=changes))


def test_a_query_runs_as_a_reader_that_cannot_write(loaded):
    result = data.run(
        loaded, "dev", "SELECT current_user, pg_has_role(current_user, 'pg_read_all_data', 'USAGE')", actor=VIC
    )
    role, reads_all = result.rows[0]
    assert role.startswith("dbadmin_reader_") and reads_all is False  # it would read every database of the server
    assert data.run(loaded, "dev", "SELECT count(*) FROM users", actor=VIC).rows == [[2]]  # granted table by table
    with psycopg.connect(loaded.registry.url("dev")) as conn:
        attributes = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s", (role,)
        ).fetchone()
    assert attributes == (False, False, False, False)


def test_results_are_typed_capped_and_percent_signs_are_plain_text(loaded):
    result = data.run(
        loaded, "dev", "SELECT email, name FROM users WHERE email LIKE '%@example.com' ORDER BY 1", actor=VIC
    )
    assert [(c.name, c.type) for c in result.columns] == [("email", "text"), ("name", "text")]
    assert result.rows == [["ada@example.com", "Ada"], ["bob@example.com", "Bob"]] and result.capped is None
    capped = data.run(
        with_settings(loaded, sql_row_limit=10), "dev", "SELECT g FROM generate_series(1, 1000000) g", actor=VIC
    )
    assert capped.row_count == 10 and capped.capped == "capped at 10 rows"
    with pytest.raises(InvalidInput, match="cannot insert multiple commands"):
        data.run(loaded, "dev", "SELECT 1; SELECT 2", actor=VIC)
    with pytest.raises(InvalidInput, match="at most"):
        data.run(loaded, "dev", "SELECT 1 -- " + "x" * loaded.settings.sql_max_length, actor=VIC)


def test_prod_hides_sensitive_columns_by_privilege_and_audits_every_query(loaded):
    with pytest.raises(OperationRefused, match="email"):
        data.run(loaded, "prod", "SELECT email FROM users", actor=ADA)
    with pytest.raises(OperationRefused, match="email"):
        data.run(loaded, "prod", "SELECT * FROM users", actor=ADA)
    names = data.run(loaded, "prod", "SELECT name FROM users ORDER BY 1", actor=ADA)
    assert names.rows == [["Ada"], ["Bob"]]
    with pytest.raises(NotAllowed, match="only admins may read Production's data"):
        data.run(loaded, "prod", "SELECT name FROM users", actor=VIC)
    audited = [(a.actor, a.outcome, a.details.get("sql")) for a in actions(loaded) if a.action == "data.sql"]
    assert audited[-4:] == [
        ("ada", "refused", "SELECT email FROM users"),
        ("ada", "refused", "SELECT * FROM users"),
        ("ada", "ok", "SELECT name FROM users ORDER BY 1"),
        ("vic", "refused", "SELECT name FROM users"),
    ]
    assert not [a for a in actions(loaded) if a.action == "data.sql" and a.branch == "dev"]  # Dev: not by default


def test_explain_and_explain_analyze_which_on_prod_needs_its_phrase(loaded):
    plan = data.run(loaded, "dev", "SELECT name FROM users", actor=VIC, explain="plan")
    assert plan.columns[0].name == "QUERY PLAN" and "Seq Scan" in plan.rows[0][0]
    with pytest.raises(ConfirmationRequired, match="EXPLAIN ANALYZE"):
        data.run(loaded, "prod", "SELECT name FROM users", actor=ADA, explain="analyze")
    analyzed = data.run(
        loaded, "prod", "SELECT name FROM users", actor=ADA, explain="analyze", confirm="EXPLAIN ANALYZE"
    )
    assert any("actual time" in row[0] for row in analyzed.rows)
    before = state(loaded, "dev")
    with pytest.raises(InvalidInput, match="read-only transaction"):
        data.run(loaded, "dev", "DELETE FROM users", actor=VIC, explain="analyze")
    assert state(loaded, "dev") == before


def test_a_reader_url_that_could_write_is_refused(shop):
    own_login = SecretStr(shop.registry.url("dev"))  # the branch's own superuser
    with open_context(shop.settings.model_copy(update={"dev_reader_url": own_login})) as unsafe:
        found = data.ready(unsafe, "dev")
        assert not found.available and "superuser" in found.detail
        with pytest.raises(OperationRefused, match="read-only SQL is off"):
            data.run(unsafe, "dev", "SELECT 1", actor=ADA)


def test_a_reader_url_that_leads_to_another_database_is_refused(shop):
    prod_reader = SecretStr(shop.registry.url("prod"))
    with open_context(shop.settings.model_copy(update={"dev_reader_url": prod_reader})) as crossed:
        found = data.ready(crossed, "dev")
        assert not found.available and "not to the Development branch's database" in found.detail


def test_a_branch_role_that_may_not_create_roles_has_no_reader_and_says_how_to_get_one(shop, app_role):
    _, app_url = app_role
    with open_context(shop.settings.model_copy(update={"dev_database_url": SecretStr(app_url)})) as limited:
        found = data.ready(limited, "dev")
        assert not found.available and "may not create one (that needs CREATEROLE)" in found.detail
        assert "set DEV_READER_URL" in data.describe(limited, "dev").detail
        with pytest.raises(OperationRefused, match="read-only SQL is off"):
            data.run(limited, "dev", "SELECT 1", actor=ADA)


def test_doctor_says_whether_each_branch_has_a_safe_reader(shop):
    checks = {check.name: check for check in doctor.run_checks(shop.settings)}
    assert checks["Development reader"].level == "ok"
    assert checks["Development reader"].detail == "dbadmin manages a reader that cannot write (made on first use)"
    unsafe = shop.settings.model_copy(update={"prod_reader_url": SecretStr(shop.registry.url("prod"))})
    prod = {check.name: check for check in doctor.run_checks(unsafe)}["Production reader"]
    assert prod.level == "warn" and prod.detail.startswith("PROD_READER_URL is not a safe reader: superuser")


def test_views_that_read_a_sensitive_column_are_closed_to_prods_reader(loaded):
    with psycopg.connect(loaded.registry.url("prod"), autocommit=True) as conn:
        conn.execute("CREATE VIEW contacts AS SELECT name, email AS reach_at FROM users")
        conn.execute("CREATE VIEW contacts_again AS SELECT reach_at AS c FROM contacts")  # through another view
        conn.execute("CREATE VIEW whole_rows AS SELECT row_to_json(u) AS j FROM users u")  # a whole row
        conn.execute("CREATE VIEW people AS SELECT id, name FROM users")
    for view, column in (("contacts", "reach_at"), ("contacts_again", "c"), ("whole_rows", "j")):
        with pytest.raises(OperationRefused, match=f"permission denied for view {view}"):
            data.run(loaded, "prod", f"SELECT {column} FROM {view}", actor=ADA)
    with pytest.raises(OperationRefused, match="permission denied for table users"):
        data.run(loaded, "prod", "SELECT row_to_json(u) FROM users u", actor=ADA)
    assert data.run(loaded, "prod", "SELECT name FROM people ORDER BY 1", actor=ADA).rows == [["Ada"], ["Bob"]]


def test_what_could_still_hand_out_a_sensitive_column_turns_prods_sql_off_until_revoked(loaded):
    assert data.run(loaded, "prod", "SELECT count(*) FROM users", actor=ADA).rows == [[2]]  # grants made, then:
    with psycopg.connect(loaded.registry.url("prod"), autocommit=True) as conn:
        conn.execute("GRANT SELECT ON users TO PUBLIC")
    with pytest.raises(OperationRefused, match=r"could still select public\.users\.email"):
        data.run(loaded, "prod", "SELECT name FROM users", actor=ADA)
    with psycopg.connect(loaded.registry.url("prod"), autocommit=True) as conn:
        conn.execute("REVOKE SELECT ON users FROM PUBLIC")
        conn.execute(
            "CREATE FUNCTION leak() RETURNS SETOF text SECURITY DEFINER LANGUAGE sql AS $$ SELECT email FROM users $$"
        )
    with pytest.raises(OperationRefused, match=r"SECURITY DEFINER functions? .*leak\(\)"):
        data.run(loaded, "prod", "SELECT * FROM leak()", actor=ADA)
    with psycopg.connect(loaded.registry.url("prod"), autocommit=True) as conn:
        conn.execute("REVOKE EXECUTE ON FUNCTION leak FROM PUBLIC")
    assert data.run(loaded, "prod", "SELECT count(*) FROM users", actor=ADA).rows == [[2]]


def test_a_reader_in_a_powerful_role_is_refused_even_without_inheriting_it(shop, pg_server):
    name = f"rd_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN NOINHERIT PASSWORD 'pw'; GRANT pg_signal_backend TO {name}")
    try:
        url = dburl.with_login(shop.registry.url("dev"), name, "pw")
        with open_context(shop.settings.model_copy(update={"dev_reader_url": SecretStr(url)})) as signalling:
            found = data.ready(signalling, "dev")
            assert not found.available and "member of pg_signal_backend" in found.detail
            assert "pw" not in found.detail
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {name}")


def test_nothing_a_query_leaves_in_its_session_reaches_the_next_one(loaded):
    data.run(loaded, "dev", "SELECT pg_advisory_lock(42)", actor=VIC)
    with psycopg.connect(loaded.registry.url("dev")) as conn:  # the application takes the same lock
        assert conn.execute("SELECT pg_try_advisory_lock(42)").fetchone() == (True,)
    data.run(loaded, "dev", "SELECT set_config('search_path', 'nowhere', false)", actor=VIC)
    assert data.run(loaded, "dev", "SHOW search_path", actor=VIC).rows == [['"$user", public']]


def test_masking_follows_the_data_into_generated_columns_and_composite_types(make_context):
    """Security finding N1: a generated column over a sensitive one (login = lower(email)) and the fields of
    a composite-typed column (contact of type (email text, phone text)) were read in full by Prod's reader, the
    Rows view, the CSV export and the value endpoint, and could be filtered and sorted on."""
    context = make_context(data_access_prod="viewer")
    at_head(context)
    on_both(
        context,
        "CREATE TYPE contact_card AS (email text, phone text);"
        "CREATE DOMAIN card AS contact_card;"
        "CREATE TYPE wrapper AS (inner_card contact_card, note text);"
        "CREATE TABLE members (id int PRIMARY KEY, email text NOT NULL, nick text,"
        " login text GENERATED ALWAYS AS (lower(email)) STORED, contact contact_card, cards contact_card[],"
        " kept card, nested wrapper);"
        "INSERT INTO members (id, email, nick, contact, cards, kept, nested) VALUES (1, 'Ada@Example.com', 'ada',"
        " ROW('ada@example.com', '+1 555'), ARRAY[ROW('a@x.test', '1')::contact_card], ROW('k@x.test', '2'),"
        " ROW(ROW('n@x.test', '3'), 'n'));"
        "CREATE VIEW logins AS SELECT id, login FROM members;"
        "CREATE MATERIALIZED VIEW contacts AS SELECT id, (contact).phone AS tel FROM members;",
    )
    sensitive = {"email", "login", "contact", "cards", "kept", "nested"}
    masked = data.readers.masked_columns(context, "prod")
    assert {c for s, t, c in masked if (s, t) == ("public", "members")} == sensitive
    assert ("public", "logins", "login") in masked and ("public", "contacts", "tel") in masked
    for column in sorted(sensitive):  # Prod's reader may not select them
        with pytest.raises(OperationRefused, match="permission denied"):
            data.run(context, "prod", f"SELECT {column} FROM members", actor=VIC)
    assert data.run(context, "prod", "SELECT nick FROM members", actor=VIC).rows == [["ada"]]
    page = data.page(context, "prod", "public", "members", actor=VIC)  # the Rows view masks them
    shown = dict(zip([c.name for c in page.columns], page.rows[0], strict=True))
    assert "Ada@Example.com" not in str(shown) and "ada@example.com" not in str(shown) and "+1 555" not in str(shown)
    assert shown["nick"] == "ada"
    with pytest.raises(OperationRefused, match="login is masked on Production"):  # and closes them to filters
        data.page(context, "prod", "public", "members", actor=VIC, filters=[data.Filter("login", "eq", "x")])
    exported = b"".join(data.export(context, "prod", "public", "members", actor=VIC)).decode()
    assert "example.com" not in exported.lower().replace("•••@example.com", "") and "555" not in exported
    assert data.run(context, "dev", "SELECT login FROM members", actor=VIC).rows == [["ada@example.com"]]  # Dev


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
        "SELECT * FROM (SELECT pg_catalog.PG_CANCEL_BACKEND(pid) FROM pg_stat_activity) s",
        'SELECT "pg_terminate_backend"(1)',
    ],
)
def test_one_querier_cannot_end_anothers_query(loaded, statement):
    """Security probe, informational: every querier of a branch reads as the same role, which may signal its
    own sessions, so one Prod querier could end another's query."""
    with pytest.raises(OperationRefused, match=r"is refused in read-only SQL: it could end another person's query"):
        data.run(loaded, "prod", statement, actor=ADA)
    assert data.run(loaded, "prod", "SELECT 'pg_terminate_backend(1)' AS text", actor=ADA).rows == [
        ["pg_terminate_backend(1)"]
    ]  # a string that names it is only a string


def test_audited_reads_are_limited_per_person_and_a_refused_one_writes_no_row(make_context):
    """Security probe, informational: 300 reads of Production made 300 audit rows in 4 s."""
    from dbadmin.services.errors import RateLimited

    context = make_context(audited_read_rate_limit=3)
    at_head(context)
    for _ in range(3):
        assert data.run(context, "prod", "SELECT 1 AS one", actor=ADA).rows == [[1]]
    with pytest.raises(RateLimited, match="too many audited reads: at most 3 per minute"):
        data.run(context, "prod", "SELECT 1 AS one", actor=ADA)
    assert data.run(context, "prod", "SELECT 1 AS one", actor=admin("bea")).rows == [[1]]  # per person
    assert data.run(context, "dev", "SELECT 1 AS one", actor=ADA).rows == [[1]]  # Dev is not audited
    reads = [(a.actor, a.outcome) for a in actions(context) if a.action == "data.sql"]
    assert reads == [("ada", "ok")] * 3 + [("bea", "ok")]


def test_masking_reaches_every_column_a_sensitive_value_flows_into(make_context):
    """The second review of N1: a view naming one column beside a whole row, a generated column over a
    foreign key's copy, a foreign key chain, a partition or child of a table whose column is commented
    sensitive, a range over a sensitive composite, a domain commented sensitive, and the row type of a
    table made sensitive that way: each still carried a sensitive value to Prod's reader."""
    context = make_context(data_access_prod="viewer")
    at_head(context)
    on_both(
        context,
        "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada');"
        "CREATE VIEW named_and_whole AS SELECT u.id, u::text AS t FROM users u;"
        "CREATE TABLE invites (id int PRIMARY KEY, invitee text UNIQUE REFERENCES users (email),"
        " invitee_lc text GENERATED ALWAYS AS (lower(invitee)) STORED);"
        "CREATE TABLE reminders (id int PRIMARY KEY, who text REFERENCES invites (invitee));"
        "CREATE TABLE snaps (id int PRIMARY KEY, inv invites);"
        "CREATE TABLE accounts (id int, memo text) PARTITION BY RANGE (id);"
        "COMMENT ON COLUMN accounts.memo IS 'kept private [sensitive]';"
        "CREATE TABLE accounts_1 PARTITION OF accounts FOR VALUES FROM (0) TO (100);"
        "CREATE TABLE people_base (id int, memo text); COMMENT ON COLUMN people_base.memo IS '[sensitive]';"
        "CREATE TABLE staff (badge int) INHERITS (people_base);"
        "CREATE TYPE reach AS (email text, note text);"
        "CREATE TYPE reach_range AS RANGE (subtype = reach);"
        "CREATE TABLE spans (id int PRIMARY KEY, span reach_range);"
        "CREATE DOMAIN secret_text AS text; COMMENT ON DOMAIN secret_text IS '[sensitive]';"
        "CREATE TABLE notes2 (id int PRIMARY KEY, body secret_text, plain text);",
    )
    masked = data.readers.masked_columns(context, "prod")
    expected = {
        ("named_and_whole", "t"), ("named_and_whole", "id"), ("invites", "invitee"), ("invites", "invitee_lc"),
        ("reminders", "who"), ("snaps", "inv"), ("accounts", "memo"), ("accounts_1", "memo"),
        ("people_base", "memo"), ("staff", "memo"), ("spans", "span"), ("notes2", "body"),
    }  # fmt: skip
    assert expected <= {(t, c) for s, t, c in masked if s == "public"}
    assert not {("notes2", "plain"), ("staff", "badge"), ("reminders", "id")} & {(t, c) for _, t, c in masked}
    for table, column in sorted(expected - {("named_and_whole", "id")}):
        with pytest.raises(OperationRefused, match="permission denied"):
            data.run(context, "prod", f"SELECT {column} FROM {table}", actor=VIC)


def test_a_masked_value_keeps_an_email_domain_only_in_a_mail_column(make_context):
    context = make_context(data_access_prod="viewer")
    at_head(context)
    on_both(
        context,
        "CREATE TABLE creds (id int PRIMARY KEY, password text, secret_url text, backup_email text);"
        "INSERT INTO creds VALUES (1, 'P@ssw0rd', 'pg://a:pw@db.internal/x', 'ada@example.com')",
    )
    page = data.page(context, "prod", "public", "creds", actor=VIC)
    assert page.rows[0][1:] == [data.rows.MASK, data.rows.MASK, "a•••@example.com"]
