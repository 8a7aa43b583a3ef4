"""index orders by user and date

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-20 09:00:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("orders_user_id_created_at", "orders", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("orders_user_id_created_at", table_name="orders")
