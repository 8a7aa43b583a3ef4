"""create notes

Revision ID: f001
Revises:
Create Date: 2026-12-07 14:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("notes")
