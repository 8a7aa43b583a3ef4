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
import inspect as _inspect
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic.config import Config
from alembic.script.revision import Revision as Node
from alembic.script.revision import RevisionMap
from psycopg import sql

from .. import dburl
from ..errors import ConfigError
from ..results import scalar
from . import wrappers as _wrappers
from .wrappers import Wrapper

_ASYNC: dict[str, str | None] = {
    "asyncpg": None,
    "psycopg_async": "psycopg",
}  # the sync sibling (None: SQLAlchemy's default)


@dataclass(frozen=True)
class Layout:
    """Where the project is on disk, found as Alembic (or the framework's own command) finds it."""

    ini: Path | None
    script_folder: Path | None  # None only for a package:path script_location (found by import in env.py's process)
    workdir: Path  # env.py's working directory: where the relative script_location resolves
    wrapper: Wrapper | None
    sys_path: tuple[Path, ...] = ()  # folders env.py's process puts first on sys.path (as prepend_sys_path would)


@dataclass(frozen=True)
class Project:
    """Where the project is, and how env.py is started for one branch."""

    path: Path  # MIGRATIONS: an alembic.ini, a folder holding one, or the folder holding env.py
    env_mapping: dict[str, str] = field(default_factory=lambda: {"DATABASE_URL": "{url}"})
    python_path: tuple[Path, ...] = ()
    strip_env: frozenset[str] = frozenset()
    driver_name: str | None = None  # MIGRATIONS_DRIVER, or the driver a branch URL names (postgresql+psycopg2://)
    python: Path | None = None  # MIGRATIONS_PYTHON: the interpreter env.py runs in (else found: see ``interpreter``)
    env_named: str = ""  # MIGRATIONS_ENV as the user set it ('' when left at its default)

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

    @cached_property
    def layout(self) -> Layout:
        """The ini, the script folder, env.py's working directory and the framework wrapper, if any.

        Alembic resolves a relative ``script_location`` from its working directory; projects
        are run from the folder that makes it resolve, which is not always the ini's (a
        package shipping ``script_location = pkg/db/migrations`` in a wheel is run from the
        folder above the package).  So the path is tried from the ini's folder, the working
        directory and each folder above the ini's (stopping at a repository's root or at a
        folder on ``sys.path``, an installed package's root); the first where it holds an
        env.py wins.
        """
        ini = self.ini
        if ini is None:  # MIGRATIONS names the folder holding env.py: its parent is the project root
            folder = Path(self.path).resolve()
            files = _files(None, folder)
            wrapper = _wrappers.detect(files)
            workdir = wrapper.workdir(files, folder) if wrapper else folder.parent
            return Layout(None, folder, workdir, wrapper, (workdir, *self.python_path))
        config = Config(str(ini))
        location = config.get_alembic_option("script_location")
        if not location:
            files = _files(ini, ini.parent)
            wrapper = _wrappers.detect(files)
            found = wrapper.script_folder(files) if wrapper else None
            if wrapper is None or found is None:
                raise ConfigError(
                    f"MIGRATIONS: {ini} has no script_location in its [alembic] section (nor is it a "
                    f"Flask-Migrate project: no env.py beside it reads current_app.extensions['migrate'])"
                )
            workdir = wrapper.workdir(files, found)
            # The framework's command puts the application's folder on sys.path (Flask's prepare_import);
            # revision files that import the application need it even when no application is loaded.
            return Layout(ini, found, workdir, wrapper, (*self.python_path, workdir))
        workdir, found = _locate(str(location), ini)
        located = _files(ini, found) if found else None
        wrapper = _wrappers.detect(located) if located else None
        extra = (wrapper.workdir(located, found),) if wrapper and located and found else ()
        return Layout(ini, found, workdir, wrapper, (*self.python_path, *extra))

    def workdir(self) -> Path:
        """The folder env.py runs in: where ``script_location`` and ``prepend_sys_path`` resolve."""
        return self.layout.workdir

    def script_folder(self) -> Path:
        """The folder holding env.py and versions/, as Alembic finds it."""
        layout = self.layout
        if layout.script_folder is None:
            raise ConfigError(
                f"MIGRATIONS: {self.ini}: a package:path script_location is found only by env.py's process"
            )
        return layout.script_folder

    def request(self) -> dict[str, Any]:
        """The part of every request to the env.py process that says where the project is."""
        layout = self.layout
        found: dict[str, Any] = {"ini": str(layout.ini)} if layout.ini else {}
        if layout.script_folder is not None:
            found["script_folder"] = str(layout.script_folder)
        if layout.ini is None or (layout.wrapper is not None and layout.script_folder is not None):
            found["script_location"] = str(layout.script_folder)
        wrapper = layout.wrapper
        return found | {
            "wrapper": wrapper.name if wrapper else None,
            "wrapper_label": f"{wrapper.label} ({wrapper.command})" if wrapper else None,
            "wrapper_file": _inspect.getfile(type(wrapper)) if wrapper else None,
            "sys_path": [str(folder) for folder in layout.sys_path],
            "env_named": self.env_named,
            "private_env": sorted(self.strip_env),
        }

    def interpreter(self) -> tuple[Path, str]:
        """The Python that runs env.py, and why that one: the application's own, as ``alembic`` would run.

        MIGRATIONS_PYTHON when set; else the virtualenv that is active (``VIRTUAL_ENV``: the
        application's, when dbadmin is installed elsewhere, e.g. with pipx); else a ``.venv`` or
        ``venv`` in the project's folder or a folder above it (uv, Poetry, ``python -m venv``);
        else the Python running dbadmin.  env.py needs only the application's own Alembic,
        SQLAlchemy and driver there (dbadmin's child imports nothing else).
        """
        if self.python is not None:
            return self.python, "MIGRATIONS_PYTHON"
        active = os.environ.get("VIRTUAL_ENV")
        if active and (Path(active) / "bin" / "python").is_file():
            return Path(active) / "bin" / "python", "the active virtualenv (VIRTUAL_ENV)"
        start = self.layout.workdir
        for folder in (start, *start.parents):
            for name in (".venv", "venv"):
                candidate = folder / name / "bin" / "python"
                if candidate.is_file() and (folder / name / "pyvenv.cfg").is_file():
                    return candidate, f"the project's virtualenv ({folder / name})"
            if (folder / ".git").exists() or folder == Path.home():
                break  # the repository's root (or the home folder): a virtualenv above it is not the project's
        return Path(sys.executable), "the Python running dbadmin"

    def driver(self) -> str | None:
        """The SQLAlchemy driver env.py's engine gets, as the application itself would pick it.

        MIGRATIONS_DRIVER or the one a branch URL names; else the one the project's own
        ``sqlalchemy.url`` names; else None: the URL goes as ``postgresql://`` and SQLAlchemy in
        the application's interpreter picks its own default (psycopg2 up to 2.0, psycopg from 2.1).
        """
        if self.driver_name:
            return self.driver_name
        config = self._ini_config()
        raw = ""
        if config is not None:
            try:
                raw = config.get_main_option("sqlalchemy.url") or ""
            except Exception:  # an interpolation the ini cannot resolve on its own (%(DB_URL)s)
                raw = config.file_config.get(config.config_ini_section, "sqlalchemy.url", raw=True, fallback="")
        named = dburl.driver(raw)
        return named if named in dburl.DRIVERS else None

    def sync_driver(self) -> str | None:
        """The driver of the connection dbadmin hands env.py (``config.attributes['connection']``), which is
        synchronous: an async driver's sync sibling (SQLAlchemy's default for asyncpg)."""
        driver = self.driver()
        return _ASYNC[driver] if driver in _ASYNC else driver

    def sqlalchemy_url(self, url: str, driver: str | None = None, *, sync: bool = False) -> str:
        """``url`` (a libpq URL) in SQLAlchemy's spelling, with the project's driver (or SQLAlchemy's default)."""
        driver = driver or (self.sync_driver() if sync else self.driver())
        return f"postgresql{'+' + driver if driver else ''}://" + url.split("://", 1)[1]

    def environment(self, url: str | None, base: dict[str, str] | None = None) -> dict[str, str]:
        """The env.py process's environment: this one without dbadmin's own settings, plus the branch.

        dbadmin's variables (the other branch's URL, the control store's, secrets) are
        removed; ``MIGRATIONS_ENV`` names the variables the application's settings read.
        Nothing is added to PYTHONPATH: folders go on ``sys.path`` inside the process once it
        has started, as Alembic's ``prepend_sys_path`` does, so a project folder named like a
        standard-library module (``types``) cannot hide it.
        """
        env = {k: v for k, v in (os.environ if base is None else base).items() if k.upper() not in self.strip_env}
        # Present and empty rather than absent: a .env the application loads itself (python-dotenv never overrides
        # a variable that is set) cannot bring the other branch's URL or dbadmin's secrets back.
        env.update(dict.fromkeys(self.strip_env, ""))
        if url is not None:
            parts = url_parts(url, self.sqlalchemy_url(url))
            for name, template in self.env_mapping.items():
                value = template.format(**parts)
                if template == "{url}" and not dburl.driver(url) and (own := dburl.driver(env.get(name, ""))):
                    # The application's own DATABASE_URL named its driver (postgresql+asyncpg://): the branch's
                    # URL in its place keeps it, as the handover keeps the driver of every engine env.py makes.
                    value = _with_scheme_driver(value, own)
                env[name] = value
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


