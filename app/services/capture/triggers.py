"""What ``dbadmin capture install`` puts on a branch, and takes away again.

One schema of dbadmin's own (``dbadmin_capture``): the log, its id, and two event triggers
(``ddl_command_end`` for what was made or changed, ``sql_drop`` for what was dropped).  The
trigger functions run as the log's owner and catch every error of their own, so the
application's DDL never fails because the log is missing or refuses a row.  dbadmin's own
runs set ``dbadmin.run`` in their sessions, which the log records; any session could set it
too, so it tells dbadmin's runs apart, it does not prove one (a guard must not trust it
alone).  Creating event triggers needs a superuser (or a provider's equivalent).
"""

from __future__ import annotations

from ..schema.introspection import CAPTURE_SCHEMA

SCHEMA = CAPTURE_SCHEMA
TRIGGERS = (f"{SCHEMA}_ddl", f"{SCHEMA}_drop")
STATEMENT_LIMIT = 20_000  # characters of a statement kept; a migration's whole script would be larger


def _recorder(name: str, rows: str, tag: str, skip: str) -> str:
    """An event trigger function that logs each of ``rows`` (a set-returning call) but those ``skip`` names.

    It runs as the log's owner (SECURITY DEFINER, callable by no one else), so no role needs a
    grant on the log and no role can write to it directly; who ran the DDL is the session's
    login role, and the role it had SET, if any.
    """
    return f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.{name}() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    changed record;
BEGIN
    FOR changed IN {rows} LOOP
        CONTINUE WHEN {skip};
        INSERT INTO {SCHEMA}.ddl_log
            (role, application_name, client_addr, command_tag, object_type, object_identity, statement, run_id)
        VALUES (session_user || CASE WHEN current_setting('role') <> 'none'
                                     THEN ' as ' || current_setting('role') ELSE '' END,
                left(current_setting('application_name', true), 200), host(inet_client_addr()), {tag},
                changed.object_type, left(changed.object_identity, 1000), left(current_query(), {STATEMENT_LIMIT}),
                nullif(left(current_setting('dbadmin.run', true), 64), ''));
    END LOOP;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'dbadmin did not record this schema change: % (%)', SQLERRM, SQLSTATE;
END
$fn$;
REVOKE ALL ON FUNCTION {SCHEMA}.{name}() FROM PUBLIC;
"""


# What was made or changed (DROP is not reported here), and what a DROP took by name (not what
# went with it); not dbadmin's own log, temporary objects, an extension's members, or refreshes.
_RECORD_DDL = _recorder(
    "record_ddl",
    "SELECT * FROM pg_event_trigger_ddl_commands()",
    "changed.command_tag",
    f"changed.schema_name = '{SCHEMA}' OR changed.in_extension OR changed.schema_name LIKE 'pg\\_temp%' "
    "OR changed.command_tag = 'REFRESH MATERIALIZED VIEW'",
)
_RECORD_DROP = _recorder(
    "record_drop",
    "SELECT * FROM pg_event_trigger_dropped_objects() WHERE original",
    "tg_tag",
    f"changed.schema_name = '{SCHEMA}' OR changed.is_temporary",
)

# The triggers go first, so that installing (again) is not recorded as a change of the app's.
INSTALL = f"""
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
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
{_RECORD_DDL}
{_RECORD_DROP}
CREATE EVENT TRIGGER {TRIGGERS[0]} ON ddl_command_end EXECUTE FUNCTION {SCHEMA}.record_ddl();
CREATE EVENT TRIGGER {TRIGGERS[1]} ON sql_drop EXECUTE FUNCTION {SCHEMA}.record_drop();
"""

# Who owns the schema, if it exists: an install must not adopt one someone else made (its
# objects would run with the installer's rights).
OWNER = f"SELECT pg_get_userbyid(nspowner) = current_user AS ours FROM pg_namespace WHERE nspname = '{SCHEMA}'"

STOP = f"""
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
"""

REMOVE = f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"

STATE = f"""
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ('{TRIGGERS[0]}', '{TRIGGERS[1]}')
          AND evtenabled <> 'D') AS triggers,
       to_regclass('{SCHEMA}.ddl_log') IS NOT NULL AS has_log
"""
