"""Checkpoints of a branch: create, list, restore, delete, prune (``verbs``), over a catalog in the
control store (``catalog``), archive stores (``stores``) and the ways a checkpoint is made
(``strategies``), and restore drills that prove a checkpoint restores (``drills``)."""

from .drills import Drill, can_drill, drill, last_verified

from .verbs import (
    Checkpoint,
    CheckpointNotFound,
    History,
    Pruned,
    RestorePlan,
    TimeRestorePlan,
    Unavailability,
    branch_of,
    can_restore_to_time,
    create,
    create_locked,
    delete,
    expected_unavailability,
    history,
    list_for_branch,
    plan_restore,
    plan_restore_to_time,
    prune,
    restore,
    restore_to_time,
    settle,
)

__all__ = [
    "Checkpoint",
    "CheckpointNotFound",
    "Drill",
    "History",
    "Pruned",
    "RestorePlan",
    "TimeRestorePlan",
    "Unavailability",
    "branch_of",
    "can_drill",
    "can_restore_to_time",
    "create",
    "create_locked",
    "delete",
    "drill",
    "expected_unavailability",
    "history",
    "last_verified",
    "list_for_branch",
    "plan_restore",
    "plan_restore_to_time",
    "prune",
    "restore",
    "restore_to_time",
    "settle",
]
