"""Tamper-evident audit log: every row carries a hash over its content and the previous row's hash.

A trigger computes the chain at insert time, under a transaction-level advisory lock, so
concurrent writers are serialized into one order (``chain_seq``; identity ids can commit
out of order).  ``dbadmin audit verify`` recomputes the chain and names the first broken
link.  Rows written before this revision are chained here, in id order.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE admin_actions ADD COLUMN chain_seq bigint, ADD COLUMN prev_hash text, ADD COLUMN row_hash text;

        CREATE FUNCTION admin_actions_digest(a admin_actions) RETURNS text LANGUAGE sql STABLE AS $$
            SELECT encode(sha256(convert_to(concat_ws(E'\\x1f', a.prev_hash, a.chain_seq::text, a.id::text, a.actor,
                a.action, coalesce(a.branch, ''), a.details::text, coalesce(a.reason, ''), a.outcome,
                coalesce(a.duration_ms::text, ''), to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')),
                'UTF8')), 'hex')
        $$;

        CREATE FUNCTION admin_actions_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            last record;
        BEGIN
            -- one writer at a time extends the chain; the lock ends with the writer's transaction
            PERFORM pg_advisory_xact_lock(hashtext('dbadmin.admin_actions.chain'));
            SELECT chain_seq, row_hash INTO last FROM admin_actions ORDER BY chain_seq DESC LIMIT 1;
            NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
            NEW.prev_hash := coalesce(last.row_hash, '');
            NEW.row_hash := admin_actions_digest(NEW);
            RETURN NEW;
        END
        $$;

        ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_no_update_delete;
        DO $$
        DECLARE
            r admin_actions;
            seq bigint := 0;
            previous text := '';
        BEGIN
            FOR r IN SELECT * FROM admin_actions ORDER BY id LOOP
                seq := seq + 1;
                r.chain_seq := seq;
                r.prev_hash := previous;
                previous := admin_actions_digest(r);
                UPDATE admin_actions SET chain_seq = seq, prev_hash = r.prev_hash, row_hash = previous WHERE id = r.id;
            END LOOP;
        END
        $$;
        ALTER TABLE admin_actions ENABLE TRIGGER admin_actions_no_update_delete;

        ALTER TABLE admin_actions ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
            ALTER COLUMN row_hash SET NOT NULL;
        CREATE UNIQUE INDEX admin_actions_chain_seq ON admin_actions (chain_seq);
        CREATE TRIGGER admin_actions_chain BEFORE INSERT ON admin_actions
            FOR EACH ROW EXECUTE FUNCTION admin_actions_chain();
    """)


def downgrade() -> None:
    op.execute("""
        DROP TRIGGER admin_actions_chain ON admin_actions;
        DROP FUNCTION admin_actions_chain();
        DROP INDEX admin_actions_chain_seq;
        ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_no_update_delete;
        ALTER TABLE admin_actions DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN row_hash;
        ALTER TABLE admin_actions ENABLE TRIGGER admin_actions_no_update_delete;
        DROP FUNCTION admin_actions_digest(admin_actions);
    """)
