"""Checkpoint checksums and the restore journal.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

``restore_journal`` lets the next start finish or undo a restore whose process was
killed: each row says which databases were involved and how far the restore got.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE admin_checkpoints
            ADD COLUMN checksum text,
            ADD COLUMN error text;

        CREATE TABLE restore_journal (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            branch        text NOT NULL CHECK (branch IN ('dev', 'prod')),
            checkpoint_id bigint NOT NULL REFERENCES admin_checkpoints (id),
            database      text NOT NULL,
            aside         text NOT NULL,
            previous      text NOT NULL,
            step          text NOT NULL DEFAULT 'building'
                          CHECK (step IN ('building', 'swapping', 'swapped', 'done', 'rolled back')),
            started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at   timestamptz
        );
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE restore_journal;
        ALTER TABLE admin_checkpoints DROP COLUMN checksum, DROP COLUMN error;
        """
    )
