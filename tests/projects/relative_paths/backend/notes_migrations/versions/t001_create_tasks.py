"""create tasks"""

import sqlalchemy as sa
from alembic import op

revision = "t001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("tasks", sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.Text))


def downgrade():
    op.drop_table("tasks")
