"""orders

Revision ID: a001
Revises:
"""

from alembic import op

revision = "a001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE orders (id int PRIMARY KEY)")
    op.execute("INSERT INTO orders VALUES (1), (2), (3)")


def downgrade():
    op.execute("DROP TABLE orders")
