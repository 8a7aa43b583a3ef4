"""Restore drills: each checkpoint's row counts as it was made, and every drill of it.

A drill restores a checkpoint into a scratch database on the branch's server and checks
it against what the checkpoint recorded (schema snapshot, row counts); its scratch
database is named here so that one a killed process left behind can be dropped.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # {"schema.table": {"rows": n, "exact": bool}}: exact counts for small tables, estimates for the rest
    op.execute("ALTER TABLE admin_checkpoints ADD COLUMN row_counts jsonb")
    op.execute("""
        CREATE TABLE checkpoint_drills (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            checkpoint_id  bigint NOT NULL REFERENCES admin_checkpoints (id),
            requested_by   text NOT NULL,
            scratch        text NOT NULL,
            scratch_dropped boolean NOT NULL DEFAULT false,  -- false: settle drops it (a killed or failed drop)
            started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at    timestamptz,
            outcome        text NOT NULL DEFAULT 'running'
                           CHECK (outcome IN ('running', 'passed', 'failed', 'interrupted')),
            restore_ms     integer CHECK (restore_ms >= 0),
            duration_ms    integer CHECK (duration_ms >= 0),
            tables         integer,
            findings       jsonb NOT NULL DEFAULT '[]'
        );
        CREATE INDEX checkpoint_drills_by_checkpoint ON checkpoint_drills (checkpoint_id, id DESC);
    """)


def downgrade() -> None:
    op.execute("DROP TABLE checkpoint_drills")
    op.execute("ALTER TABLE admin_checkpoints DROP COLUMN row_counts")
