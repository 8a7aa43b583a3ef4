"""``dbadmin init``: an app with tables and no migrations gets a project whose first revision is its
live Dev schema, proved by rebuilding it, with both branches recorded at it only when true."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config

from dbadmin.services import adoption, capture, migrations, server_admin
from dbadmin.services.adoption import ddl, first_revision, scaffold
from dbadmin.services.errors import ConfirmationRequired, InvalidInput, OperationRefused, NotAllowed
from dbadmin.services.operations.access import Principal, Role
from dbadmin.services.schema import introspection
from dbadmin.services.startup import open_context
from tests.helpers import actions, admin, load_legacy_shop, version

ADA = admin("ada")


def alembic_config(ini: Path, url: str, output: io.StringIO | None = None) -> Config:
    """The project as someone runs it by hand, ``alembic -x url=...``."""
    config = Config(str(ini), output_buffer=output, cmd_opts=None)
    config.cmd_opts = type("Options", (), {"x": [f"url=postgresql+psycopg://{url.split('://', 1)[1]}"]})()
    return config


def schema_of(url: str) -> dict:
    """The snapshot without what only a running database has (row estimates) or only Alembic adds."""
    with server_admin.reading(url) as cur:
        found = introspection.snapshot_of(cur)
    found["tables"].pop("public.alembic_version", None)
    for table in found["tables"].values():
        table.pop("estimated_rows")
    return found


def comments_and_bodies(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT 'comment', obj_description('public.customers'::regclass) "
            "UNION ALL SELECT 'column comment', col_description('public.customers'::regclass, 3) "
            "UNION ALL SELECT 'policy', string_agg(policyname || ': ' || qual, ', ') FROM pg_policies "
            "UNION ALL SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall()


def test_the_first_revision_rebuilds_dev_exactly_and_downgrades_to_nothing(legacy, databases):
    context, folder, dev, prod = legacy
    capture.install(context, "dev", actor=ADA)  # dbadmin's own DDL log must not become part of the app's schema
    result = adoption.init(context, actor=ADA, cwd=folder, reason="adopt migrations")
    capture.collect(context, "dev")
    made = capture.events(context, "dev")  # the baseline's version table (and its key), made by a dbadmin run
    assert "public.alembic_version" in {e.object_identity for e in made} and all(e.by_dbadmin for e in made)

    assert (result.ini, result.directory) == (folder / "alembic.ini", folder / "migrations")
    assert sorted(p.name for p in result.directory.iterdir()) == ["env.py", "script.py.mako", "versions"]
    assert result.file is not None and result.file.parent == result.directory / "versions"
    assert result.tables == 12 and result.statements > 30
    assert version(context, "dev") == [result.revision] and version(context, "prod") == []
    audited = {(a.action, a.branch, a.outcome, a.actor, a.reason) for a in actions(context)}
    assert audited - {("capture.install", "dev", "ok", "ada", None)} == {
        ("migrate.init", "dev", "ok", "ada", "adopt migrations"),
        ("migrate.baseline", "dev", "ok", "ada", "adopt migrations"),
    }
    recorded = migrations.history(adoption.adopted(context, result.ini), "dev")
    assert [(a.revision.id, a.applied_by, a.by_dbadmin) for a in recorded.applied] == [
        (result.revision, "ada (baseline)", True)
    ]
    assert [(r.direction, r.outcome) for r in recorded.runs] == [("baseline", "ok")]

    # The proof, by hand and not through dbadmin: an empty database upgraded with the project is Dev.
    scratch = databases.new()
    command.upgrade(alembic_config(result.ini, scratch), "head")
    rebuilt, original = schema_of(scratch), schema_of(dev)
    assert rebuilt == original
    assert {"types", "functions", "sequences"} <= {k for k, v in original.items() if v}
    assert original["tables"]["public.orders"]["triggers"] and original["tables"]["public.open_orders"]["definition"]
    assert original["tables"]["public.customers"]["columns"]["id"]["identity"] == "always"
    # What a snapshot does not hold: a comment with ':name', '\:' and '%', function bodies with '%'.
    assert comments_and_bodies(scratch) == comments_and_bodies(dev)
    assert "100% of revenue, see :notes and \\:raw" in dict(comments_and_bodies(dev))["comment"]
    assert dict(comments_and_bodies(dev))["column comment"] == "Nom complet — café, 漢字"

    command.downgrade(alembic_config(result.ini, scratch), "base")
    emptied = schema_of(scratch)
    assert emptied["tables"] == {} and not any(emptied[k] for k in ("types", "functions", "sequences"))

    # Offline (--sql) renders the same statements, the escaped colons as they were written.
    output = io.StringIO()
    command.upgrade(alembic_config(result.ini, scratch, output), "head", sql=True)
    assert "see :notes and \\:raw" in output.getvalue() and "CREATE TABLE billing.invoices" in output.getvalue()


def test_an_identical_prod_is_baselined_with_the_phrase_then_the_workflow_runs(legacy):
    context, folder, dev, prod = legacy
    result = adoption.init(context, actor=ADA, cwd=folder)
    assert result.prod.state == "identical" and result.prod.differences == ()

    with pytest.raises(ConfirmationRequired, match=f"BASELINE {result.revision}"):
        adoption.baseline_prod(context, result, actor=ADA, confirm="BASELINE")
    assert version(context, "prod") == []
    done = adoption.baseline_prod(context, result, actor=ADA, confirm=f"BASELINE {result.revision}")
    assert (done.revision, version(context, "prod")) == (result.revision, [result.revision])

    # From here the design's workflow: a new revision, up on Dev, promote to Prod.
    project = adoption.adopted(context, result.ini)
    written = migrations.new_revision(project, "add customer status")
    path = result.directory / "versions" / written.file
    path.write_text(
        path.read_text()
        .replace(
            "def upgrade() -> None:\n    pass",
            "def upgrade() -> None:\n    op.execute('ALTER TABLE customers ADD status text')",
        )
        .replace(
            "def downgrade() -> None:\n    pass",
            "def downgrade() -> None:\n    op.execute('ALTER TABLE customers DROP status')",
        )
    )
    migrations.upgrade(project, "dev", actor=ADA)
    plan = migrations.plan_promotion(project)
    migrations.promote(project, actor=ADA, confirm=plan.phrase)
    assert version(project, "prod") == [written.id]
    assert "status" in introspection.snapshot(project, "prod")["tables"]["public.customers"]["columns"]


def test_a_prod_that_differs_is_shown_object_by_object_and_left_alone(legacy):
    context, folder, dev, prod = legacy
    with psycopg.connect(prod, autocommit=True) as conn:
        conn.execute("ALTER TABLE customers ADD nickname text; DROP INDEX orders_open; DROP VIEW open_orders")
    result = adoption.init(context, actor=ADA, cwd=folder)

    assert result.prod.state == "differs" and result.revision in result.prod.message
    assert sorted(result.prod.differences) == [
        "column public.customers.nickname added",
        "index public.orders.orders_open removed",
        "public.open_orders removed",
    ]
    with pytest.raises(InvalidInput, match="not ready to baseline"):
        adoption.baseline_prod(context, result, actor=ADA, confirm=f"BASELINE {result.revision}")
    # The baseline verb itself refuses too: its own comparison, not init's, decides.
    with pytest.raises(OperationRefused, match="does not match"):
        migrations.baseline(
            adoption.adopted(context, result.ini),
            "prod",
            actor=ADA,
            revision=result.revision,
            confirm=f"BASELINE {result.revision}",
        )
    assert version(context, "prod") == [] and version(context, "dev") == [result.revision]


def test_init_never_overwrites_and_a_refused_init_leaves_nothing(legacy, tmp_path):
    context, folder, dev, prod = legacy
    (folder / "migrations").mkdir()
    (folder / "migrations" / "env.py").write_text("# the app's own\n")
    with pytest.raises(InvalidInput, match="never overwrites"):
        adoption.init(context, actor=ADA, cwd=folder)
    (folder / "db").mkdir()
    (folder / "db" / "alembic.ini").write_text("[alembic]\n")  # the ini goes beside the folder: db/alembic.ini
    with pytest.raises(InvalidInput, match="alembic.ini already exists"):
        adoption.init(context, "db/migrations", actor=ADA, cwd=folder)
    assert (folder / "migrations" / "env.py").read_text() == "# the app's own\n"

    viewer = Principal("vic", Role.VIEWER, "test")
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    with pytest.raises(NotAllowed):
        adoption.init(context, "other", actor=viewer, cwd=folder)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before  # no staging folder left either
    assert version(context, "dev") == [] and not (folder / ".env").exists()
    assert [(a.action, a.outcome, a.actor) for a in actions(context)] == [
        ("migrate.init", "refused", "ada"),
        ("migrate.init", "refused", "ada"),
        ("migrate.init", "refused", "vic"),
    ]


def test_init_refuses_an_app_that_has_a_project_or_a_dev_under_migrations(legacy, databases, make_settings, tmp_path):
    context, folder, dev, prod = legacy
    with open_context(context.settings.model_copy(update={"migrations": tmp_path / "elsewhere.ini"})) as configured:
        with pytest.raises(OperationRefused, match="MIGRATIONS already names a project"):
            adoption.init(configured, actor=ADA, cwd=folder)
    with psycopg.connect(dev, autocommit=True) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
    with pytest.raises(OperationRefused, match="already under migrations"):
        adoption.init(context, actor=ADA, cwd=folder)
    assert list(folder.iterdir()) == []


def test_the_env_line_is_appended_and_never_replaces_one_that_is_there(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DEV_DATABASE_URL=postgresql://dev\nSECRET_KEY=x")  # no final newline
    assert scaffold.add_env_line(env, "MIGRATIONS", "alembic.ini") is True
    assert env.read_text() == "DEV_DATABASE_URL=postgresql://dev\nSECRET_KEY=x\nMIGRATIONS=alembic.ini\n"
    assert scaffold.add_env_line(env, "MIGRATIONS", "other/alembic.ini") is False
    assert env.read_text().count("MIGRATIONS=") == 1


@pytest.mark.parametrize(
    "sql", ["SELECT 'a:b'", "SELECT ' :x'", "SELECT '\\:y'", "SELECT '100%'", "SELECT ':x::text'", "SELECT 1::int"]
)
def test_statements_reach_the_server_as_written(sql, databases):
    """``op.execute`` reads text(); what ``for_text`` escapes comes out unchanged, online."""
    from sqlalchemy import create_engine, text

    url = databases.new()
    engine = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    try:
        with engine.connect() as conn:
            expected = psycopg.connect(url).execute(sql).fetchone()[0]
            assert conn.execute(text(first_revision.for_text(sql))).scalar() == expected
    finally:
        engine.dispose()


def test_an_empty_prod_is_built_by_promoting_the_first_revision(databases, make_settings, tmp_path):
    dev = databases.new()
    load_legacy_shop(dev)
    settings = make_settings(
        dev_database_url=dev, prod_database_url=databases.new(), admin_database_url=databases.new("control")
    )
    with open_context(settings) as context:
        result = adoption.init(context, "db/migrations", actor=ADA, cwd=tmp_path)  # db/ is made for it
        assert (result.ini, result.env_line) == (tmp_path / "db" / "alembic.ini", "MIGRATIONS=db/alembic.ini")
        assert result.prod.state == "empty" and "dbadmin migrate promote builds it" in result.prod.message
        project = adoption.adopted(context, result.ini)
        migrations.promote(project, actor=ADA, confirm=migrations.plan_promotion(project).phrase)
        assert version(context, "prod") == [result.revision]
        assert schema_of(context.registry.url("prod")) == schema_of(dev)


def test_the_split_keeps_each_statement_whole_and_undoes_only_what_it_must():
    """pg_dump's shapes that a naive split or undo gets wrong, without a server."""
    script = """
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
\\restrict abc123
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
COMMENT ON EXTENSION citext IS 'case-insensitive text';
COMMENT ON SCHEMA public IS 'standard public schema';
SET default_table_access_method = heap;
CREATE TABLE public.t (id integer NOT NULL, note text DEFAULT 'é:x');
COMMENT ON TABLE public.t IS 'ééé; not the end';
CREATE VIEW public.v AS SELECT NULL::integer AS id;
CREATE AGGREGATE public.total(integer) (SFUNC = int4pl, STYPE = integer);
CREATE OR REPLACE VIEW public.v AS SELECT t.id FROM public.t;
ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_self FOREIGN KEY (id) REFERENCES public.t(id);
\\unrestrict abc123
"""
    found = [(s.sql, s.undo, s.kept) for s in ddl.statements(script)]
    assert found == [
        ("CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public", "DROP EXTENSION IF EXISTS citext", False),
        ("SET LOCAL default_table_access_method = heap", None, False),
        ("CREATE TABLE public.t (id integer NOT NULL, note text DEFAULT 'é:x')", "DROP TABLE public.t", False),
        ("COMMENT ON TABLE public.t IS 'ééé; not the end'", None, False),
        ("CREATE VIEW public.v AS SELECT NULL::integer AS id", "DROP VIEW public.v", False),
        ("CREATE AGGREGATE public.total(integer) (SFUNC = int4pl, STYPE = integer)", None, True),
        ("CREATE OR REPLACE VIEW public.v AS SELECT t.id FROM public.t", None, False),
        ("ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)", None, False),
        (
            "ALTER TABLE ONLY public.t ADD CONSTRAINT t_self FOREIGN KEY (id) REFERENCES public.t(id)",
            "ALTER TABLE ONLY public.t DROP CONSTRAINT t_self",
            False,
        ),
    ]
    rendered = first_revision.render(
        ddl.statements(script), revision="abc", message="Initial schema", source="here", created=datetime.now()
    )
    assert "# left in place (drop it by hand if it is in the way): CREATE AGGREGATE public.total(integer)" in rendered
    compile(rendered, "revision.py", "exec")


def test_a_proof_that_fails_takes_back_the_files_and_the_folders_made_for_them(legacy, monkeypatch):
    context, folder, dev, prod = legacy

    def refuse(*args, **kwargs):
        raise OperationRefused("Development does not match (stand-in for a failed proof)")

    monkeypatch.setattr(adoption.verbs.migrations, "baseline", refuse)
    with pytest.raises(OperationRefused, match="stand-in"):
        adoption.init(context, "db/migrations", actor=ADA, cwd=folder)
    assert list(folder.iterdir()) == [] and version(context, "dev") == []
    assert [(a.action, a.outcome) for a in actions(context)] == [("migrate.init", "refused")]


def test_init_without_a_production_adopts_dev_and_says_prod_was_not_compared(databases, make_settings, tmp_path):
    dev = databases.new()
    load_legacy_shop(dev)
    with open_context(make_settings(dev_database_url=dev, admin_database_url=databases.new("control"))) as context:
        result = adoption.init(context, actor=ADA, cwd=tmp_path)
    assert result.prod.state == "not compared" and "PROD_DATABASE_URL" in result.prod.message
    assert result.revision is not None and (tmp_path / "alembic.ini").is_file()
