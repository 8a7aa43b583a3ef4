"""The first revision of an adopted project: the live Dev schema, statement by statement.

Each statement is pg_dump's own text, run with ``op.execute``, so it builds exactly what
Dev has (identities, partial indexes, triggers, views) where Alembic operations would
miss parts.  ``op.execute`` reads a string as SQLAlchemy ``text()``, where ``:name`` is a
bind parameter and ``\\:`` an escaped colon; ``for_text`` escapes both, so a default
``' :x'`` or a comment with ``\\:`` reaches the server unchanged, online and with ``--sql``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from .ddl import Statement

# SQLAlchemy's own patterns (sqlalchemy.sql.compiler BIND_PARAMS and BIND_PARAMS_ESC).
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?![:\w])")
_ESCAPED = re.compile(r"\\(:\w*)(?![:\w])")

_TEMPLATE = '''"""{message}

The Development database as it was when dbadmin init read it ({source}): pg_dump
--schema-only, split into statements by PostgreSQL's parser. downgrade() drops what
upgrade() made, in reverse order. Edit it like any revision; later changes go in new ones
(dbadmin migrate new "...").

Revision ID: {revision}
Revises:
Create Date: {created}
"""

from alembic import op

revision = {revision!r}
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # pg_dump writes a SQL function before the tables its body names; bodies are checked when called.
    op.execute("SET LOCAL check_function_bodies = false")
{upgrades}


def downgrade() -> None:
{downgrades}
'''


def for_text(sql: str) -> str:
    """``sql`` escaped for SQLAlchemy ``text()``: it reaches the server as written."""
    return _BIND.sub(r"\\:\1", _ESCAPED.sub(r"\\\\\1", sql))


def render(statements: Sequence[Statement], *, revision: str, message: str, source: str, created: datetime) -> str:
    """The revision file's text."""
    upgrades = "\n".join(f"    # {_comment(s.label)}\n    op.execute({_literal(s.sql)})" for s in statements)
    kept = [
        f"    # left in place (drop it by hand if it is in the way): {_comment(s.label)}" for s in statements if s.kept
    ]
    undos = [f"    op.execute({_literal(s.undo)})" for s in reversed(statements) if s.undo]
    downgrades = "\n".join(kept + (undos or ["    pass"]))
    return _TEMPLATE.format(
        message=message,
        source=source,
        revision=revision,
        created=created.isoformat(sep=" ", timespec="seconds"),
        upgrades=upgrades,
        downgrades=downgrades,
    )


def _literal(sql: str) -> str:
    """A Python literal of ``sql`` for text(): a readable raw triple-quoted string where one can hold it."""
    escaped = for_text(sql)
    if "\n" in escaped and '"""' not in escaped and not escaped.endswith("\\") and "\r" not in escaped:
        return 'r"""\n' + escaped + '\n"""'
    return repr(escaped)


def _comment(label: str) -> str:
    return " ".join(label.split())
