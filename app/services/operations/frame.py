"""The frame every state-changing verb runs in: audited first, then locked.

Auditing starts before the input is checked, so refusals (not an admin, unknown branch,
bad steps, wrong phrase, busy) are in the audit log like everything else.  The role
check lives here, in the one frame every state-changing service goes through, so no
front end can skip it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from ..actions import ActionType
from ..branch import Branch
from ..context import Context
from ..errors import ConfirmationRequired, InvalidInput
from . import audit, notices, oplock
from .access import Principal, require_admin, require_live


@contextmanager
def operation(
    context: Context,
    action: ActionType,
    branch: Branch | str,
    *,
    actor: Principal,
    reason: str | None,
    details: dict[str, Any] | None = None,
    also_lock: Branch | None = None,
    locked: bool = True,
    progress: oplock.Progress | None = None,
) -> Iterator[tuple[Branch, audit.Running]]:
    """Yield the parsed branch and the audit record's details; hold the branch lock(s) unless ``locked=False``.

    The body tells its progress to ``running.progress``: it reaches ``progress`` and, while
    the lock is held, the lock's row, where a console served by another process reads it.

    ``locked=False`` is for an operation nested in one that already holds the lock (the
    automatic checkpoint before a Prod migration): advisory locks are per session, so
    taking it again from another connection would report the branch busy with itself.
    """
    try:
        parsed: Branch | None = Branch.parse(branch)
    except InvalidInput:
        parsed = None
    details = {key: value for key, value in (details or {}).items() if value is not None}
    if parsed is None:
        details["branch"] = str(branch)[:40]
    running: audit.Running | None = None
    try:
        with audit.operation(
            context.registry.control_pool(),
            actor=actor.name,
            action=action,
            branch=parsed,
            reason=reason,
            details=details,
            secrets=context.settings.secrets(),
        ) as running:
            require_live(context, actor)
            require_admin(actor, action.name.replace(".", " "))
            parsed = Branch.parse(branch)  # raises UnknownBranch, recorded as refused
            branches = sorted({parsed} | ({also_lock} if also_lock is not None else set()))
            with ExitStack() as locks:
                if locked:
                    for held in branches:
                        locks.enter_context(
                            oplock.hold(
                                context.registry, held, operation=action.name, actor=actor.name, for_branch=parsed
                            )
                        )
                    running.progress = oplock.sharing(context.registry, parsed, progress)
                elif progress is not None:
                    running.progress = progress
                try:
                    yield parsed, running
                finally:
                    # succeeded, failed or cancelled halfway: the branches may have changed either way
                    context.listings.forget(*branches)
    finally:
        if running is not None and running.outcome is not None:  # told once recorded, never before
            notices.after(context, action, parsed, actor.name, reason, running.outcome, running.details)


def on_production(branch: Branch, phrase: str) -> str | None:
    """A plan's phrase: Production asks for it; elsewhere none is asked (None)."""
    return phrase if branch is Branch.PROD else None


def check_plan(plan: Any, given: str | None) -> None:
    """Refuse unless ``given`` is the phrase ``plan`` asks for (its ``phrase``, None: nothing to check;
    its ``what`` names the change in the refusal)."""
    if plan.phrase is not None:
        check_phrase(given, plan.phrase, plan.what)


def check_phrase(given: str | None, expected: str, what: str) -> None:
    """Refuse unless ``given`` is exactly ``expected``, byte for byte (a trailing space is not the phrase)."""
    if given != expected:
        raise ConfirmationRequired(
            f"{what} needs the exact phrase {expected!r}" + (f"; got {given[:40]!r}" if given else "")
        )
