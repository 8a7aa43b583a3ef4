"""Webhook deliveries: an outbox, written before the first attempt, so that every notice is
recorded (delivered, failed, or pending and resumed by the next start).

The URL is a secret (a Slack webhook's path is its key) and is never stored: a delivery
names its target by format and host, and finds it again among the settings by a hash.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE webhook_deliveries (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event            text NOT NULL,
            target           text NOT NULL,
            target_key       text NOT NULL,
            payload          jsonb NOT NULL,
            status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts         integer NOT NULL DEFAULT 0,
            response_status  integer,
            last_error       text,
            lease_until      timestamptz,
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at      timestamptz
        );
        CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (lease_until) WHERE status = 'pending';
    """)


def downgrade() -> None:
    op.execute("DROP TABLE webhook_deliveries")
