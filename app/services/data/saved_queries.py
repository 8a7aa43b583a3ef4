"""Saved queries: a person's own list of read-only queries to run again.

Kept in the control store under the audit log's actor name, so the same person finds them from
any replica or after a restore of a branch.  Saving names a query (saving under a name again
replaces it); nothing here runs one: running goes through ``queries.run`` like any other text.
Each change re-checks that the asker's session or token is still live; the list and each
query are bounded (SAVED_PER_PERSON, NAME_LENGTH, SQL_MAX_LENGTH).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row

from ..context import Context
from ..errors import InvalidInput, NotFound, OperationRefused
from ..operations.access import Principal, require_live
from ..registry import CONTROL
from ..results import one
from ..text import refuse_nul

SAVED_PER_PERSON = 200
NAME_LENGTH = 100


@dataclass(frozen=True)
class SavedQuery:
    id: int
    name: str
    sql: str
    saved_at: datetime


def saved(context: Context, actor: Principal) -> list[SavedQuery]:
    """``actor``'s saved queries by name."""
    with context.registry.connection(CONTROL) as conn, conn.cursor(row_factory=class_row(SavedQuery)) as cur:
        return cur.execute(
            "SELECT id, name, sql, saved_at FROM saved_queries WHERE owner = %s ORDER BY name", (actor.name,)
        ).fetchall()


def save(context: Context, actor: Principal, name: str, text: str) -> SavedQuery:
    """Keep ``text`` as ``name`` in ``actor``'s list (a query saved under that name before is replaced)."""
    require_live(context, actor)
    name, text = (name or "").strip(), (text or "").strip()
    refuse_nul(name, "the name")
    refuse_nul(text, "the query")
    if not 1 <= len(name) <= NAME_LENGTH:
        raise InvalidInput(f"a saved query's name is 1 to {NAME_LENGTH} characters")
    if not text:
        raise InvalidInput("there is no query to save")
    if len(text) > context.settings.sql_max_length:
        raise InvalidInput(f"a query is at most {context.settings.sql_max_length} characters")
    with context.registry.connection(CONTROL) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('dbadmin.saved_queries'), hashtext(%s))", (actor.name,))
        others = conn.execute("SELECT count(*) FROM saved_queries WHERE owner = %s AND name <> %s", (actor.name, name))
        if one(others)[0] >= SAVED_PER_PERSON:
            raise OperationRefused(f"{SAVED_PER_PERSON} saved queries is the most one person keeps: delete one first")
        with conn.cursor(row_factory=class_row(SavedQuery)) as cur:
            return one(
                cur.execute(
                    "INSERT INTO saved_queries (owner, name, sql) VALUES (%s, %s, %s) "
                    "ON CONFLICT (owner, name) DO UPDATE SET sql = excluded.sql, saved_at = now() "
                    "RETURNING id, name, sql, saved_at",
                    (actor.name, name, text),
                )
            )


def forget(context: Context, actor: Principal, query_id: int) -> None:
    """Delete one of ``actor``'s saved queries (another person's is not found, as if it did not exist)."""
    require_live(context, actor)
    with context.registry.connection(CONTROL) as conn:
        gone = conn.execute("DELETE FROM saved_queries WHERE id = %s AND owner = %s", (query_id, actor.name))
        if gone.rowcount == 0:
            raise NotFound(f"no saved query {query_id} of yours")
