"""backfill missing authors (a data migration: it reads rows, so it has no offline SQL)"""

import sqlalchemy as sa
from alembic import op

revision = "p004"
down_revision = "p003"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    missing = bind.execute(sa.text("SELECT id FROM notes WHERE author IS NULL")).fetchall()
    for (note_id,) in missing:
        bind.execute(sa.text("UPDATE notes SET author = 'unknown' WHERE id = :id"), {"id": note_id})


def downgrade():
    pass
