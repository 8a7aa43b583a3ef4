"""A migration step that finished inside a transaction not yet committed is ``applied``; it turns
``ok`` once its transaction commits, and a crash in between is settled from the branch's own
version table (``interrupted`` when it rolled back, ``ok`` when it committed).  Each row also
says how many steps its run planned and whether they ran in one transaction, so that recovery
tells a run that finished (its last step committed) from one stopped half-way.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE migration_runs DROP CONSTRAINT migration_runs_outcome_check,"
        " ADD CONSTRAINT migration_runs_outcome_check"
        " CHECK (outcome IN ('running', 'applied', 'ok', 'failed', 'interrupted')),"
        " ADD COLUMN planned integer CHECK (planned > 0), ADD COLUMN together boolean"
    )


def downgrade() -> None:
    op.execute("UPDATE migration_runs SET outcome = 'interrupted' WHERE outcome = 'applied'")
    op.execute("ALTER TABLE migration_runs DROP COLUMN planned, DROP COLUMN together")
    op.execute(
        "ALTER TABLE migration_runs DROP CONSTRAINT migration_runs_outcome_check,"
        " ADD CONSTRAINT migration_runs_outcome_check CHECK (outcome IN ('running', 'ok', 'failed', 'interrupted'))"
    )
