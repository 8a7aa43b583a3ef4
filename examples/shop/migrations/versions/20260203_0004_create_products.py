"""create products

Revision ID: 0004
Revises: 0003
Create Date: 2026-02-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("sku", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("products")
