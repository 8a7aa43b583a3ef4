"""OpenStack services (oslo.config): ``<service>-manage db upgrade`` projects, with the configuration parsed first.

An OpenStack service's env.py (Glance's) reads its database from oslo.config's global
``cfg.CONF`` (``CONF.database.connection``, or oslo.db's ``enginefacade``), which holds
nothing until the service's own command has parsed its configuration: ``glance-manage``
calls ``CONF(project='glance')`` before Alembic runs, and plain ``alembic`` fails with
"No sql_connection parameter is established".  This wrapper does what the command does
first: registers oslo.db's ``[database]`` options and parses the configuration as the
service's ``-manage`` command would (its config files in ``/etc/<service>/`` and ``~``, and
oslo.config's environment variables, ``OS_DATABASE__CONNECTION``).  The engine env.py then
makes is pointed at the branch by the child's handover, like any other.

A service whose env.py parses a configuration of its own (Placement's ``cfg.ConfigOpts()``)
needs nothing and is not claimed.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # this file is also loaded by its path alone, in the env.py process (see child._load_wrapper)
    from . import Files

T = TypeVar("T")
_GLOBAL_CONF = re.compile(r"\bcfg\.CONF\b")
_PARSES_ITSELF = re.compile(r"\bCONF\s*\(")  # env.py that calls CONF(...) itself needs nobody to do it first


class Oslo:
    name = "oslo"
    label = "OpenStack (oslo.config)"
    command = "<service>-manage db upgrade"

    def detect(self, files: Files) -> bool:
        text = files.env_text
        return (
            "oslo_config" in text
            and bool(_GLOBAL_CONF.search(text))
            and not _PARSES_ITSELF.search(text)
            and files.script_folder is not None
            and _package_root(files.script_folder) is not None  # a service's migrations ship in its package
        )

    def script_folder(self, files: Files) -> Path | None:
        return files.script_folder

    def workdir(self, files: Files, script_folder: Path) -> Path:
        return files.ini.parent if files.ini is not None else script_folder

    @contextmanager
    def session(self, request: dict, base: Callable[[], Any]) -> Iterator[Any]:
        from oslo_config import cfg  # the service's own, in the env.py process

        service = _service(Path(request["script_folder"]))
        # What '<service>-manage' imports registers its options (oslo.log's command-line ones among them): after
        # CONF() has parsed, registering one more fails, so the command's module is imported first, as it is there.
        try:
            manage = importlib.util.find_spec(f"{service}.cmd.manage")
        except ModuleNotFoundError:  # no <service>.cmd package
            manage = None
        if manage is not None:
            importlib.import_module(f"{service}.cmd.manage")
        try:
            from oslo_db import options
        except ImportError:  # an oslo.config service without oslo.db: its env.py registers what it reads
            pass
        else:
            # The [database] options, as the service's db modules register them, the branch as the default (the
            # service's own files or OS_DATABASE__CONNECTION may name another: its engine is handed the branch then).
            options.set_defaults(cfg.CONF, connection=request.get("url"))
        # As '<service>-manage' parses it: its files in /etc/<service>/ and ~/.<service>/, then OS_<GROUP>__<OPT>.
        cfg.CONF(args=[], project=service, prog=f"{service}-manage")
        try:
            yield None  # Alembic's own Config from the service's ini
        finally:
            cfg.CONF.reset()

    def call(self, body: Callable[[], T]) -> T:
        return body()


def _package_root(script_folder: Path) -> Path | None:
    """The top-level package folder the migrations ship in, or None when they are in no package."""
    current = script_folder if (script_folder / "__init__.py").is_file() else script_folder.parent
    if not (current / "__init__.py").is_file():
        return None
    while (current.parent / "__init__.py").is_file():
        current = current.parent
    return current


def _service(script_folder: Path) -> str:
    """The service's name: the top-level package the migrations ship in (``glance`` for
    glance/db/sqlalchemy/alembic_migrations)."""
    root = _package_root(script_folder)
    if root is None:
        raise RuntimeError(
            f"{script_folder} is not inside an installed OpenStack service's package: its env.py reads oslo.config's "
            "CONF, which only the service's own command fills; run dbadmin on the migrations inside the package"
        )
    return root.name


WRAPPER = Oslo()
