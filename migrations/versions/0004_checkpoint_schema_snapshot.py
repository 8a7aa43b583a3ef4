"""Schema snapshot stored with each checkpoint, so comparing it with the branch needs no restore.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE admin_checkpoints ADD COLUMN schema_snapshot jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE admin_checkpoints DROP COLUMN schema_snapshot")
