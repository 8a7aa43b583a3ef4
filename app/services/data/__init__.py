"""Data access that cannot write: read-only SQL as a reader role (``readers``, ``queries``), and a
table's rows from typed filters, masked on Production (``rows``)."""

from .queries import EXPLAINS, Column, QueryResult, analyze_phrase, run
from .readers import ReaderStatus, describe, masked_columns, ready
from .rows import OPERATORS, Filter, RowsPage, page

__all__ = [
    "EXPLAINS",
    "OPERATORS",
    "Column",
    "Filter",
    "QueryResult",
    "ReaderStatus",
    "RowsPage",
    "analyze_phrase",
    "describe",
    "masked_columns",
    "page",
    "ready",
    "run",
]
