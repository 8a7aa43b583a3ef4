"""create items"""

import sqlalchemy as sa
from alembic import op

revision = "h001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.String(200), nullable=False)
    )


def downgrade():
    op.drop_table("items")
