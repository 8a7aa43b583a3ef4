"""The one object every service verb and front end receives: settings, branch registry, caches.

Built once per process by ``startup.open_context``; it holds no start-up logic itself, so
that every layer can name it without importing the verbs start-up calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Settings
from .embedded import EmbeddedPostgres
from .caches import ListingCache, ProjectCache
from .registry import Registry


@dataclass(frozen=True)
class Context:
    """What pages, API routes and CLI commands are given; built once per process."""

    settings: Settings
    registry: Registry
    embedded: EmbeddedPostgres | None = None
    listings: ListingCache = field(default_factory=ListingCache)  # each branch's table listing, read whole
    projects: ProjectCache = field(default_factory=ProjectCache)  # what env.py runs taught: graph, version tables
