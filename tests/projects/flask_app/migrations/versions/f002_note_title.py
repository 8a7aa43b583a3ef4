"""note title

Revision ID: f002
Revises: f001
Create Date: 2026-12-07 14:31:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f002"
down_revision = "f001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("title")
