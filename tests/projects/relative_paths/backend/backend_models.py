"""The application's models: env.py imports them for autogenerate, as most projects do."""

import sqlalchemy as sa

metadata = sa.MetaData()
tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("done", sa.Boolean, server_default=sa.false()),
)
