"""Prefect: ``prefect server database upgrade`` projects, run inside Prefect's own worker thread.

Prefect's env.py ends online with ``run_async_from_worker_thread(apply_migrations)``, which works
only inside an AnyIO worker thread whose event loop waits in the main thread; plain ``alembic``
fails there ("Not running inside an AnyIO worker thread").  Prefect's command runs Alembic with
``run_sync_in_worker_thread``, so this wrapper does the same around env.py.  Its ini says
``revision_environment = true`` and env.py picks the revision folder for its dialect at run
time; the child honours that by reading the revisions after env.py ran offline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # this file is also loaded by its path alone, in the env.py process (see child._load_wrapper)
    from . import Files

T = TypeVar("T")


class Prefect:
    name = "prefect"
    label = "Prefect"
    command = "prefect server database upgrade"

    def detect(self, files: Files) -> bool:
        return "run_async_from_worker_thread" in files.env_text and "prefect" in files.env_text

    def script_folder(self, files: Files) -> Path | None:
        return files.script_folder

    def workdir(self, files: Files, script_folder: Path) -> Path:
        return files.ini.parent if files.ini is not None else script_folder.parent

    @contextmanager
    def session(self, request: dict, base: Callable[[], Any]) -> Iterator[Any]:
        yield None  # Alembic's own Config from Prefect's ini, as its command builds it

    def call(self, body: Callable[[], T]) -> T:
        """``body`` (env.py's run) in an AnyIO worker thread, as Prefect's CLI runs Alembic."""
        import anyio
        from prefect.utilities.asyncutils import run_sync_in_worker_thread

        async def main() -> T:
            return await run_sync_in_worker_thread(body)

        return anyio.run(main)


WRAPPER = Prefect()
