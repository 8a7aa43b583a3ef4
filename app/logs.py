"""What ``dbadmin serve`` writes to its log: uvicorn's request lines, without their query strings.

A query string can carry what must not be written down: a page's socket ids
(``/socket.io/?client_id=...&tab_id=...``, enough to address a live page), a one-time
login ticket, an OIDC authorization code and state.  Paths stay, for debugging.
"""

from __future__ import annotations

import copy
import logging
from typing import Any


class WithoutQueryStrings(logging.Filter):
    """Cuts ``?...`` off every path in a record's arguments (uvicorn passes the path as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True


def _without_query(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("/") and "?" in value:
        return value.split("?", 1)[0]
    return value


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the filter on each of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"without_query_strings": {"()": WithoutQueryStrings}}
    for handler in config["handlers"].values():
        handler["filters"] = ["without_query_strings"]
    return config
