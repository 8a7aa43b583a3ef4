"""What ``dbadmin capture install`` and ``dbadmin guard`` put on a branch, and take away again.

One schema of dbadmin's own (``dbadmin_capture``): the log, its id, the runs dbadmin has
open, and event triggers: two that record (``ddl_command_end`` for what was made or changed,
``sql_drop`` for what was dropped) and, with the guard on, two that refuse.  The recording
functions run as the log's owner and catch every error of their own, so the application's
DDL never fails because the log is missing or refuses a row; the guard's functions catch
nothing, so a guard that cannot read its state refuses (it fails closed).

A dbadmin run proves itself with a token: before it starts, dbadmin (the schema's owner)
writes a random token into ``runs``, a table no other role can read or write, and the run's
sessions carry it in ``dbadmin.run`` (set through a bound parameter, so it shows in no
query text).  The triggers look the token up: the log records the run's id only for a
token dbadmin wrote, and the guard lets only such sessions through.  A session that sets
``dbadmin.run`` to anything else is an ordinary session.  A superuser can still switch event
triggers off (``session_replication_role``, or by dropping them): the guard keeps honest
people and the application's own role on the path of migrations, it does not stop an
administrator.  Creating event triggers needs a superuser (or a provider's equivalent).
"""

from __future__ import annotations

from ..schema.introspection import CAPTURE_SCHEMA

SCHEMA = CAPTURE_SCHEMA
TRIGGERS = (f"{SCHEMA}_ddl", f"{SCHEMA}_drop")
GUARDS = (f"{SCHEMA}_guard_ddl", f"{SCHEMA}_guard_drop")
STATEMENT_LIMIT = 20_000  # characters of a statement kept; a migration's whole script would be larger

# The run a session proves it belongs to (its token, written by dbadmin), or NULL.
_RUN = (
    f"(SELECT run_id FROM {SCHEMA}.runs WHERE token = current_setting('dbadmin.run', true) "
    "AND expires_at > clock_timestamp())"
)
_BYPASSED = f"EXISTS (SELECT FROM {SCHEMA}.meta WHERE bypass_until > clock_timestamp())"

# What is not the application's schema: dbadmin's log, temporary objects, an extension's members.
_DDL_SKIP = (
    f"changed.schema_name = '{SCHEMA}' OR changed.in_extension OR changed.schema_name LIKE 'pg\\_temp%' "
    "OR changed.command_tag = 'REFRESH MATERIALIZED VIEW'"
)
_DROP_SKIP = f"changed.schema_name = '{SCHEMA}' OR changed.is_temporary"
_DDL_ROWS = "SELECT * FROM pg_event_trigger_ddl_commands()"  # DROP is not reported here
_DROP_ROWS = "SELECT * FROM pg_event_trigger_dropped_objects() WHERE original"  # what a DROP named


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
    run text;
    bypassed boolean;
BEGIN
    run := {_RUN};
    bypassed := run IS NULL AND {_BYPASSED} AND EXISTS (SELECT FROM pg_event_trigger WHERE evtname = '{GUARDS[0]}');
    FOR changed IN {rows} LOOP
        CONTINUE WHEN {skip};
        INSERT INTO {SCHEMA}.ddl_log
            (role, application_name, client_addr, command_tag, object_type, object_identity, statement, run_id,
             bypass)
        VALUES (session_user || CASE WHEN current_setting('role') <> 'none'
                                     THEN ' as ' || current_setting('role') ELSE '' END,
                left(current_setting('application_name', true), 200), host(inet_client_addr()), {tag},
                changed.object_type, left(changed.object_identity, 1000), left(current_query(), {STATEMENT_LIMIT}),
                run, bypassed);
    END LOOP;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'dbadmin did not record this schema change: % (%)', SQLERRM, SQLSTATE;
END
$fn$;
REVOKE ALL ON FUNCTION {SCHEMA}.{name}() FROM PUBLIC;
"""


def _guard(name: str, rows: str, skip: str) -> str:
    """An event trigger function that refuses a change of the application's schema outside a dbadmin run.

    No exception handler: when its state cannot be read, the change is refused too.
    """
    return f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.{name}() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    changed record;
BEGIN
    IF {_RUN} IS NOT NULL OR {_BYPASSED} THEN
        RETURN;
    END IF;
    FOR changed IN {rows} LOOP
        CONTINUE WHEN {skip};
        RAISE EXCEPTION 'dbadmin guards this database: % is refused outside a migration', tg_tag
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Write a migration (dbadmin migrate new), apply it on Development, then promote it. '
                         'In an emergency an admin can bypass the guard for some minutes (BYPASS GUARD <minutes>).';
    END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION {SCHEMA}.{name}() FROM PUBLIC;
"""


