"""Start-up: open the context, settle what a killed process left, seed the embedded example.

``open_context`` is the factory.  With no database URL configured it starts the
embedded PostgreSQL, creates the dev, prod and control databases on first start, and
points the settings at them; with real URLs it uses those.  Either way it refuses to
continue when two targets are the same database, and brings the control store to the
latest schema before anyone can act.  It sits above every verb (it calls them), so no
verb imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import psycopg

from . import actions
from ..config import Settings
from . import capture, control_store, migrations
from .branch import Branch
from .checkpoints import strategies as checkpoint_strategies
from .context import Context
from .embedded import EMBEDDED_DATABASES, EmbeddedPostgres, embedded_settings
from .errors import DataDirInUse, DBAdminError
from .operations import audit
from .operations.access import SYSTEM
from .recovery import recover_all
from .webhooks import Webhooks
from .registry import CONTROL, Registry

_log = logging.getLogger(__name__)


@contextmanager
def open_context(settings: Settings) -> Iterator[Context]:
    """Start what ``settings`` asks for, yield the ``Context``, and close it all on exit (Ctrl-C included)."""
    with ExitStack() as stack:
        server, seed = None, False
        if settings.embedded:
            server = EmbeddedPostgres(settings.data_dir, version=settings.embedded_postgres_version)
            try:
                stack.enter_context(server)
            except DataDirInUse:
                # A running `dbadmin serve` owns the server: use it (CLI commands beside the
                # console), and leave starting and stopping it to its owner.
                if server.attach() is None:
                    raise
            created = server.ensure_databases(*EMBEDDED_DATABASES.values())
            seed = "dev" in created and settings.migrations is None
            settings = embedded_settings(settings, server)
        strategies = checkpoint_strategies.build(settings)  # a wrong strategy setting stops here, before any connection
        for strategy in strategies.values():
            if isinstance(strategy, checkpoint_strategies.Closing):  # a provider's HTTP client, say
                stack.callback(strategy.close)
        registry = Registry(settings)
        stack.callback(registry.close)
        # Identity first: the control store's tables must never be created inside a branch.
        registry.ensure_distinct()
        control_store.upgrade(registry.url(CONTROL))
        webhooks = Webhooks(settings, registry)
        stack.callback(webhooks.close)
        context = Context(
            settings=settings,
            registry=registry,
            embedded=server,
            checkpoint_strategies=strategies,
            webhooks=webhooks,
        )
        context.recovered.update(recover_all(context))
        webhooks.resume()
        if seed:
            _seed_example(context)
        keep_guards(context)
        yield context


def keep_guards(context: Context) -> None:
    """GUARD_DEV / GUARD_PROD=on: put the branch's guard on (installing DDL capture first) when it is off.

    Each step is an audited operation of dbadmin's own; a branch that is down or refuses
    (no superuser) is left as it is, and doctor says so.
    """
    why = "{}=on in the settings"
    for branch in Branch:
        if not context.settings.guarded(branch.value) or context.registry.location(branch) is None:
            continue
        try:
            found = capture.status(context, branch)
            if not found.installed and not found.can_install:  # refused at every start: doctor says so once
                _log.warning("%s: GUARD_%s=on, but %s", branch.label, branch.name, found.summary)
                continue
            if not found.installed:
                found = capture.install(context, branch, actor=SYSTEM, reason=why.format(f"GUARD_{branch.name}"))
            if not found.guarded:
                capture.guard(context, branch, True, actor=SYSTEM, reason=why.format(f"GUARD_{branch.name}"))
        except (DBAdminError, psycopg.Error) as exc:
            _log.warning("%s: its guard could not be put on: %s", branch.label, exc)


def _seed_example(context: Context) -> None:
    """First embedded start with the example project: Dev at head, Prod one revision behind.

    It goes through the migration service like a person would (Dev up, promote, Dev up
    once more), so the first screen's history and audit log already tell a story.
    """
    why = "embedded first start"
    total = migrations.status(context, Branch.DEV).pending_count
    migrations.upgrade(context, Branch.DEV, actor=SYSTEM, steps=total - 1, reason=why)
    migrations.promote(context, actor=SYSTEM, confirm=migrations.plan_promotion(context).phrase, reason=why)
    migrations.upgrade(context, Branch.DEV, actor=SYSTEM, reason=why)
    for branch in Branch:
        _seed_rows(context, branch)


# A few hundred rows in the example shop, so its first screen has sizes, counts and data to look
# at; generated by the server (no fixture file), then analyzed so the estimates are real.
_EXAMPLE_ROWS = """
INSERT INTO users (email, name)
SELECT format('customer%s@example.com', g), format('Customer %s', g) FROM generate_series(1, 250) g;
INSERT INTO products (sku, title, price_cents)
SELECT format('SKU-%s', lpad(g::text, 4, '0')), format('Product %s', g), 100 + (g * 37) % 9900
FROM generate_series(1, 120) g;
INSERT INTO orders (user_id, total_cents, status)
SELECT u.id, 500 + (g * 53) % 20000, (ARRAY['pending', 'paid', 'shipped'])[1 + g % 3]
FROM generate_series(1, 600) g JOIN users u ON u.id = 1 + (g * 7) % 250;
"""


def _seed_rows(context: Context, branch: Branch) -> None:
    """The example shop's rows on ``branch`` (first embedded start only), audited like the rest."""
    with audit.operation(
        context.registry.control_pool(),
        actor=SYSTEM.name,
        action=actions.EXAMPLE_ROWS,
        branch=branch,
        reason="embedded first start",
    ) as running:
        with context.registry.connection(branch) as conn:
            with conn.transaction():
                conn.execute(_EXAMPLE_ROWS)
            conn.execute("ANALYZE")  # alembic_version too: no "unknown" on the first screen
        running.details["rows"] = 970
