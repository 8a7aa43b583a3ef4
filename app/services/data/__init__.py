"""Data access that cannot write: read-only SQL as a reader role (``readers``, ``queries``), a
table's rows from typed filters, pages, CSV exports and single values, masked on Production
(``rows``), and a person's saved queries (``saved_queries``)."""

from .queries import EXPLAINS, Column, QueryResult, analyze_phrase, run
from .readers import ReaderStatus, describe, masked_columns, ready
from .rows import OPERATORS, Filter, Link, RowsPage, Value, export, page, value
from .saved_queries import SavedQuery, forget, save, saved

__all__ = [
    "EXPLAINS",
    "OPERATORS",
    "Column",
    "Filter",
    "QueryResult",
    "ReaderStatus",
    "Link",
    "RowsPage",
    "SavedQuery",
    "Value",
    "analyze_phrase",
    "describe",
    "export",
    "forget",
    "masked_columns",
    "page",
    "ready",
    "run",
    "save",
    "saved",
    "value",
]
