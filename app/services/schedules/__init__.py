"""Scheduled checkpoints: what a schedule says (``spec``), which checkpoints it keeps
(``retention``), its runs claimed once across processes (``claims``), the verbs (``verbs``)
and the console's background scheduler (``scheduler``)."""

from .spec import Keep, Schedule
from .verbs import SCHEDULER, BranchSchedule, Handled, configured, get, prune, run_due, set_schedule, sync_settings

__all__ = [
    "SCHEDULER",
    "BranchSchedule",
    "Handled",
    "Keep",
    "Schedule",
    "configured",
    "get",
    "prune",
    "run_due",
    "set_schedule",
    "sync_settings",
]
