"""Frameworks that wrap Alembic with their own command, config object or set-up: one module each.

A wrapper module is a plug-in with two halves:

- ``detect(files)`` runs in dbadmin's process and reads only text (the ini, env.py), never
  the project's code: does this project need the wrapper?  ``script_folder`` and
  ``workdir`` say where the framework's own command finds the Alembic project and the
  application when the ini does not (Flask-Migrate's ini has no ``script_location``).
- ``session(request, base)`` runs in the env.py process (``child``): it sets the
  application up as the framework's own command does (an application context, its
  ``Config`` subclass) and yields the ``Config`` env.py must receive (None: Alembic's own);
  ``call(body)`` runs env.py where the framework's command runs it (Prefect: in an AnyIO
  worker thread).

``WRAPPERS`` lists them in the order they are tried; the first whose ``detect`` says yes
is used.  Supporting the next framework is one module and one line here, and the contract
test (tests/services/revisions/test_wrappers.py) runs over every entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Files:
    """What a wrapper may look at to recognise its project: text only, no import."""

    ini: Path | None  # alembic.ini, when there is one
    ini_text: str  # its contents ('' without one)
    script_folder: Path | None  # the folder holding env.py when it is known before the wrapper decides
    env_text: str  # env.py's source ('' when not found)


class Wrapper(Protocol):
    name: str  # the key in WRAPPERS and in the child's request
    label: str  # how it is shown ("Flask-Migrate")
    command: str  # the framework's own migrate command, for messages ("flask db upgrade")

    def detect(self, files: Files) -> bool: ...

    def script_folder(self, files: Files) -> Path | None: ...

    def workdir(self, files: Files, script_folder: Path) -> Path: ...

    def session(self, request: dict, base: Callable[[], Any]) -> AbstractContextManager[Any]: ...

    def call(self, body: Callable[[], Any]) -> Any: ...


def _load() -> dict[str, Wrapper]:
    from . import advanced_alchemy, flask_migrate, oslo, prefect

    return {module.WRAPPER.name: module.WRAPPER for module in (flask_migrate, prefect, advanced_alchemy, oslo)}


WRAPPERS: dict[str, Wrapper] = _load()


def detect(files: Files) -> Wrapper | None:
    """The wrapper this project needs, or None for a plain Alembic project."""
    return next((wrapper for wrapper in WRAPPERS.values() if wrapper.detect(files)), None)


def named(name: str | None) -> Wrapper | None:
    return WRAPPERS.get(name) if name else None


def iterate() -> Iterator[Wrapper]:
    return iter(WRAPPERS.values())
