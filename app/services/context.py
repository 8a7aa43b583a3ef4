"""The one object front ends receive: settings, branch registry and (maybe) the embedded server.

``open_context`` is the factory.  With no database URL configured it starts the
embedded PostgreSQL, creates the dev, prod and control databases on first start, and
points the settings at them; with real URLs it uses those.  Either way it refuses to
continue when two targets are the same database, and brings the control store to the
latest schema before anyone can act.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from pydantic import SecretStr

from ..config import Settings
from . import audit, control_store, migrations
from .embedded import EmbeddedPostgres
from .registry import CONTROL, Registry

EMBEDDED_DATABASES = {"dev_database_url": "dev", "prod_database_url": "prod", "admin_database_url": "dbadmin"}
# On a fresh embedded setup Prod stays one revision behind Dev, so the console has a
# pending migration to show from the first screen.
EXAMPLE_PROD_REVISION = "head-1"
SYSTEM_ACTOR = "dbadmin"


@dataclass(frozen=True)
class Context:
    """What pages, API routes and CLI commands are given; built once per process."""

    settings: Settings
    registry: Registry
    embedded: EmbeddedPostgres | None = None


def example_migrations() -> Path:
    """The example shop's alembic.ini, shipped inside the package."""
    return Path(str(files("dbadmin.example_shop"))) / "alembic.ini"


@contextmanager
def open_context(settings: Settings) -> Iterator[Context]:
    """Start what ``settings`` asks for, yield the ``Context``, and close it all on exit (Ctrl-C included)."""
    with ExitStack() as stack:
        server, seed = None, False
        if settings.embedded:
            server = stack.enter_context(EmbeddedPostgres(settings.data_dir, version=settings.embedded_postgres_version))
            created = server.ensure_databases(*EMBEDDED_DATABASES.values())
            seed = "dev" in created and settings.migrations is None
            settings = embedded_settings(settings, server)
        registry = Registry(settings)
        stack.callback(registry.close)
        # Identity first: the control store's tables must never be created inside a branch.
        registry.ensure_distinct()
        control_store.upgrade(registry.url(CONTROL))
        if seed:
            _seed_example(settings, registry)
        yield Context(settings=settings, registry=registry, embedded=server)


def embedded_settings(settings: Settings, server: EmbeddedPostgres) -> Settings:
    """``settings`` pointed at the embedded server's databases, with the example project as MIGRATIONS by default."""
    return settings.model_copy(
        update={field: SecretStr(server.url(db)) for field, db in EMBEDDED_DATABASES.items()}
        | {"migrations": settings.migrations or example_migrations()}
    )


def _seed_example(settings: Settings, registry: Registry) -> None:
    """First embedded start with the example project: Dev to head, Prod one revision behind, audited."""
    with audit.operation(registry.control_pool(), actor=SYSTEM_ACTOR, action="embedded.setup",
                         details={"migrations": str(settings.migrations)}) as running:
        migrations.upgrade(settings.migrations, registry.url("dev"), "head")
        migrations.upgrade(settings.migrations, registry.url("prod"), EXAMPLE_PROD_REVISION)
        running.details.update(dev="head", prod=EXAMPLE_PROD_REVISION)
