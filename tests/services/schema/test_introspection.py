"""Introspection on real PostgreSQL: every kind of object, paging, odd names, timeouts, missing branches."""

from __future__ import annotations

import psycopg
import pytest

from dbadmin.services.schema import introspection, diff as schema_diff
from dbadmin.services.startup import open_context
from dbadmin.services.errors import BranchNotConfigured, BranchUnavailable, InvalidInput, QueryTimedOut, UnknownBranch
from tests.helpers import free_port

WEIRD = ["x'; drop table users; --", 'quote"d', "dotted.name", "with space", "ünïcødé"]

SCHEMA = """
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL DEFAULT 'anonymous',
    name_lower text GENERATED ALWAYS AS (lower(name)) STORED,
    CONSTRAINT email_has_at CHECK (position('@' in email) > 0)
);
COMMENT ON TABLE customers IS 'People who buy';
COMMENT ON COLUMN customers.email IS 'Login';
CREATE INDEX customers_lower_email ON customers (lower(email));
CREATE INDEX customers_named ON customers (name) WHERE name <> 'anonymous';
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW big_customers AS SELECT id, email FROM customers;
CREATE MATERIALIZED VIEW order_counts AS SELECT customer_id, count(*) AS n FROM orders GROUP BY 1;
CREATE SCHEMA sales;
CREATE TABLE sales.leads (id int PRIMARY KEY);
INSERT INTO customers (email, name) SELECT 'c' || g || '@x.test', 'n' || g FROM generate_series(1, 50) g;
ANALYZE customers;
"""


@pytest.fixture
def branch(databases, make_settings):
    settings = make_settings(
        dev_database_url=databases.new(),
        prod_database_url=databases.new(),
        admin_database_url=databases.new("control"),
        statement_timeout=2,
    )
    with open_context(settings) as context:
        with psycopg.connect(context.registry.url("dev"), autocommit=True) as conn:
            conn.execute(SCHEMA)
            for name in WEIRD:
                conn.execute(psycopg.sql.SQL("CREATE TABLE {} (id int)").format(psycopg.sql.Identifier(name)))
        yield context


def test_summary_counts_kinds_and_reports_health(branch):
    summary = introspection.summary(branch, "dev")
    assert summary.tables_by_kind == {
        "table": 4 + len(WEIRD),
        "partitioned table": 1,
        "view": 1,
        "materialized view": 1,
        "foreign table": 0,
    }
    assert summary.size_bytes > 0 and summary.server_version[0].isdigit() and summary.latency_ms >= 0


def test_list_tables_pages_filters_and_sorts_on_the_server(branch):
    first = introspection.list_tables(branch, "dev", limit=3)
    assert first.total == 12 and len(first.tables) == 3
    everything = introspection.list_tables(branch, "dev", limit=10_000)
    names = [f"{t.schema}.{t.name}" for t in everything.tables]
    assert names[:3] == [f"{t.schema}.{t.name}" for t in first.tables]
    # by name, then schema; names compare byte-wise, as the catalog's "name" type does
    assert [(t.name, t.schema) for t in everything.tables] == sorted(
        ((t.name, t.schema) for t in everything.tables), key=lambda pair: (pair[0].encode(), pair[1].encode())
    )
    second = introspection.list_tables(branch, "dev", limit=3, offset=3)
    assert {t.name for t in second.tables}.isdisjoint({t.name for t in first.tables}) and second.total == 12
    beyond = introspection.list_tables(branch, "dev", limit=3, offset=100)
    assert (beyond.tables, beyond.total) == ([], 12)
    assert introspection.list_tables(branch, "dev", search="nothing like this").total == 0

    by = {t.name: t for t in everything.tables}
    assert (by["customers"].kind, by["customers"].has_primary_key, by["customers"].comment) == (
        "table",
        True,
        "People who buy",
    )
    assert by["customers"].estimated_rows == 50 and by["customers"].estimated_bytes > 0
    assert by["orders"].estimated_rows is None  # never analyzed: unknown, not 0
    assert (by["events"].kind, by["events_2026"].is_partition) == ("partitioned table", True)
    assert by["orders"].estimated_bytes >= 8192  # never analyzed but few such: its exact size
    assert (by["big_customers"].kind, by["big_customers"].estimated_bytes) == ("view", None)
    assert by["order_counts"].kind == "materialized view"

    assert [t.name for t in introspection.list_tables(branch, "dev", search="CUSTOM").tables] == [
        "big_customers",
        "customers",
    ]
    assert [t.name for t in introspection.list_tables(branch, "dev", schema="sales").tables] == ["leads"]
    views = introspection.list_tables(branch, "dev", kinds=["view", "materialized view"])
    assert {t.name for t in views.tables} == {"big_customers", "order_counts"}
    by_size = introspection.list_tables(branch, "dev", sort="size", descending=True, limit=1)
    assert by_size.tables[0].name == "customers"