# The triggers go first, so that installing (again) is neither recorded nor refused.
INSTALL = f"""
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
DROP EVENT TRIGGER IF EXISTS {GUARDS[0]};
DROP EVENT TRIGGER IF EXISTS {GUARDS[1]};
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (log_id text PRIMARY KEY);
ALTER TABLE {SCHEMA}.meta ADD COLUMN IF NOT EXISTS bypass_until timestamptz;
INSERT INTO {SCHEMA}.meta SELECT gen_random_uuid()::text WHERE NOT EXISTS (SELECT FROM {SCHEMA}.meta);
CREATE TABLE IF NOT EXISTS {SCHEMA}.runs (
    token      text PRIMARY KEY,
    run_id     text NOT NULL,
    expires_at timestamptz NOT NULL
);
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
ALTER TABLE {SCHEMA}.ddl_log ADD COLUMN IF NOT EXISTS bypass boolean NOT NULL DEFAULT false;
{_recorder("record_ddl", _DDL_ROWS, "changed.command_tag", _DDL_SKIP)}
{_recorder("record_drop", _DROP_ROWS, "tg_tag", _DROP_SKIP)}
{_guard("guard_ddl", _DDL_ROWS, _DDL_SKIP)}
{_guard("guard_drop", _DROP_ROWS, _DROP_SKIP)}
CREATE EVENT TRIGGER {TRIGGERS[0]} ON ddl_command_end EXECUTE FUNCTION {SCHEMA}.record_ddl();
CREATE EVENT TRIGGER {TRIGGERS[1]} ON sql_drop EXECUTE FUNCTION {SCHEMA}.record_drop();
"""

# Who owns the schema, if it exists: an install must not adopt one someone else made (its
# objects would run with the installer's rights).
OWNER = f"SELECT pg_get_userbyid(nspowner) = current_user AS ours FROM pg_namespace WHERE nspname = '{SCHEMA}'"

GUARD_ON = f"""
DROP EVENT TRIGGER IF EXISTS {GUARDS[0]};
DROP EVENT TRIGGER IF EXISTS {GUARDS[1]};
UPDATE {SCHEMA}.meta SET bypass_until = NULL;
CREATE EVENT TRIGGER {GUARDS[0]} ON ddl_command_end EXECUTE FUNCTION {SCHEMA}.guard_ddl();
CREATE EVENT TRIGGER {GUARDS[1]} ON sql_drop EXECUTE FUNCTION {SCHEMA}.guard_drop();
"""

GUARD_OFF = f"""
DROP EVENT TRIGGER IF EXISTS {GUARDS[0]};
DROP EVENT TRIGGER IF EXISTS {GUARDS[1]};
"""

BYPASS = f"UPDATE {SCHEMA}.meta SET bypass_until = clock_timestamp() + make_interval(mins => %s) RETURNING bypass_until"

STOP = (
    GUARD_OFF
    + f"""
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS {TRIGGERS[1]};
"""
)

REMOVE = f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"

# A run's token, written before its sessions start and deleted when it ends; the expiry bounds
# what a killed dbadmin leaves behind.
OPEN_RUN = (
    f"INSERT INTO {SCHEMA}.runs (token, run_id, expires_at) VALUES (%s, %s, clock_timestamp() + interval '1 day')"
)
CLOSE_RUN = f"DELETE FROM {SCHEMA}.runs WHERE token = %s OR expires_at < clock_timestamp()"

# Roles hosted PostgreSQL gives its customers in place of a superuser, which may create event
# triggers on some providers; an install is tried there, and refused in one line where it may not.
PROVIDER_ROLES = ("rds_superuser", "neon_superuser", "azure_pg_admin", "cloudsqlsuperuser", "supabase_admin")

STATE = f"""
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR EXISTS (SELECT FROM pg_roles WHERE rolname IN {PROVIDER_ROLES!r} AND pg_has_role(current_user, oid, 'member'))
       AS superuser,
       (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ('{TRIGGERS[0]}', '{TRIGGERS[1]}')
          AND evtenabled <> 'D') AS triggers,
       (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ('{GUARDS[0]}', '{GUARDS[1]}')
          AND evtenabled <> 'D') AS guards,
       to_regclass('{SCHEMA}.ddl_log') IS NOT NULL AS has_log,
       to_regclass('{SCHEMA}.runs') IS NOT NULL AS has_runs
"""

BYPASS_UNTIL = f"SELECT bypass_until FROM {SCHEMA}.meta WHERE bypass_until > clock_timestamp()"
