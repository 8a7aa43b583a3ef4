"""Schema changes caught as they happen: an event trigger on each branch records every DDL
statement (who, from where, which statement, inside a dbadmin run or not) into a log on the
branch, which dbadmin collects into the control store."""

from .verbs import CaptureStatus, CaptureFailed, DdlEvent, collect, events, install, masked, recent, remove, status

__all__ = [
    "CaptureStatus",
    "CaptureFailed",
    "DdlEvent",
    "collect",
    "events",
    "install",
    "masked",
    "recent",
    "remove",
    "status",
]
