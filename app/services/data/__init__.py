"""Data access that cannot write: read-only SQL as a reader role (``readers``, ``queries``)."""

from .queries import EXPLAINS, Column, QueryResult, analyze_phrase, run
from .readers import ReaderStatus, describe, masked_columns, ready

__all__ = [
    "EXPLAINS",
    "Column",
    "QueryResult",
    "ReaderStatus",
    "analyze_phrase",
    "describe",
    "masked_columns",
    "ready",
    "run",
]
