"""Schema changes made outside migrations: an event trigger on each branch records every DDL
statement (who, from where, which statement, inside a dbadmin run or not) into a log on the
branch, which dbadmin collects into the control store; a guard refuses them; where no trigger
can be installed, schema snapshots compared every few minutes show what changed."""

from .polling import POLL_COMMAND, poll
from .verbs import (
    BYPASS_MINUTES,
    OUTSIDE_MIGRATIONS,
    BypassPlan,
    CaptureFailed,
    CaptureStatus,
    DdlEvent,
    GuardOffPlan,
    as_actions,
    bypass,
    collect,
    events,
    guard,
    install,
    kept,
    masked,
    plan_bypass,
    recent,
    remove,
    run_mark,
    status,
)
from .watch import watch_once

__all__ = [
    "BYPASS_MINUTES",
    "OUTSIDE_MIGRATIONS",
    "POLL_COMMAND",
    "BypassPlan",
    "CaptureFailed",
    "CaptureStatus",
    "DdlEvent",
    "GuardOffPlan",
    "as_actions",
    "bypass",
    "collect",
    "events",
    "guard",
    "install",
    "kept",
    "masked",
    "plan_bypass",
    "poll",
    "recent",
    "remove",
    "run_mark",
    "status",
    "watch_once",
]
