"""What ``dbadmin capture install`` puts on a branch, and takes away again.

One schema of dbadmin's own (``dbadmin_capture``): the log, its id, a writer function, and
two event triggers (``ddl_command_end`` for what was made or changed, ``sql_drop`` for what
was dropped).  The trigger functions run as whoever ran the DDL and catch every error of
their own, so the application's DDL never fails because the log is missing or refuses a
row; the writer runs as the log's owner, so any role's DDL can be recorded without being
granted the table.  dbadmin's own runs set ``dbadmin.run`` in their sessions, which the
writer records.  Creating event triggers needs a superuser (or a provider's equivalent).
"""

from __future__ import annotations

from ..schema.introspection import CAPTURE_SCHEMA

SCHEMA = CAPTURE_SCHEMA
TRIGGERS = (f"{SCHEMA}_ddl", f"{SCHEMA}_drop")
STATEMENT_LIMIT = 20_000  # characters of a statement kept; a migration's whole script would be larger


def _recorder(name: str, rows: str, tag: str) -> str:
    """An event trigger function that writes each of ``rows`` (a set-returning call) to the log."""
    return f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.{name}() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    changed record;
BEGIN
    FOR changed IN {rows} LOOP
        CONTINUE WHEN changed.schema_name = '{SCHEMA}';
        PERFORM {SCHEMA}.write(current_user::text, {tag}, changed.object_type, changed.object_identity);
    END LOOP;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'dbadmin did not record this schema change: % (%)', SQLERRM, SQLSTATE;
END
$fn$;
"""


# What was made or changed (DROP is not reported here), and what a DROP took by name (not what went with it).
_RECORD_DDL = _recorder("record_ddl", "SELECT * FROM pg_event_trigger_ddl_commands()", "changed.command_tag")
_RECORD_DROP = _recorder("record_drop", "SELECT * FROM pg_event_trigger_dropped_objects() WHERE original", "tg_tag")

INSTALL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC;
CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (log_id text PRIMARY KEY);
INSERT INTO {SCHEMA}.meta SELECT gen_random_uuid()::text WHERE NOT EXISTS (SELECT FROM {SCHEMA}.meta);
CREATE TABLE IF NOT EXISTS {SCHEMA}.ddl_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    role             text,
    application_name text,
    client_addr      text,
    command_tag      text NOT NULL,
    object_type      text,
    object_identity  text,
    statement        text,
    run_id           text
);

CREATE OR REPLACE FUNCTION {SCHEMA}.write(who text, tag text, kind text, identity text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
    INSERT INTO {SCHEMA}.ddl_log
        (role, application_name, client_addr, command_tag, object_type, object_identity, statement, run_id)
    VALUES (who, left(current_setting('application_name', true), 200), host(inet_client_addr()), tag, kind,
            left(identity, 1000), left(current_query(), {STATEMENT_LIMIT}),
            nullif(left(current_setting('dbadmin.run', true), 64), ''))
$fn$;

{_RECORD_DDL}
{_RECORD_DROP}
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
CREATE EVENT TRIGGER {TRIGGERS[0]} ON ddl_command_end EXECUTE FUNCTION {SCHEMA}.record_ddl();
CREATE EVENT TRIGGER {TRIGGERS[1]} ON sql_drop EXECUTE FUNCTION {SCHEMA}.record_drop();
"""

REMOVE = f"""
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
DROP SCHEMA IF EXISTS {SCHEMA} CASCADE;
"""

STATE = f"""
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ('{TRIGGERS[0]}', '{TRIGGERS[1]}')
          AND evtenabled <> 'D') AS triggers,
       to_regclass('{SCHEMA}.ddl_log') IS NOT NULL AS has_log
"""
