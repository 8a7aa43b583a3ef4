"""Data access that cannot write: read-only SQL as a reader role (``readers``, ``queries``), and a
table's rows from typed filters, pages, CSV exports and single values, masked on Production (``rows``)."""

from .queries import EXPLAINS, Column, QueryResult, analyze_phrase, run
from .readers import ReaderStatus, describe, masked_columns, ready
from .rows import OPERATORS, Filter, Link, RowsPage, Value, export, page, value

__all__ = [
    "EXPLAINS",
    "OPERATORS",
    "Column",
    "Filter",
    "QueryResult",
    "ReaderStatus",
    "Link",
    "RowsPage",
    "Value",
    "analyze_phrase",
    "describe",
    "export",
    "masked_columns",
    "page",
    "ready",
    "run",
    "value",
]
