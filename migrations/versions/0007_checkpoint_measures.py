"""What making a checkpoint measured, as columns of the catalog: how long the branch took no
connections, and how a clone copied its files (the next clone's estimate reads these).

Earlier checkpoints get them from the audit rows that recorded them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE admin_checkpoints ADD COLUMN unavailable_ms integer CHECK (unavailable_ms >= 0),"
               " ADD COLUMN copy_method text")
    op.execute("""
        UPDATE admin_checkpoints c
           SET unavailable_ms = (a.details->>'unavailable_ms')::integer, copy_method = a.details->>'copy_method'
          FROM admin_actions a
         WHERE a.action = 'checkpoint.create' AND a.outcome = 'ok'
           AND a.details->>'checkpoint_id' ~ '^[0-9]+$' AND (a.details->>'checkpoint_id')::bigint = c.id
           AND a.details->>'unavailable_ms' ~ '^[0-9]+$'
    """)


def downgrade() -> None:
    op.execute("ALTER TABLE admin_checkpoints DROP COLUMN unavailable_ms, DROP COLUMN copy_method")
