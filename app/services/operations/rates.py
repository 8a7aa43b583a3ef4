"""The action rate limit, kept in the control store so that it holds across console processes.

Each change a person (or token) asks for is a row; a check counts the key's rows in the
last window under a transaction-level advisory lock on the key, so two processes checking
the same person at once cannot both let the last one through.  Rows older than the window
are deleted as checks go (anyone's: so the table holds about a minute of changes).
"""

from __future__ import annotations

from ..errors import RateLimited
from ..context import Context
from ..registry import CONTROL

_NAMESPACE = 0x72617465  # 'rate': advisory locks of this module, apart from the branch locks


# Past the window, anyone's rows go; rows another check is deleting are skipped, never waited for.
_FORGET = """
DELETE FROM action_rates WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM action_rates WHERE at < clock_timestamp() - make_interval(secs => %(window)s)
    LIMIT 1000 FOR UPDATE SKIP LOCKED))
"""


def check(context: Context, key: str, *, limit: int, window: float = 60.0, what: str = "changes") -> None:
    """Count one more for ``key``, or raise ``RateLimited`` (with the seconds to wait) past ``limit``."""
    with context.registry.connection(CONTROL) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_NAMESPACE, key))
        conn.execute(_FORGET, {"window": window})
        row = conn.execute(
            """SELECT count(*), ceil(extract(epoch FROM min(at) + make_interval(secs => %(window)s) - clock_timestamp()))
                 FROM action_rates WHERE key = %(key)s AND at >= clock_timestamp() - make_interval(secs => %(window)s)""",
            {"window": window, "key": key},
        ).fetchone()
        count, retry = (row[0], row[1]) if row else (0, None)
        if count >= limit:
            wait = max(1, int(retry or 1))
            raise RateLimited(f"too many {what}: at most {limit} per minute; try again in {wait} s", wait)
        conn.execute("INSERT INTO action_rates (key) VALUES (%s)", (key,))