def _files(ini: Path | None, folder: Path) -> _wrappers.Files:
    env = folder / "env.py"
    try:
        env_text = env.read_text(errors="replace") if env.is_file() else ""
    except OSError:
        env_text = ""
    try:
        ini_text = ini.read_text(errors="replace") if ini else ""
    except OSError:
        ini_text = ""
    return _wrappers.Files(ini=ini, ini_text=ini_text, script_folder=folder, env_text=env_text)


def _package_resource(location: str, ini: Path) -> Path | None:
    """``package:sub:folder`` (Alembic: ``importlib.resources.files(package) / sub / folder``), found without
    importing anything: the ini shipped inside that package names it, so the package is a folder above the ini."""
    package, *parts = location.split(":")
    for folder in (ini.parent, *ini.parent.parents):
        if folder.name == package and (folder / "__init__.py").is_file():
            found = folder.joinpath(*parts)
            return found.resolve() if found.is_dir() else None
    return None  # elsewhere: env.py's process finds it by import


def _locate(location: str, ini: Path) -> tuple[Path, Path | None]:
    """The working directory from which ``location`` resolves, and the script folder it names."""
    if Path(location).is_absolute():
        return ini.parent, Path(location)
    if ":" in location and not (Path.cwd() / location).exists() and not (ini.parent / location).exists():
        return ini.parent, _package_resource(location, ini)
    tried: list[Path] = []
    roots = {Path(entry).resolve() for entry in sys.path if entry}
    for base in (ini.parent, Path.cwd(), *ini.parent.parents):
        if base in tried:
            continue
        tried.append(base)
        if (base / location / "env.py").is_file():
            return base, (base / location).resolve()
        if base != Path.cwd() and (base in roots or (base / ".git").exists()):
            break  # an installed package's root, or the repository's: the project does not reach above it
    raise ConfigError(
        f"MIGRATIONS: script_location {location!r} in {ini} is found from none of: " + ", ".join(map(str, tried))
    )


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


