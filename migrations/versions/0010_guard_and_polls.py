"""Schema changes made while an admin bypassed a branch's guard, and the snapshots polling compares.

``ddl_events.bypass`` marks a change an event trigger recorded under a bypass;
``source`` says where a row came from: ``trigger`` (DDL capture, with who and the statement)
or ``poll`` (two schema snapshots differed: what changed, never who).  ``schema_polls``
holds each branch's last snapshot, the one the next poll compares with.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE ddl_events
            ADD COLUMN bypass boolean NOT NULL DEFAULT false,
            ADD COLUMN source text NOT NULL DEFAULT 'trigger' CHECK (source IN ('trigger', 'poll'));
        CREATE TABLE schema_polls (
            branch   text PRIMARY KEY CHECK (branch IN ('dev', 'prod')),
            taken_at timestamptz,  -- NULL until the branch's first poll
            polls    bigint NOT NULL,
            snapshot jsonb
        );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE schema_polls; ALTER TABLE ddl_events DROP COLUMN source, DROP COLUMN bypass")
