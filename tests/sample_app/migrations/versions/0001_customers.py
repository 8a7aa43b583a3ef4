from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute("CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL)")
