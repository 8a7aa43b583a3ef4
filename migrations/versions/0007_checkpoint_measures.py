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
    op.execute(
        "ALTER TABLE admin_checkpoints ADD COLUMN unavailable_ms integer CHECK (unavailable_ms >= 0),"
        " ADD COLUMN copy_method text"
    )
    # CASE, not AND: PostgreSQL may evaluate AND's terms in any order, and a cast of text that is
    # no number (or too large) would stop the upgrade.
    op.execute("""
        UPDATE admin_checkpoints c
           SET unavailable_ms = m.unavailable_ms, copy_method = m.copy_method
          FROM (SELECT CASE WHEN details->>'checkpoint_id' ~ '^[0-9]{1,18}$'
                            THEN (details->>'checkpoint_id')::bigint END AS checkpoint_id,
                       CASE WHEN details->>'unavailable_ms' ~ '^[0-9]{1,9}$'
                            THEN (details->>'unavailable_ms')::integer END AS unavailable_ms,
                       left(details->>'copy_method', 40) AS copy_method
                  FROM admin_actions WHERE action = 'checkpoint.create' AND outcome = 'ok') m
         WHERE m.checkpoint_id = c.id AND m.unavailable_ms IS NOT NULL
    """)


def downgrade() -> None:
    op.execute("ALTER TABLE admin_checkpoints DROP COLUMN unavailable_ms, DROP COLUMN copy_method")
