"""The ways a checkpoint is made and brought back, one module each, and their registry.

Adding a strategy (a provider's branching, say) is a module here whose class follows
``base.Strategy``, and its line in ``REGISTERED``; settings, the API and the CLI take their
choices from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ....config import Settings
from ...branch import Branch
from ...errors import ConfigError, InvalidInput
from .base import Closing, Created, Job, Keep, Progress, Strategy, Unavailability
from .clone import CloneStrategy
from .dump import DumpStrategy
from .neon import NeonStrategy

REGISTERED: tuple[type[Strategy], ...] = (CloneStrategy, DumpStrategy, NeonStrategy)

__all__ = [
    "REGISTERED",
    "Closing",
    "Created",
    "Job",
    "Keep",
    "Progress",
    "Strategy",
    "Unavailability",
    "build",
    "choose",
    "default_name",
    "names",
]


def names() -> tuple[str, ...]:
    return tuple(strategy.name for strategy in REGISTERED)


def build(settings: Settings) -> dict[str, Strategy]:
    """One of each registered strategy with its settings (once, at start-up); ``ConfigError`` when
    CHECKPOINT_STRATEGY_DEV or _PROD names none of them."""
    for variable, chosen in (
        ("CHECKPOINT_STRATEGY_DEV", settings.checkpoint_strategy_dev),
        ("CHECKPOINT_STRATEGY_PROD", settings.checkpoint_strategy_prod),
    ):
        if chosen not in names():
            raise ConfigError(f"{variable}: unknown checkpoint strategy {chosen[:20]!r}; use {_choices()}")
    return {strategy.name: strategy.from_settings(settings) for strategy in REGISTERED}


def default_name(settings: Settings, branch: Branch) -> str:
    """The strategy CHECKPOINT_STRATEGY_DEV or _PROD names for ``branch``."""
    return settings.checkpoint_strategy_dev if branch is Branch.DEV else settings.checkpoint_strategy_prod


def choose(strategies: Mapping[str, Strategy], settings: Settings, branch: Branch, name: str | None) -> Strategy:
    """The strategy asked for by ``name``, or the branch's default."""
    name = name or default_name(settings, branch)
    if name not in strategies:
        raise InvalidInput(f"unknown checkpoint strategy {name[:20]!r}: use {_choices()}")
    return strategies[name]


def _choices() -> str:
    found = names()
    return " or ".join(found) if len(found) < 3 else ", ".join(found[:-1]) + " or " + found[-1]
