"""move orders to the archive database (a second database, meant for another server role)

Revision ID: a002
Revises: a001
"""

import os

from sqlalchemy import create_engine, text

revision = "a002"
down_revision = "a001"
branch_labels = None
depends_on = None


def upgrade():
    url = os.environ["ARCHIVE_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    with create_engine(url).begin() as archive:  # meant for the archive, never for the branch
        archive.execute(text("DROP TABLE IF EXISTS orders"))
        archive.execute(text("CREATE TABLE archive_marker (at timestamptz DEFAULT now())"))


def downgrade():
    pass
