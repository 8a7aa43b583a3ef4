"""Read-only queries a person keeps to run again, one list per person (the audit log's actor name).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE saved_queries (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            owner      text NOT NULL,
            name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            sql        text NOT NULL,
            saved_at   timestamptz NOT NULL DEFAULT now(),
            UNIQUE (owner, name)
        );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE saved_queries")
