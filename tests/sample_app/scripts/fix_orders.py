# finding: migration_script (an Alembic revision someone ran by hand, outside the project)
from alembic import op

revision = "fix01"
down_revision = None


def upgrade() -> None:
    op.execute("UPDATE orders SET status = 'paid' WHERE status IS NULL")
