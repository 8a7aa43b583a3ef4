"""create notes"""

import sqlalchemy as sa
from alembic import op

revision = "p001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text, nullable=False))


def downgrade():
    op.drop_table("notes")
