"""record the driver that ran the migration"""

import sqlalchemy as sa
from alembic import context, op

revision = "p004"
down_revision = "p003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("ran_with", sa.Column("driver", sa.Text), sa.Column("is_async", sa.Boolean))
    if not context.is_offline_mode():
        dialect = op.get_bind().dialect
        op.execute(
            sa.text("INSERT INTO ran_with VALUES (:driver, :is_async)").bindparams(
                driver=dialect.driver, is_async=bool(dialect.is_async)
            )
        )


def downgrade():
    op.drop_table("ran_with")
