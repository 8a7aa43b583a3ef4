"""The application's Alembic project as dbadmin sees it, without importing any of its code.

``Project`` says where the project is and how its env.py is started for a branch: the
working directory its relative paths are written against, the environment variables
its settings read (``MIGRATIONS_ENV``), and the driver its own URL names.  ``Graph`` is
the revision graph, rebuilt in this process from plain data the isolated env.py process
reported, so planning, status and history never load a revision module here.
``VersionTable`` is where env.py keeps the version table on a branch, so status reads
it directly.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic.config import Config
from alembic.script.revision import Revision as Node
from alembic.script.revision import RevisionMap
from psycopg import sql

from .. import dburl
from ..errors import ConfigError
from ..rows import scalar

# Drivers a project's own sqlalchemy.url may name; the branch URL keeps the project's choice
# (an async env.py needs its async driver), any other spelling gets psycopg 3.
_DRIVERS = {"psycopg", "psycopg_async", "asyncpg", "psycopg2", "psycopg2cffi", "pg8000"}
_DRIVER = re.compile(r"^\s*postgres(?:ql)?\+([a-z0-9_]+)://", re.IGNORECASE)


@dataclass(frozen=True)
class Project:
    """Where the project is, and how env.py is started for one branch."""

    path: Path  # MIGRATIONS: an alembic.ini, a folder holding one, or the folder holding env.py
    env_mapping: dict[str, str] = field(default_factory=lambda: {"DATABASE_URL": "{url}"})
    python_path: tuple[Path, ...] = ()
    strip_env: frozenset[str] = frozenset()

    @property
    def ini(self) -> Path | None:
        path = Path(self.path)
        if path.is_file():
            return path.resolve()
        if (path / "alembic.ini").is_file():
            return (path / "alembic.ini").resolve()
        if (path / "env.py").is_file():
            return None
        raise ConfigError(f"MIGRATIONS: {path} holds neither alembic.ini nor env.py")

    def _ini_config(self) -> Config | None:
        ini = self.ini
        return Config(str(ini)) if ini else None

    def workdir(self) -> Path:
        """The folder env.py runs in: where ``script_location`` and ``prepend_sys_path`` resolve.

        Alembic resolves a relative script_location from the working directory; people run
        alembic from the folder of alembic.ini, so that folder is used unless the path
        exists from dbadmin's own working directory.  Without an ini, the folder above the
        one holding env.py (usually the project root).
        """
        config, ini = self._ini_config(), self.ini
        if config is None or ini is None:
            return Path(self.path).resolve().parent
        location = config.get_alembic_option("script_location")
        ini_dir = ini.parent
        if not location:
            raise ConfigError(f"MIGRATIONS: {self.ini} has no script_location in its [alembic] section")
        if Path(location).is_absolute():
            return ini_dir
        if (Path.cwd() / location).exists():
            return Path.cwd()
        if (ini_dir / location).exists():
            return ini_dir
        if ":" in location:
            return ini_dir  # package:path, found by import
        raise ConfigError(
            f"MIGRATIONS: script_location {location!r} in {self.ini} is found neither from "
            f"{Path.cwd()} nor from {ini_dir}"
        )

    def script_folder(self) -> Path:
        """The folder holding env.py and versions/, as Alembic finds it (``workdir`` plus script_location)."""
        config = self._ini_config()
        if config is None:
            return Path(self.path).resolve()
        workdir = self.workdir()  # checks script_location is there
        return (workdir / str(config.get_alembic_option("script_location"))).resolve()

    def request(self) -> dict[str, Any]:
        """The part of every request to the env.py process that says where the project is."""
        ini = self.ini
        return {"ini": str(ini)} if ini else {"script_location": str(Path(self.path).resolve())}

    def driver(self) -> str:
        """The SQLAlchemy driver the project's own ``sqlalchemy.url`` names, else psycopg (3)."""
        config = self._ini_config()
        raw = ""
        if config is not None:
            try:
                raw = config.get_main_option("sqlalchemy.url") or ""
            except Exception:  # an interpolation the ini cannot resolve on its own (%(DB_URL)s)
                raw = config.file_config.get(config.config_ini_section, "sqlalchemy.url", raw=True, fallback="")
        match = _DRIVER.match(raw)
        return match.group(1).lower() if match and match.group(1).lower() in _DRIVERS else "psycopg"

    def sqlalchemy_url(self, url: str) -> str:
        """``url`` (a libpq URL) in SQLAlchemy's spelling, with the project's driver."""
        return f"postgresql+{self.driver()}://" + url.split("://", 1)[1]

    def environment(self, url: str | None, base: dict[str, str] | None = None) -> dict[str, str]:
        """The env.py process's environment: this one without dbadmin's own settings, plus the branch.

        dbadmin's variables (the other branch's URL, the control store's, secrets) are
        removed; ``MIGRATIONS_ENV`` names the variables the application's settings read.
        """
        env = {k: v for k, v in (os.environ if base is None else base).items() if k.upper() not in self.strip_env}
        if url is not None:
            parts = url_parts(url, self.sqlalchemy_url(url))
            env.update({name: template.format(**parts) for name, template in self.env_mapping.items()})
        # Without an ini there is no prepend_sys_path: the project root (the working directory) is importable.
        folders = [*self.python_path, *([self.workdir()] if self.ini is None else [])]
        if folders:
            extra = os.pathsep.join(str(p) for p in folders)
            env["PYTHONPATH"] = extra + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return env

    def watched(self, version_locations: Iterable[str]) -> list[Path]:
        """The files whose change means the graph must be described again."""
        files = [p for p in (self.ini, Path(self.path) / "env.py" if self.ini is None else None) if p]
        for folder in version_locations:
            files.append(Path(folder))
            parent = Path(folder).parent
            if (parent / "env.py").is_file():
                files.append(parent / "env.py")
            files.extend(sorted(Path(folder).rglob("*.py")))
        return files


