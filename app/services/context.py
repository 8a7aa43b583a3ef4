"""The one object every service verb and front end receives: settings, branch registry, caches.

Built once per process by ``startup.open_context``; it holds no start-up logic itself, so
that every layer can name it without importing the verbs start-up calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from .caches import ListingCache, ProjectCache
from .embedded import EmbeddedPostgres
from .registry import Registry
from .webhooks import Webhooks


@dataclass(frozen=True)
class Context:
    """What pages, API routes and CLI commands are given; built once per process."""

    settings: Settings
    registry: Registry
    # One of each checkpoint strategy with its settings, by name (``checkpoints.strategies.build``, at
    # start-up). Typed loosely: the strategies sit layers above the context that carries them.
    checkpoint_strategies: Mapping[str, Any]
    embedded: EmbeddedPostgres | None = None
    listings: ListingCache = field(default_factory=ListingCache)  # each branch's table listing, read whole
    projects: ProjectCache = field(default_factory=ProjectCache)  # what env.py runs taught: graph, version tables
    webhooks: Webhooks | None = None  # where failed backups and Production changes are told (WEBHOOK_URLS)
    # What start-up's recovery settled per branch (or why it could not look): 'dbadmin recover' prints it.
    recovered: dict[str, list[str]] = field(default_factory=dict)
