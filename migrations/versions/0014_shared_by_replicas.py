"""State every console process must share when several serve one dbadmin (replicas behind a
load balancer): the changes each person asked for in the last minute, so the action rate
limit holds across processes, and the progress of a running operation on its branch's lock
row, so a console served by another process shows it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE action_rates (
            key  text NOT NULL,
            at   timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX action_rates_by_key ON action_rates (key, at);
        CREATE INDEX action_rates_by_time ON action_rates (at);
        ALTER TABLE branch_locks ADD COLUMN progress_done bigint, ADD COLUMN progress_total bigint,
                                 ADD COLUMN progress_message text, ADD COLUMN progress_at timestamptz;
    """)


def downgrade() -> None:
    op.execute("""
        ALTER TABLE branch_locks DROP COLUMN progress_done, DROP COLUMN progress_total,
                                 DROP COLUMN progress_message, DROP COLUMN progress_at;
        DROP TABLE action_rates;
    """)
