"""create tags (kept in a second version location)"""

import sqlalchemy as sa
from alembic import op

revision = "p004"
down_revision = "p003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("tags", sa.Column("name", sa.Text, primary_key=True))


def downgrade():
    op.drop_table("tags")
