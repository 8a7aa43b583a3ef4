"""NiceGUI pages: thin, they compose components and call services.

``register(context)`` declares every page route once per process; NiceGUI keeps page
routes in a process-wide registry, so the context reaches the pages by closure.
"""

from __future__ import annotations

from ..services.context import Context
from . import compare, database, history


def register(context: Context) -> None:
    database.register(context)
    compare.register(context)
    history.register(context)
