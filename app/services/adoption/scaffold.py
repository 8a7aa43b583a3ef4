"""The files of a new Alembic project: ``alembic.ini`` beside a script directory with env.py,
``script.py.mako`` and ``versions/``, written whole into a staging folder and moved into
place without overwriting anything, so a failed ``dbadmin init`` leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from dotenv.parser import parse_stream

from ..errors import InvalidInput


@dataclass(frozen=True)
class Layout:
    """Where the project goes: ``directory`` (the script directory) and ``ini`` beside it."""

    directory: Path
    ini: Path

    @classmethod
    def at(cls, directory: Path) -> Layout:
        directory = directory.resolve()
        return cls(directory, directory.parent / "alembic.ini")

    def refuse_existing(self) -> None:
        """``InvalidInput`` when either file is there already: init never overwrites."""
        if self.ini.exists():
            raise InvalidInput(f"{self.ini} already exists; dbadmin init never overwrites a project")
        if self.directory.exists() and (not self.directory.is_dir() or any(self.directory.iterdir())):
            raise InvalidInput(f"{self.directory} already exists and is not empty; dbadmin init never overwrites it")
        if any(folder.exists() and not folder.is_dir() for folder in self.directory.parents):
            raise InvalidInput(f"{self.directory.parent} is not a folder")

    def make_parents(self) -> list[Path]:
        """Create the folders above the project that are missing (``db/`` of ``db/migrations``); the new ones."""
        missing = [folder for folder in self.directory.parents if not folder.exists()]
        try:
            self.directory.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"cannot create {self.directory.parent}: {exc.strerror}") from None
        return missing


@contextmanager
def staged(layout: Layout) -> Iterator[Layout]:
    """The project's files in a hidden folder beside their place, removed unless ``publish`` moved them."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".dbadmin-init-", dir=layout.directory.parent))
    except OSError as exc:
        raise InvalidInput(f"cannot write in {layout.directory.parent}: {exc.strerror}") from None
    try:
        stage = Layout(folder / layout.directory.name, folder / "alembic.ini")
        _write(stage)
        yield stage
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(stage: Layout, layout: Layout) -> None:
    """Move the staged project into place, never over a file: the ini is linked (which fails if one
    appeared meanwhile), then the folder renamed (onto nothing, or the empty folder the user made)."""
    layout.refuse_existing()
    try:
        os.link(stage.ini, layout.ini)
    except FileExistsError:
        raise InvalidInput(f"{layout.ini} appeared meanwhile; dbadmin init never overwrites a project") from None
    try:
        os.rename(stage.directory, layout.directory)
    except OSError as exc:
        layout.ini.unlink()
        raise InvalidInput(f"cannot create {layout.directory}: {exc.strerror}") from None


def withdraw(layout: Layout, *, published: bool, made: list[Path]) -> None:
    """Undo what init did to the folder when a later step failed: the project, if it was published,
    and the folders made for it (nothing that was there before)."""
    if published:
        layout.ini.unlink(missing_ok=True)
        shutil.rmtree(layout.directory, ignore_errors=True)
    for folder in made:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            pass


def add_env_line(env_file: Path, name: str, value: str) -> bool:
    """Append ``NAME=value`` to ``env_file`` unless it sets ``NAME`` already; True when written."""
    existing = env_file.read_text(encoding="utf-8") if env_file.exists() else ""
    if any(binding.key == name for binding in parse_stream(io.StringIO(existing))):  # as python-dotenv reads it
        return False
    separator = "" if not existing or existing.endswith("\n") else "\n"
    with env_file.open("a", encoding="utf-8") as out:
        out.write(f"{separator}{name}={value}\n")
    return True


def _write(stage: Layout) -> None:
    templates = files("dbadmin.services.adoption.templates")
    (stage.directory / "versions").mkdir(parents=True)
    ini = (templates / "alembic.ini.tmpl").read_text(encoding="utf-8").replace("{directory}", stage.directory.name)
    stage.ini.write_text(ini, encoding="utf-8")
    for name in ("env.py", "script.py.mako"):
        (stage.directory / name).write_text((templates / f"{name}.tmpl").read_text(encoding="utf-8"), encoding="utf-8")
