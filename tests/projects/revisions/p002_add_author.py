"""add an author to notes"""

import sqlalchemy as sa
from alembic import op

revision = "p002"
down_revision = "p001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notes", sa.Column("author", sa.String(120)))


def downgrade():
    op.drop_column("notes", "author")
