"""index notes by author"""

from alembic import op

revision = "p003"
down_revision = "p002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("notes_author", "notes", ["author"])


def downgrade():
    op.drop_index("notes_author", table_name="notes")