def fingerprint(files: Sequence[Path]) -> str:
    """Size and modification time of each file: changes when a revision, env.py or the ini does."""
    digest = hashlib.sha1()
    for path in files:
        try:
            info = path.stat()
        except OSError:
            digest.update(f"{path}:missing".encode())
            continue
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def url_parts(url: str, sqlalchemy_url: str) -> dict[str, str]:
    """The parts of a branch URL that MIGRATIONS_ENV can hand out."""
    params = dburl.parts(url)
    return {
        "url": url,
        "sqlalchemy_url": sqlalchemy_url,
        "host": params.get("host") or params.get("hostaddr") or "localhost",
        "port": str(params.get("port") or 5432),
        "database": params.get("dbname") or "",
        "user": unquote(params.get("user") or ""),
        "password": params.get("password") or "",
    }


@dataclass(frozen=True)
class RevisionInfo:
    id: str
    message: str
    file: str | None


class Graph:
    """The revision graph from the project's described revisions (Alembic's own RevisionMap)."""

    def __init__(self, revisions: list[dict]) -> None:
        self.info = {
            r["revision"]: RevisionInfo(r["revision"], r.get("message") or "", r.get("file")) for r in revisions
        }
        self._map = RevisionMap(
            lambda: [
                Node(
                    r["revision"],
                    _tuple(r["down"]),
                    dependencies=_tuple(r.get("depends_on")),
                    branch_labels=tuple(r.get("labels") or ()),
                )
                for r in revisions
            ]
        )

    @property
    def heads(self) -> tuple[str, ...]:
        return tuple(self._map.heads)

    def known(self, revision: str) -> bool:
        return revision in self.info

    def down_of(self, revision: str) -> list[str]:
        found = self._map.get_revision(revision)
        down = found.down_revision if found is not None else None
        return [down] if isinstance(down, str) else list(down or ())

    def pending_between(self, upper: str | Sequence[str], lower: Sequence[str]) -> list[RevisionInfo]:
        """Revisions an upgrade from ``lower`` (current heads) to ``upper`` would apply, in order."""
        lower_arg: Any = tuple(lower) if lower else None
        upper_arg: Any = tuple(upper) if not isinstance(upper, str) else upper
        found = self._map.iterate_revisions(upper_arg, lower_arg, implicit_base=True)
        return [self.info[rev.revision] for rev in reversed(list(found))]

    def ancestry(self, heads: Sequence[str]) -> set[str]:
        """Every revision applied when the database is at ``heads`` (the heads themselves included)."""
        return {rev.id for rev in self.lineage(heads)}

    def lineage(self, heads: Sequence[str]) -> list[RevisionInfo]:
        """The revisions applied at ``heads``, newest first."""
        if not heads:
            return []
        return [self.info[rev.revision] for rev in self._map.iterate_revisions(tuple(heads), None, implicit_base=True)]


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class VersionTable:
    """Where env.py keeps the version table on a branch, learned from one run of env.py."""

    name: str = "alembic_version"
    schema: str = "public"

    def read(self, conn: Any) -> tuple[tuple[str, ...], bool]:
        """The heads it holds and whether it exists, read through the branch's own pool."""
        qualified = sql.Identifier(self.schema, self.name)
        if scalar(conn.execute("SELECT to_regclass(%s) IS NULL", [qualified.as_string(conn)])):
            return (), False
        rows = conn.execute(sql.SQL("SELECT version_num FROM {}").format(qualified)).fetchall()
        return tuple(row[0] for row in rows), True
