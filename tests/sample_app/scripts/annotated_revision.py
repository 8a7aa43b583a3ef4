# finding: migration_script (today's Alembic template annotates revision)
from alembic import op

revision: str = "fix02"
down_revision: str | None = None


def upgrade() -> None:
    op.add_column("orders", None)
