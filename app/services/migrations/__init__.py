"""Migrations of a branch: status, history, previews and runs (``verbs``), with the control store's
record of every run (``runs``) and the lint of pending SQL (``lint``); Alembic itself, bound to one
branch, is the ``revisions`` package below."""

from .verbs import (
    AppliedRevision,
    Baseline,
    BaselinePlan,
    History,
    Preview,
    Promotion,
    Revision,
    Rollback,
    RunResult,
    Skipped,
    Status,
    baseline,
    downgrade,
    drift,
    history,
    lint_pending,
    new_revision,
    plan_baseline,
    plan_promotion,
    plan_rollback,
    preview,
    preview_sql,
    promote,
    revisions,
    status,
    upgrade,
)

__all__ = ['AppliedRevision', 'Baseline', 'BaselinePlan', 'History', 'Preview', 'Promotion', 'Revision', 'Rollback', 'RunResult', 'Skipped', 'Status', 'baseline', 'downgrade', 'drift', 'history', 'lint_pending', 'new_revision', 'plan_baseline', 'plan_promotion', 'plan_rollback', 'preview', 'preview_sql', 'promote', 'revisions', 'status', 'upgrade']
