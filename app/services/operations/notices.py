"""Which audited operations are told to the webhooks, and in what words.

Every change to Production that went through or failed (a promotion, a rollback, a restore,
a baseline, a guard bypass), and every restore drill that failed, on either branch.  Refused
attempts changed nothing and are only in the audit log.  Scheduled checkpoints that fail or
are missed are told by the schedules themselves (they are no single operation).
"""

from __future__ import annotations

from typing import Any

from .. import actions
from ..actions import ActionType
from ..branch import Branch
from ..context import Context
from ..webhooks import Event


def after(
    context: Context,
    action: ActionType,
    branch: Branch | None,
    actor: str,
    reason: str | None,
    outcome: str,
    details: dict[str, Any],
) -> None:
    """Tell the webhooks about an operation that just ended, if it is one they hear of."""
    if context.webhooks is None or not context.webhooks.targets:
        return
    event = _event(action, branch, actor, reason, outcome, details)
    if event is not None:
        context.webhooks.notify(event)


def _event(
    action: ActionType, branch: Branch | None, actor: str, reason: str | None, outcome: str, details: dict[str, Any]
) -> Event | None:
    if outcome not in ("ok", "failed"):
        return None
    where = branch.label if branch else "?"
    why = f" Why: {reason}." if reason else ""
    if action == actions.CHECKPOINT_DRILL and outcome == "failed":
        summary = f"dbadmin · {where}: the restore drill of checkpoint #{details.get('checkpoint_id')} failed: {details.get('error')}"
    elif branch is Branch.PROD and action.production:
        what = action.production
        said = "done" if outcome == "ok" else f"failed: {details.get('error')}"
        summary = f"dbadmin · Production: {what} by {actor}, {said}.{why}{_specifics(action, details)}"
    else:
        return None
    return Event(
        action.name,
        summary,
        branch=branch.value if branch else None,
        actor=actor,
        outcome=outcome,
        reason=reason,
        details=details,
    )


def _specifics(action: ActionType, details: dict[str, Any]) -> str:
    if action in (actions.MIGRATE_PROMOTE, actions.MIGRATE_DOWN) and details.get("revisions"):
        return f" Revisions: {', '.join(map(str, details['revisions']))}."
    if action == actions.CHECKPOINT_RESTORE and details.get("checkpoint_id"):
        return f" Checkpoint #{details['checkpoint_id']}; the replaced state is #{details.get('pre_restore_checkpoint_id')}."
    if action == actions.MIGRATE_BASELINE and details.get("revision"):
        return f" At revision {details['revision']}."
    if action == actions.GUARD_BYPASS and details.get("minutes"):
        return f" For {details['minutes']} minutes."
    return ""
