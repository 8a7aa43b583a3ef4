"""``dbadmin init``: an application with no migrations gets an Alembic project whose first revision
is its live Dev schema, and both branches are recorded at that revision.

The order makes a failure harmless: the files are written into a staging folder, the
first revision is proved by the baseline verb (it builds the revision in a scratch
database and refuses unless the schema equals Dev's, then records Dev at it, audited),
and only then are the files moved into place.  Prod is compared with Dev and shown; it
is baselined only with the phrase ``BASELINE <revision>`` (``baseline_prod``), and a
Prod that differs is left alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from .. import actions
from .. import dburl, migrations, server_admin
from ..branch import Branch
from ..caches import ProjectCache
from ..context import Context
from ..embedded import example_migrations
from ..errors import DBAdminError, InvalidInput, OperationRefused
from ..operations.access import Principal
from ..operations.frame import operation
from ..schema import diff as schema_diff
from ..schema import introspection
from . import ddl, first_revision, scaffold

MESSAGE = "Initial schema"
_BESIDE_TABLES = ("types", "functions", "sequences", "extensions")


@dataclass(frozen=True)
class ProdVerdict:
    """What init found on Prod: ``identical`` (ready to baseline), ``empty`` (promote builds it), ``differs``,
    ``managed`` or ``not compared`` (unreachable, not configured)."""

    state: str
    message: str
    differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adoption:
    """The project ``init`` wrote and what it recorded."""

    ini: Path
    directory: Path
    revision: str | None  # None when Dev was empty: the project starts with no revision
    file: Path | None
    statements: int
    tables: int
    env_line: str | None  # the line added to .env; None when .env names MIGRATIONS already
    prod: ProdVerdict


def _layout(context: Context, directory: Path) -> scaffold.Layout:
    """Where init would write, or why it will not (``InvalidInput``, ``OperationRefused``)."""
    configured = context.settings.migrations
    if configured is not None and Path(configured).resolve() != example_migrations().resolve():
        raise OperationRefused(
            f"MIGRATIONS already names a project ({configured}); dbadmin init starts one for an app that has none"
        )
    layout = scaffold.Layout.at(Path(directory))
    layout.refuse_existing()
    return layout


def init(
    context: Context,
    directory: Path | str = "migrations",
    *,
    actor: Principal,
    cwd: Path | None = None,
    reason: str | None = None,
) -> Adoption:
    """Write the project at ``directory`` (``alembic.ini`` beside it), its first revision from Dev, and baseline Dev.

    One audited operation on Dev (``migrate.init``, admins only, Dev's lock held), refusals included.
    """
    cwd = (cwd or Path.cwd()).resolve()
    with operation(
        context,
        actions.MIGRATE_INIT,
        Branch.DEV,
        actor=actor,
        reason=reason,
        details={"directory": str(directory)[:200]},
    ) as (_, running):
        layout = _layout(context, cwd / directory)
        dev = introspection.snapshot(context, Branch.DEV)
        _refuse_managed(context, dev)
        statements = ddl.statements(_dump(context, Branch.DEV))
        revision = uuid.uuid4().hex[:12] if statements else None
        made, published = layout.make_parents(), False
        try:
            with scaffold.staged(layout) as stage:
                file = _write_first_revision(context, stage, statements, revision) if revision else None
                scaffold.publish(stage, layout)
                published = True
            if revision:  # the files first: Dev is never recorded at a revision whose file is not in place
                migrations.baseline(
                    adopted(context, layout.ini),
                    Branch.DEV,
                    actor=actor,
                    revision=revision,
                    reason=reason,
                    locked=False,
                )
        except BaseException:
            scaffold.withdraw(layout, published=published, made=made)
            raise
        running.details.update(revision=revision, statements=len(statements), ini=str(layout.ini))
    env_line = _relative(layout.ini, cwd)
    written = scaffold.add_env_line(cwd / ".env", "MIGRATIONS", env_line)
    return Adoption(
        ini=layout.ini,
        directory=layout.directory,
        revision=revision,
        file=layout.directory / "versions" / file.name if file else None,
        statements=len(statements),
        tables=len(dev["tables"]),
        env_line=f"MIGRATIONS={env_line}" if written else None,
        prod=_compare_prod(context, dev, revision),
    )


def _refuse_managed(context: Context, dev: dict) -> None:
    if not _version_tables(dev):
        return
    if context.settings.migrations is not None:  # _layout let only the embedded example through
        raise OperationRefused(
            f"{Branch.DEV.label} is the embedded example shop, already under migrations: point DEV_DATABASE_URL, "
            "PROD_DATABASE_URL and ADMIN_DATABASE_URL at your app's databases, then run dbadmin init"
        )
    raise OperationRefused(
        f"{Branch.DEV.label} is already under migrations ({', '.join(_version_tables(dev))}): "
        "point MIGRATIONS at the Alembic project that made it"
    )


def _write_first_revision(
    context: Context, stage: scaffold.Layout, statements: list[ddl.Statement], revision: str
) -> Path:
    file = stage.directory / "versions" / f"{datetime.now():%Y%m%d_%H%M}_{revision}_initial_schema.py"
    text = first_revision.render(
        statements,
        revision=revision,
        message=MESSAGE,
        source=context.registry.location(Branch.DEV) or "Development",
        created=datetime.now(timezone.utc),
    )
    file.write_text(text, encoding="utf-8")
    return file


def adopted(context: Context, ini: Path) -> Context:
    """``context`` with ``ini`` as MIGRATIONS (and a cache of its own: it is another project)."""
    return replace(context, settings=context.settings.model_copy(update={"migrations": ini}), projects=ProjectCache())


def _compare_prod(context: Context, dev: dict, revision: str | None) -> ProdVerdict:
    """Prod beside the Dev schema the first revision holds: whether a baseline would be true."""
    prod_label = Branch.PROD.label
    try:
        prod = introspection.snapshot(context, Branch.PROD)
    except DBAdminError as exc:  # down, missing, timed out: init itself is done, Prod waits
        return ProdVerdict("not compared", f"{prod_label} was not compared: {exc}")
    if _version_tables(prod):
        return ProdVerdict("managed", f"{prod_label} is already under migrations; it was left alone")
    if revision is not None and not any(prod.get(part) for part in ("tables", *_BESIDE_TABLES)):
        return ProdVerdict("empty", f"{prod_label} is empty: dbadmin migrate promote builds it from the first revision")
    difference = schema_diff.diff(dev, prod)  # as baseline shows it: what Prod has that the revision has not
    if not difference.identical:
        message = (
            f"{prod_label} has a schema and {Branch.DEV.label} none; it was left alone"
            if revision is None
            else f"{prod_label} differs from {Branch.DEV.label} ({difference.summary()} on Production); it was left "
            f"alone: make it match, then dbadmin migrate baseline prod --revision {revision}"
        )
        return ProdVerdict("differs", message, tuple(change.describe() for change in difference.changes))
    if revision is None:
        return ProdVerdict("identical", f"{prod_label} is empty like {Branch.DEV.label}: nothing to record")
    return ProdVerdict("identical", f"{prod_label} has the same schema as {Branch.DEV.label}")


def baseline_prod(
    context: Context, adoption: Adoption, *, actor: Principal, confirm: str | None, reason: str | None = None
) -> migrations.Baseline:
    """Record Prod at the first revision, after init found it identical (phrase ``BASELINE <revision>``)."""
    if adoption.revision is None or adoption.prod.state != "identical":
        raise InvalidInput(f"{Branch.PROD.label} is not ready to baseline: {adoption.prod.message}")
    return migrations.baseline(
        adopted(context, adoption.ini),
        Branch.PROD,
        actor=actor,
        revision=adoption.revision,
        confirm=confirm,
        reason=reason,
    )


def _dump(context: Context, branch: Branch) -> str:
    with context.registry.connection(branch) as conn:
        major = server_admin.server_major(conn)
    try:
        return ddl.dump_schema(context.registry.url(branch), server_major=major, secrets=context.settings.secrets())
    except OSError as exc:
        raise ddl.DumpFailed(f"pg_dump could not start: {dburl.scrub(str(exc), context.settings.secrets())}") from None


def _version_tables(snapshot: dict) -> list[str]:
    return sorted(name for name in snapshot["tables"] if name.rsplit(".", 1)[-1] == "alembic_version")


def _relative(path: Path, base: Path) -> str:
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
