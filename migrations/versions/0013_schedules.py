"""Checkpoint schedules, and one row per scheduled time: the claim that makes it run once.

Every process running schedules inserts the row for a time it finds due; the primary key
lets exactly one of them in.  The winner renews its lease while it works; a row whose
lease ran out (its process was killed) is taken over by another, and counts its attempts.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE schedules (
            branch      text PRIMARY KEY CHECK (branch IN ('dev', 'prod')),
            crontab     text[] NOT NULL,
            keep        text NOT NULL,
            strategy    text,
            source      text NOT NULL CHECK (source IN ('settings', 'console')),
            updated_by  text NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE TABLE schedule_runs (
            branch         text NOT NULL,
            due_at         timestamptz NOT NULL,
            state          text NOT NULL CHECK (state IN ('running', 'ok', 'failed', 'missed')),
            owner          text,
            lease_until    timestamptz,
            attempts       integer NOT NULL DEFAULT 0,
            checkpoint_id  bigint REFERENCES admin_checkpoints (id),
            drill_id       bigint REFERENCES checkpoint_drills (id),
            error          text,
            started_at     timestamptz,
            finished_at    timestamptz,
            PRIMARY KEY (branch, due_at)
        );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE schedule_runs")
    op.execute("DROP TABLE schedules")
