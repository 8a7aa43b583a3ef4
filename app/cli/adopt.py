"""``dbadmin init``: start an Alembic project from the live Dev schema, baseline Dev, offer Prod."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..services import adoption
from ..services.migrations import plan_baseline
from .common import Reason, Yes, actor, confirm_plan, console_context, out

Directory = Annotated[
    Path, typer.Argument(help="The migrations folder to create; alembic.ini goes beside it.", show_default=True)
]


def init(directory: Directory = Path("migrations"), yes: Yes = False, reason: Reason = None) -> None:
    """Start migrations for an app that has none: an Alembic project whose first revision is the live
    Development schema, Development recorded at it, and Production compared with it; at a terminal, a
    matching Production is recorded too after the phrase 'BASELINE <revision>'."""
    with console_context() as context:
        result = adoption.init(context, directory, actor=actor(), reason=reason)
        out.print(f"wrote {result.ini} and {result.directory}/ (env.py, script.py.mako, versions/)")
        if result.revision is None:
            out.print('Development has no schema yet: write the first revision with dbadmin migrate new "..."')
        else:
            out.print(
                f"first revision {result.revision}: {result.statements} statements from Development's "
                f"{result.tables} tables and views ({result.file.name if result.file else ''})"
            )
            out.print(f"Development: recorded at {result.revision} (a scratch database built from it matched)")
        out.print(
            f"added {result.env_line} to .env" if result.env_line else ".env already sets MIGRATIONS; left as it is"
        )
        _production(context, result, yes, reason)


def _production(context, result: adoption.Adoption, yes: bool, reason: str | None) -> None:
    verdict = result.prod
    out.print(verdict.message)
    for line in verdict.differences[:50]:
        out.print(f"  {line}")
    if len(verdict.differences) > 50:
        out.print(f"  ... and {len(verdict.differences) - 50} more")
    if verdict.state != "identical" or result.revision is None:
        return
    if not sys.stdin.isatty():  # the phrase names a revision nobody knew before: a pipeline asks in a second step
        out.print(f"to record Production too: dbadmin migrate baseline prod --revision {result.revision}")
        return
    plan = plan_baseline(adoption.adopted(context, result.ini), "prod", result.revision)
    confirm = confirm_plan(plan, None, yes)
    baseline = adoption.baseline_prod(context, result, actor=actor(), confirm=confirm, reason=reason)
    out.print(f"Production: recorded at {baseline.revision} ({baseline.tables} tables compared, identical)")
