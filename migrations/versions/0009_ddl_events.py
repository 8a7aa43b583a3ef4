"""Schema changes made on a branch, as its event trigger recorded them (``dbadmin capture``),
collected here so that restoring the branch never erases them.

Each row is known by the branch, the log it came from (a branch's capture schema has an id
of its own), its id in that log and its time (a restored branch counts ids from where its
checkpoint was again), so collecting the same rows twice stores them once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE ddl_events (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            branch           text NOT NULL CHECK (branch IN ('dev', 'prod')),
            log_id           text NOT NULL,
            source_id        bigint NOT NULL,
            at               timestamptz NOT NULL,
            role             text,
            application_name text,
            client_addr      text,
            command_tag      text NOT NULL,
            object_type      text,
            object_identity  text,
            statement        text,
            run_id           text,
            collected_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
            UNIQUE (branch, log_id, source_id, at)
        );
        CREATE INDEX ddl_events_branch_at ON ddl_events (branch, at DESC);
    """)


def downgrade() -> None:
    op.execute("DROP TABLE ddl_events")
