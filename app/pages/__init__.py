"""NiceGUI pages: thin, they compose components and call services.

``register(gate)`` declares every page route once per process; NiceGUI keeps page
routes in a process-wide registry, so the gate (context, prefix, login) reaches the
pages by closure.  Routes are relative to the mount prefix (``/`` is ``/admin``).
"""

from __future__ import annotations

from ..gate import Gate
from . import compare, database, history, login, rows


def register(gate: Gate) -> None:
    database.register(gate)
    compare.register(gate)
    history.register(gate)
    login.register(gate)
    rows.register(gate)
