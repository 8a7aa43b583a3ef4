"""``dbadmin doctor --app PATH``: what in an application's code changes the schema outside its migrations.

The cleanup list of a project that adopts migrations: DDL in string literals (each candidate
is parsed by PostgreSQL's own parser, pglast, so prose that says "create table" is not a
finding and a CTE is not DDL), ``create_all()`` / ``drop_all()`` outside the tests and the
migrations folder, migration-like scripts outside the Alembic project, and variables such
as ``DATABASE_URL`` that point somewhere the branch URLs do not.  It reads files only.
"""

from __future__ import annotations

import ast
import io
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pglast
import pglast.parser
from dotenv.parser import parse_stream

from .. import dburl
from ..errors import ConfigError
from ..revisions.project import Project
from ..text import shortened

# Folders that are not the application's own code, or are allowed to change the schema.
_SKIPPED_FOLDERS = {".git", ".hg", ".venv", "venv", "env", "node_modules", "__pycache__", "site-packages", ".tox"}
_TEST_FOLDERS = {"tests", "test", "testing"}
# Where a value or a name is filled in later: %s, %(name)s (psycopg), {} and {name} (psycopg.sql, str.format).
_PLACEHOLDER = re.compile(r"%s|%\(\w+\)s|\{\w*\}")
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_CANDIDATE = re.compile(r"\b(create|alter|drop|comment\s+on)\b", re.IGNORECASE)
_READING = {
    "SelectStmt",
    "InsertStmt",
    "UpdateStmt",
    "DeleteStmt",
    "MergeStmt",
    "VariableSetStmt",
    "VariableShowStmt",
    "TransactionStmt",
    "ExplainStmt",
    "CopyStmt",
    "GrantStmt",
    "GrantRoleStmt",
    "LockStmt",
    "PrepareStmt",
    "ExecuteStmt",
    "DeallocateStmt",
    "CallStmt",
    "NotifyStmt",
    "ListenStmt",
    "VacuumStmt",
    "TruncateStmt",
}
# Variables applications read their database from; any of them aimed elsewhere than the branch.
SHADOWING_NAMES = ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_DATABASE_URL", "POSTGRES_URL", "PG_URL")
_MAX_FILE_BYTES = 2 * 2**20  # generated or vendored files are not the application's code
_MAX_ENV_BYTES = 2**20  # a .env larger than this is no settings file (it is skipped, and said so)


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the scanned folder, or "environment"
    line: int
    kind: str  # ddl | create_all | migration_script | shadowing_url; skipped: a file not read, and why
    message: str

    @property
    def skipped(self) -> bool:
        """A note that a file was not read (a link, too large): no finding about the application."""
        return self.kind == "skipped"

    def describe(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def scan(
    root: Path,
    *,
    branch_urls: Mapping[str, str | None],
    migrations: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every finding under ``root``, ordered by file and line. ``branch_urls``: ``{"Development": url, ...}``."""
    root = root.resolve()
    project = _script_folder(migrations)
    found: list[Finding] = []
    for path in _python_files(root, project):
        found += _scan_python(path, root)
    found += _scan_env_file(root / ".env", root, branch_urls)
    found += _scan_environment(os.environ if environ is None else environ, branch_urls)
    return sorted(found, key=lambda f: (f.file, f.line, f.kind))


def _script_folder(migrations: Path | None) -> Path | None:
    """The Alembic project's script folder (where ``versions/`` lives), whose DDL is the point; None when
    MIGRATIONS names no project (folders holding env.py and versions/ are skipped anyway)."""
    if migrations is None:
        return None
    try:
        return Project(migrations).script_folder()
    except ConfigError:
        return None


def _python_files(root: Path, project: Path | None) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in _SKIPPED_FOLDERS
            and name not in _TEST_FOLDERS
            and not name.startswith(".")
            and not _is_alembic_project(here / name, project)
        )
        for name in sorted(files):
            if name.endswith(".py") and not _is_test_file(name):
                path = here / name
                try:
                    found = path.lstat()  # a link, a FIFO or a device is not the app's source
                except OSError:
                    continue
                if stat.S_ISREG(found.st_mode) and found.st_size <= _MAX_FILE_BYTES:
                    yield path


def _is_alembic_project(folder: Path, project: Path | None) -> bool:
    if project is not None and folder.resolve() == project:
        return True
    return (folder / "env.py").is_file() and (folder / "versions").is_dir()


def _is_test_file(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _scan_python(path: Path, root: Path) -> list[Finding]:
    relative = str(path.relative_to(root))
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=relative)
    except (SyntaxError, ValueError, OSError):  # not Python, a NUL byte, unreadable
        return []
    found = []
    in_fstring = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        text = _literal_text(node) if id(node) not in in_fstring else None
        statement = _ddl_in(text) if text else None
        if statement:
            found.append(
                Finding(relative, getattr(node, "lineno", 1), "ddl", f"schema change in a string: {statement}")
            )
        # A call, or a reference handed on (conn.run_sync(Base.metadata.create_all)).
        if isinstance(node, ast.Attribute) and node.attr in ("create_all", "drop_all"):
            found.append(
                Finding(
                    relative,
                    node.lineno,
                    "create_all",
                    f"{node.attr}() changes the schema outside migrations; write a revision instead",
                )
            )
    if _looks_like_a_migration(tree):
        found.append(
            Finding(
                relative,
                1,
                "migration_script",
                "a migration-like script outside the Alembic project: move it into versions/ or remove it",
            )
        )
    return found


def _literal_text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with each ``{...}`` as a placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "{}"
            for part in node.values
        )
    return None


def _ddl_in(text: str) -> str | None:
    """``text`` shortened when it is SQL that changes the schema; None when it is not SQL or changes none."""
    if not _CANDIDATE.search(text) or len(text) > 100_000:
        return None
    filled = _PLACEHOLDER.sub("x", text)  # a name where a name or a value goes: both parse
    try:
        statements = pglast.parse_sql(filled)
    except (pglast.parser.ParseError, UnicodeError):
        return None
    if all(raw.stmt is None or type(raw.stmt).__name__ in _READING or _temporary(raw.stmt) for raw in statements):
        return None
    return shortened(_QUOTED.sub("'…'", text), 80)  # a literal may be a password: never printed


def _temporary(node: object) -> bool:
    """``CREATE TEMP TABLE``: gone with the session, not a change of the schema."""
    relation = getattr(node, "relation", None) or getattr(getattr(node, "into", None), "rel", None)
    return getattr(relation, "relpersistence", None) == "t"


def _looks_like_a_migration(tree: ast.Module) -> bool:
    """``from alembic import op`` (or ``import alembic.op``) beside ``revision = ...``: an Alembic revision."""
    imports_op = any(
        (isinstance(node, ast.ImportFrom) and node.module == "alembic" and any(a.name == "op" for a in node.names))
        or (isinstance(node, ast.Import) and any(a.name == "alembic.op" for a in node.names))
        for node in tree.body
    )
    names = {
        target.id
        for node in tree.body
        for target in (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if isinstance(target, ast.Name)
    }
    return imports_op and {"revision", "down_revision"} <= names


def _scan_env_file(path: Path, root: Path, branch_urls: Mapping[str, str | None]) -> list[Finding]:
    """The folder's own ``.env``: never through a link (it could lead out of the folder), at most 1 MiB."""
    name = str(path.relative_to(root))
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return []
    except OSError as exc:
        why = "a link, not followed (it may lead out of the folder)" if path.is_symlink() else exc.strerror
        return [Finding(name, 0, "skipped", f"not read: {why}")]
    with open(descriptor, "rb") as raw:
        found_stat = os.fstat(raw.fileno())
        if not stat.S_ISREG(found_stat.st_mode):
            return [Finding(name, 0, "skipped", "not read: not a regular file")]
        if found_stat.st_size > _MAX_ENV_BYTES:
            return [Finding(name, 0, "skipped", f"not read: too large ({found_stat.st_size} bytes; at most 1 MiB)")]
        text = raw.read(_MAX_ENV_BYTES + 1).decode("utf-8", errors="replace")
    found = []
    for binding in parse_stream(io.StringIO(text)):  # read as the app's settings read it
        if binding.key in SHADOWING_NAMES and binding.value:
            problem = _shadowing(binding.key, binding.value, branch_urls, local=True)
            if problem:
                found.append(Finding(name, binding.original.line, "shadowing_url", problem))
    return found


def _scan_environment(environ: Mapping[str, str], branch_urls: Mapping[str, str | None]) -> list[Finding]:
    found = []
    for name in SHADOWING_NAMES:
        value = environ.get(name)
        problem = _shadowing(name, value, branch_urls, local=False) if value else None
        if problem:
            found.append(Finding("environment", 0, "shadowing_url", problem))
    return found


def _shadowing(name: str, value: str, branch_urls: Mapping[str, str | None], *, local: bool) -> str | None:
    """Why ``name=value`` shadows the branches: it names neither, or (in a local .env) Production."""
    try:
        where = dburl.describe(dburl.normalize(value))
    except ValueError:  # not a PostgreSQL URL: nothing to compare
        return None
    branches = {label: dburl.describe(dburl.normalize(url)) for label, url in branch_urls.items() if url}
    matches = [label for label, location in branches.items() if location == where]
    if not branches:
        return None
    if not matches:
        return f"{name} names {where}, which is neither branch ({', '.join(branches.values())})"
    if local and "Production" in matches:
        return f"{name} in a local .env names Production ({where}): a developer's run would change Production"
    return None
