"""Advanced Alchemy: ``litestar database upgrade`` projects, given the Config its command builds.

Advanced Alchemy's env.py (its ``init`` templates, and every project made from them) reads
fields that only its own ``AlembicCommandConfig`` (an ``alembic.config.Config`` subclass)
has: ``config.db_url``, ``config.engine``, ``config.version_table_name``,
``config.version_table_pk``, ``config.bind_key``, ``config.compare_type``,
``config.user_module_prefix``, ``config.render_as_batch``.  Under plain ``alembic`` it fails
with "'Config' object has no attribute 'db_url'".  Its command
(``advanced_alchemy.cli.add_migration_commands``: ``litestar database upgrade``, or an
application's own CLI wrapping Litestar's) finds the application's ``SQLAlchemy*Config``
and builds that Config with ``AlembicCommands(sqlalchemy_config=...).config``: the ini
from ``alembic_config.script_config``, ``script_location`` from
``alembic_config.script_location``, the version table from
``alembic_config.version_table_name`` (its default is ``alembic_versions``, not Alembic's
``alembic_version``: only the application knows the name), and the application's own
engine.  So, in the env.py process, this wrapper:

1. loads ``.env`` as Litestar's CLI does (never over a variable already set), then drops
   dbadmin's own variables again;
2. loads the Litestar application as ``litestar`` does: ``LITESTAR_APP`` (``module:app`` or
   ``module:factory``), else Litestar's autodiscovery from the folder above the package the
   migrations sit in;
3. takes the configs of its ``SQLAlchemyInitPlugin`` (what ``litestar database`` uses),
   picks the one whose ``alembic_config.script_location`` is this script folder (or the only
   one), and yields ``AlembicCommands(sqlalchemy_config=config).config``.

The engine in that Config is the application's (its driver, sync or async); the child's
handover points it at the branch when it connects.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # this file is also loaded by its path alone, in the env.py process (see child._load_wrapper)
    from . import Files

T = TypeVar("T")
# env.py reads what only Advanced Alchemy's AlembicCommandConfig has (its templates read all of these).
_READS = re.compile(r"\bconfig\.(db_url|version_table_name|version_table_pk|bind_key|user_module_prefix)\b")


class AdvancedAlchemy:
    name = "advanced_alchemy"
    label = "Advanced Alchemy"
    command = "litestar database upgrade"

    def detect(self, files: Files) -> bool:
        return "advanced_alchemy" in files.env_text and bool(_READS.search(files.env_text))

    def script_folder(self, files: Files) -> Path | None:
        return files.script_folder  # its ini always has script_location (the command overrides it anyway)

    def workdir(self, files: Files, script_folder: Path) -> Path:
        """The folder the application's package is imported from: above the outermost package holding the
        migrations (litestar-fullstack: ``src/py`` for ``src/py/app/db/migrations``), else the migrations' parent."""
        return _app_dir(script_folder)

    @contextmanager
    def session(self, request: dict, base: Callable[[], Any]) -> Iterator[Any]:
        from advanced_alchemy.alembic.commands import AlembicCommands  # the application's own, in env.py's process

        _load_dotenv()
        for name in request.get("private_env") or ():  # a .env shared with dbadmin must not bring its secrets back
            os.environ[name] = ""
        script_folder = Path(request["script_folder"])
        configs = _litestar_configs(_app_dir(script_folder))
        config = AlembicCommands(sqlalchemy_config=_pick(configs, script_folder)).config
        # The folder dbadmin read the revisions from and the phrase confirmed, whatever the application's settings
        # name (an installed copy of the package in site-packages, say): what runs is what was shown.
        config.set_main_option("script_location", str(script_folder))
        yield config

    def call(self, body: Callable[[], T]) -> T:
        return body()  # env.py runs its own event loop (asyncio.run) for an async engine


def _load_dotenv() -> None:
    try:
        import dotenv
    except ImportError:
        return
    dotenv.load_dotenv(dotenv.find_dotenv(usecwd=True))  # as LitestarEnv.from_env: never over a variable already set


def _app_dir(script_folder: Path) -> Path:
    return _package_root(script_folder) or script_folder.parent


def _package_root(folder: Path) -> Path | None:
    """The folder above the outermost package ``folder`` is (or sits in), or None when it is in none."""
    current = folder if (folder / "__init__.py").is_file() else folder.parent
    if not (current / "__init__.py").is_file():
        return None
    while (current.parent / "__init__.py").is_file():
        current = current.parent
    return current.parent


def _litestar_configs(app_dir: Path) -> list[Any]:
    """The SQLAlchemy configs of the Litestar application ``litestar database`` would load."""
    try:
        from advanced_alchemy.extensions.litestar.cli import get_database_migration_plugin
        from litestar.cli import _utils as litestar_cli
    except ImportError as exc:
        raise RuntimeError(
            f"Advanced Alchemy's migrations are run as 'litestar database upgrade' runs them, and this environment has "
            f"no Litestar ({exc}): only Litestar applications are supported; an application on another framework can "
            "run them with plain Alembic's Config"
        ) from None

    os.environ.setdefault("LITESTAR_QUIET_CONSOLE", "1")
    if str(app_dir) not in sys.path:
        sys.path.append(str(app_dir))  # as LitestarEnv.from_env appends its app_dir
    app_path = os.environ.get("LITESTAR_APP")
    try:
        loaded = litestar_cli._load_app_from_path(app_path) if app_path else litestar_cli._autodiscover_app(app_dir)
    except Exception as exc:  # Litestar's own autodiscovery fails with whatever importing the package raised
        if _from_the_database(exc):
            raise  # the application touched a database as it started: the child says what that means
        raise RuntimeError(
            f"no Litestar application found in {app_dir} ({type(exc).__name__}: {exc}): set LITESTAR_APP (module:app or module:factory) "
            "as for 'litestar database upgrade'"
        ) from exc
    configs = get_database_migration_plugin(loaded.app).config
    return list(configs) if isinstance(configs, (list, tuple)) else [configs]


def _from_the_database(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a database error: SQLAlchemy's, which carry the driver's in ``orig``."""
    seen: BaseException | None = exc
    for _ in range(20):  # a chain of causes is short; never follow a cycle
        if seen is None:
            return False
        if hasattr(seen, "orig") or type(seen).__module__.startswith("sqlalchemy"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _pick(configs: list[Any], script_folder: Path) -> Any:
    """The config whose migrations are ``script_folder`` (``--bind-key`` picks it for the command), else the only one."""
    target = script_folder.resolve()
    matching = [c for c in configs if Path(c.alembic_config.script_location).resolve() == target]
    if len(matching) == 1:
        return matching[0]
    if len(configs) == 1:
        return configs[0]
    keys = ", ".join(repr(getattr(c, "bind_key", None)) for c in configs)
    raise RuntimeError(
        f"the application has {len(configs)} SQLAlchemy configs (bind keys {keys}) and none names {target} as its "
        "alembic script_location: point MIGRATIONS at one of theirs"
    )


WRAPPER = AdvancedAlchemy()
