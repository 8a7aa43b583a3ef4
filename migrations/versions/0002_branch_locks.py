"""Who holds each branch's operation lock, for "busy: <operation> by <actor> since <time>".

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

The lock itself is a session-level advisory lock in the control store, released by
PostgreSQL when its session ends (even if dbadmin is killed); a row here is only
believed while its ``pid`` still holds that lock.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE branch_locks (
            branch    text PRIMARY KEY CHECK (branch IN ('dev', 'prod')),
            operation text NOT NULL,
            actor     text NOT NULL,
            since     timestamptz NOT NULL DEFAULT clock_timestamp(),
            pid       integer NOT NULL
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE branch_locks")
