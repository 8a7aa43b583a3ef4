"""Login sessions, one-time login tickets and API tokens.

Only hashes of the secrets are stored: a copy of the control store lets nobody log in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE auth_sessions (
            id_hash      text PRIMARY KEY,
            actor        text NOT NULL,
            role         text NOT NULL CHECK (role IN ('admin', 'viewer')),
            via          text NOT NULL,
            created_at   timestamptz NOT NULL DEFAULT now(),
            last_seen_at timestamptz NOT NULL DEFAULT now(),
            expires_at   timestamptz NOT NULL,
            ended_at     timestamptz
        )
    """)
    op.execute("""
        CREATE TABLE auth_tickets (
            ticket_hash text PRIMARY KEY,
            created_at  timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL
        )
    """)
    op.execute("""
        CREATE TABLE api_tokens (
            id           bigserial PRIMARY KEY,
            name         text NOT NULL,
            role         text NOT NULL CHECK (role IN ('admin', 'viewer')),
            token_hash   text NOT NULL UNIQUE,
            created_by   text NOT NULL,
            created_at   timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked_at   timestamptz
        )
    """)


def downgrade() -> None:
    op.execute("DROP TABLE api_tokens")
    op.execute("DROP TABLE auth_tickets")
    op.execute("DROP TABLE auth_sessions")
