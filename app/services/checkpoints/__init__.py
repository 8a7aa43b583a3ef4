"""Checkpoints of a branch: create, list, restore, delete, prune (``verbs``), over a catalog in the
control store (``catalog``), archive stores (``stores``) and the ways a checkpoint is made
(``strategies``)."""

from .verbs import (
    Checkpoint,
    CheckpointNotFound,
    RestorePlan,
    Unavailability,
    branch_of,
    create,
    create_locked,
    delete,
    expected_unavailability,
    list_for_branch,
    plan_restore,
    prune,
    restore,
    settle,
)

__all__ = ["Checkpoint", "CheckpointNotFound", "RestorePlan", "Unavailability", "branch_of", "create", "create_locked",
           "delete", "expected_unavailability", "list_for_branch", "plan_restore", "prune", "restore", "settle"]
