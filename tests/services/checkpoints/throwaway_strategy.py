"""A throw-away checkpoint strategy, registered as a plugin would register a new one (``-p`` this module):
``test_strategy_contract`` shows the contract test takes it up with no test edited.  It keeps its dumps in
a folder of its own, so it is a strategy of its own as far as the catalog and the store are concerned."""

from __future__ import annotations

from typing import ClassVar

from dbadmin.config import Settings
from dbadmin.services.checkpoints import strategies
from dbadmin.services.checkpoints.stores import LocalStore
from dbadmin.services.checkpoints.strategies.dump import DumpStrategy


class ThrowawayStrategy(DumpStrategy):
    name: ClassVar[str] = "throwaway"
    summary: ClassVar[str] = "throwaway: a test's own strategy (pg_dump into its own folder)"

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrowawayStrategy:
        return cls(LocalStore(settings.checkpoint_path.resolve() / "throwaway"), settings.dump_jobs)


if ThrowawayStrategy not in strategies.REGISTERED:
    strategies.REGISTERED = (*strategies.REGISTERED, ThrowawayStrategy)
