"""The one row a query must return, for the queries that always return one (``SELECT count(*)``,
``INSERT ... RETURNING``): psycopg types ``fetchone()`` as maybe-None, and a missing row there
is a bug to report, not a value to carry on with."""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg

Row = TypeVar("Row")


def one(cursor: psycopg.Cursor[Row]) -> Row:
    """The next row of ``cursor``; ``LookupError`` when there is none."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row


def scalar(cursor: psycopg.Cursor[Any]) -> Any:
    """The first column of the next row of ``cursor`` (a tuple row)."""
    return one(cursor)[0]
