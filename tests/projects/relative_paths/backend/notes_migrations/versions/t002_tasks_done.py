"""tasks can be done"""

import sqlalchemy as sa
from alembic import op

revision = "t002"
down_revision = "t001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tasks", sa.Column("done", sa.Boolean, server_default=sa.false()))


def downgrade():
    op.drop_column("tasks", "done")
