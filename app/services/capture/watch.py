"""One round of the console's background watch over the branches' schemas.

``dbadmin serve`` (and a host that mounts dbadmin) runs it every minute: a branch that
records its DDL has its log collected, so History and alerts are current even when nobody
opens the console; a branch that cannot is polled when its next snapshot is due.
"""

from __future__ import annotations

import logging

from ..branch import Branch
from ..context import Context
from ..errors import DBAdminError
from . import polling, verbs

_log = logging.getLogger(__name__)
EVERY_SECONDS = 60


def watch_once(context: Context) -> dict[Branch, str]:
    """Collect or poll each configured branch once; what was done to each (for the log and tests)."""
    done: dict[Branch, str] = {}
    for branch in Branch:
        if context.registry.location(branch) is None:
            continue
        try:
            if verbs.status(context, branch).installed:
                done[branch] = f"collected {verbs.collect(context, branch)}"
            elif context.settings.schema_poll_minutes > 0:
                found = polling.poll(context, branch)
                done[branch] = "not due" if found is None else f"polled: {found.changed} changed"
        except DBAdminError as exc:  # a branch that is down is tried again next round
            done[branch] = f"skipped: {exc}"
            _log.debug("schema watch: %s", exc)
    return done
