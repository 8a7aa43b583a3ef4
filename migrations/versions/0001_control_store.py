"""Control store: audit log (append-only), checkpoint catalog, migration runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE admin_actions (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            actor       text NOT NULL CHECK (actor <> ''),
            action      text NOT NULL CHECK (action <> ''),
            branch      text CHECK (branch IN ('dev', 'prod')),
            details     jsonb NOT NULL DEFAULT '{}'::jsonb,
            reason      text,
            outcome     text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed', 'interrupted')),
            duration_ms integer CHECK (duration_ms >= 0),
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX admin_actions_created_at ON admin_actions (created_at DESC, id DESC);
        CREATE INDEX admin_actions_branch_created_at ON admin_actions (branch, created_at DESC);

        -- The audit log is append-only for everyone who goes through SQL, dbadmin included.
        CREATE FUNCTION admin_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'admin_actions is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        CREATE TRIGGER admin_actions_no_update_delete
            BEFORE UPDATE OR DELETE ON admin_actions
            FOR EACH ROW EXECUTE FUNCTION admin_actions_append_only();
        CREATE TRIGGER admin_actions_no_truncate
            BEFORE TRUNCATE ON admin_actions
            FOR EACH STATEMENT EXECUTE FUNCTION admin_actions_append_only();

        CREATE TABLE admin_checkpoints (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
            notes       text,
            created_by  text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            branch      text NOT NULL CHECK (branch IN ('dev', 'prod')),
            strategy    text NOT NULL,
            reference   text,
            size_bytes  bigint CHECK (size_bytes >= 0),
            revision    text,
            status      text NOT NULL DEFAULT 'creating'
                        CHECK (status IN ('creating', 'ready', 'failed', 'deleted')),
            expires_at  timestamptz
        );
        CREATE INDEX admin_checkpoints_branch_created_at ON admin_checkpoints (branch, created_at DESC);

        CREATE TABLE migration_runs (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            branch      text NOT NULL CHECK (branch IN ('dev', 'prod')),
            revision    text NOT NULL,
            direction   text NOT NULL CHECK (direction IN ('up', 'down')),
            actor       text NOT NULL,
            started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at timestamptz,
            outcome     text NOT NULL DEFAULT 'running'
                        CHECK (outcome IN ('running', 'ok', 'failed', 'interrupted')),
            error       text
        );
        CREATE INDEX migration_runs_branch_started_at ON migration_runs (branch, started_at DESC);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE migration_runs;
        DROP TABLE admin_checkpoints;
        DROP TABLE admin_actions;
        DROP FUNCTION admin_actions_append_only();
        """
    )
