"""add item price"""

import sqlalchemy as sa
from alembic import op

revision = "h002"
down_revision = "h001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("items", sa.Column("price", sa.Numeric(10, 2)))


def downgrade():
    op.drop_column("items", "price")