@pytest.mark.parametrize("name", WEIRD)
def test_odd_names_are_data_not_sql(branch, name):
    details = introspection.table_details(branch, "dev", "public", name)
    assert details is not None and details.table.name == name and [c.name for c in details.columns] == ["id"]
    assert [t.name for t in introspection.list_tables(branch, "dev", search=name).tables] == [name]
    assert introspection.table_details(branch, "dev", name, name) is None


def test_table_details_of_every_kind_of_object(branch):
    customers = introspection.table_details(branch, "dev", "public", "customers")
    columns = {c.name: c for c in customers.columns}
    assert customers.sizes.total_bytes >= customers.sizes.table_bytes + customers.sizes.index_bytes > 0
    assert [c.name for c in customers.columns] == ["id", "email", "name", "name_lower"]
    assert columns["id"].identity == "always" and columns["id"].type == "bigint"
    assert columns["name"].default == "'anonymous'::text" and not columns["email"].nullable
    assert columns["name_lower"].generated == "lower(name)" and columns["name_lower"].default is None
    assert columns["email"].comment == "Login"
    indexes = {i.name: i for i in customers.indexes}
    assert indexes["customers_pkey"].is_primary and indexes["customers_email_key"].is_unique
    assert "lower(email)" in indexes["customers_lower_email"].definition
    assert indexes["customers_named"].is_partial and all(i.is_valid for i in indexes.values())
    kinds = {c.name: c.kind for c in customers.constraints}
    assert kinds == {"customers_pkey": "primary key", "customers_email_key": "unique", "email_has_at": "check"}
    assert customers.referenced_by == [
        introspection.Reference("orders_customer_id_fkey", "public", "orders", ["customer_id"], ["id"])
    ]

    orders = introspection.table_details(branch, "dev", "public", "orders")
    fk = next(c for c in orders.constraints if c.kind == "foreign key")
    assert (fk.ref_schema, fk.ref_table, fk.columns, fk.ref_columns) == ("public", "customers", ["customer_id"], ["id"])
    assert [t.name for t in orders.triggers] == ["orders_touch"] and orders.triggers[0].enabled

    events = introspection.table_details(branch, "dev", "public", "events")
    assert events.partition_key == "RANGE (at)"
    assert events.partitions == [
        introspection.Partition("public", "events_2026", "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
    ]
    assert introspection.table_details(branch, "dev", "public", "events_2026").parent == introspection.Parent(
        "public", "events"
    )
    assert "FROM customers" in introspection.table_details(branch, "dev", "public", "big_customers").view_definition


def test_missing_tables_schemas_and_bad_arguments(branch):
    assert introspection.table_details(branch, "dev", "public", "nope") is None
    assert introspection.table_details(branch, "dev", "nope", "customers") is None
    assert introspection.table_details(branch, "dev", "pg_catalog", "pg_class") is None  # system schemas are not shown
    for call, message in [
        (lambda: introspection.list_tables(branch, "dev", sort="relname; drop"), "unknown sort"),
        (lambda: introspection.list_tables(branch, "dev", limit=0), "limit must be between"),
        (lambda: introspection.list_tables(branch, "dev", offset=-1), "offset cannot be negative"),
        (lambda: introspection.list_tables(branch, "dev", kinds=["index"]), "unknown kind"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            call()
    with pytest.raises(UnknownBranch):
        introspection.summary(branch, "staging")


def test_a_query_over_the_timeout_says_timed_out(branch):
    with psycopg.connect(branch.registry.url("dev")) as blocker:
        blocker.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")  # e.g. a long ALTER TABLE
        # the listing reads only the catalog, so a locked table does not hold it up ...
        assert introspection.list_tables(branch, "dev", sort="size").total == 12
        # ... but its exact size has to wait for the lock, until the timeout says so
        with pytest.raises(QueryTimedOut, match="timed out: .* STATEMENT_TIMEOUT=2s"):
            introspection.table_details(branch, "dev", "public", "customers")
    assert introspection.table_details(branch, "dev", "public", "customers") is not None  # the pool recovered


def test_missing_or_down_branch(databases, make_settings):
    settings = make_settings(
        dev_database_url=databases.new(), admin_database_url=databases.new("control"), prod_database_url=None
    )
    with open_context(settings) as context:
        with pytest.raises(BranchNotConfigured, match="set PROD_DATABASE_URL"):
            introspection.list_tables(context, "prod")
    down = make_settings(
        dev_database_url=f"postgresql://u:pw@127.0.0.1:{free_port()}/x",
        admin_database_url=databases.new("control"),
        pool_timeout=1,
    )
    with open_context(down) as context:
        with pytest.raises(BranchUnavailable, match="is unavailable"):
            introspection.summary(context, "dev")


def test_snapshot_and_diff_between_branches(branch):
    with psycopg.connect(branch.registry.url("prod"), autocommit=True) as conn:
        conn.execute(SCHEMA)
        conn.execute("CREATE TABLE legacy (id int)")
    with psycopg.connect(branch.registry.url("dev"), autocommit=True) as conn:
        conn.execute("ALTER TABLE orders ADD COLUMN note text")
        conn.execute("ALTER TABLE customers ALTER COLUMN name DROP DEFAULT")
        conn.execute("DROP INDEX customers_named")
        conn.execute("ALTER TABLE orders ADD CONSTRAINT placed_recently CHECK (placed_at > '2000-01-01')")
    dev, prod = introspection.snapshot(branch, "dev"), introspection.snapshot(branch, "prod")
    import json

    assert json.loads(json.dumps(dev)) == dev  # JSON-serializable as is
    result = schema_diff.diff(prod, dev)
    described = {c.describe() for c in result.changes}
    assert "public.legacy removed" in described
    assert {f"public.{name} added" for name in WEIRD} <= described
    assert "column public.orders.note added" in described
    assert "index public.customers.customers_named removed" in described
    assert "constraint public.orders.placed_recently added" in described
    assert any(c.object == "column" and c.name == "name" and c.action == "changed" for c in result.changes)
    assert result.summary().startswith("1 column added") or "column added" in result.summary()
    assert schema_diff.diff(dev, dev).identical and schema_diff.diff(dev, dev).summary() == "no schema differences"


def test_a_table_never_analyzed_and_locked_stays_unknown(branch):
    """The exact size of a table never analyzed takes a lock: one another session holds (a
    migration's ALTER, say) is "unknown" after a short wait, and the listing still comes."""
    url = branch.registry.url("dev")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE fresh_a (id int); CREATE TABLE fresh_b (id int); INSERT INTO fresh_b VALUES (1)")
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE fresh_a IN ACCESS EXCLUSIVE MODE")
        by = {t.name: t for t in introspection.list_tables(branch, "dev", limit=500, fresh=True).tables}
    assert by["fresh_a"].estimated_bytes is None  # not granted within the lock timeout
    assert by["fresh_b"].estimated_bytes is None  # read in the same statement, so unknown with it
    by = {t.name: t for t in introspection.list_tables(branch, "dev", limit=500, fresh=True).tables}
    assert by["fresh_a"].estimated_bytes == 0 and by["fresh_b"].estimated_bytes == 8192
