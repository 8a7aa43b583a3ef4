"""A baseline is a migration run too: recording a branch at a revision (``migrate baseline``,
``dbadmin init``) writes a ``baseline`` row, so History says who recorded it and when instead
of "applied outside dbadmin".

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE migration_runs DROP CONSTRAINT migration_runs_direction_check,"
        " ADD CONSTRAINT migration_runs_direction_check CHECK (direction IN ('up', 'down', 'baseline'))"
    )


def downgrade() -> None:
    op.execute("DELETE FROM migration_runs WHERE direction = 'baseline'")
    op.execute(
        "ALTER TABLE migration_runs DROP CONSTRAINT migration_runs_direction_check,"
        " ADD CONSTRAINT migration_runs_direction_check CHECK (direction IN ('up', 'down'))"
    )