def _with_scheme_driver(url: str, driver: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}+{driver}{sep}{rest}" if sep and driver in dburl.DRIVERS else url


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
    reversible: bool = True  # its file has a downgrade()
    own_transaction: str | None = None  # why it cannot share a transaction (it commits by itself), from its source
    adds_enum_value: bool = False  # ALTER TYPE ... ADD VALUE: usable only once committed


class Graph:
    """The revision graph from the project's described revisions (Alembic's own RevisionMap).

    ``per_migration``: why env.py runs every revision in a transaction of its own, if it does.
    """

    def __init__(self, revisions: list[dict], *, per_migration: str | None = None) -> None:
        self.per_migration = per_migration
        self.info = {
            r["revision"]: RevisionInfo(
                r["revision"],
                r.get("message") or "",
                r.get("file"),
                r.get("reversible", True),
                r.get("own_transaction"),
                bool(r.get("adds_enum_value")),
            )
            for r in revisions
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

    def not_atomic(self, revisions: Sequence[RevisionInfo]) -> str | None:
        """Why ``revisions`` (in the order they run) cannot run in one transaction, or None when they can."""
        if self.per_migration:
            return self.per_migration
        if own := next((rev for rev in revisions if rev.own_transaction), None):
            return f"{own.id} {own.own_transaction}"
        if enum := next((rev for rev in revisions[:-1] if rev.adds_enum_value), None):
            return f"{enum.id} adds an enum value, which the revisions after it can use only once it is committed"
        return None

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
    schema: str | None = "public"  # None: env.py's search_path names no schema that exists (so no table yet)
    handover: str = field(
        default="", compare=False
    )  # how env.py got its database ("engine from the app's settings ...")
    driver: str = field(default="", compare=False)  # the dialect+driver env.py's connection used

    def read(self, conn: Any) -> tuple[tuple[str, ...], bool]:
        """The heads it holds and whether it exists, read through the branch's own pool."""
        if self.schema is None:
            return (), False
        qualified = sql.Identifier(self.schema, self.name)
        if scalar(conn.execute("SELECT to_regclass(%s) IS NULL", [qualified.as_string(conn)])):
            return (), False
        rows = conn.execute(sql.SQL("SELECT version_num FROM {}").format(qualified)).fetchall()
        return tuple(row[0] for row in rows), True
