"""Flask-Migrate: ``flask db upgrade`` projects, run as ``flask`` itself runs them.

Flask-Migrate's alembic.ini has an empty ``[alembic]`` section (the command sets
``script_location`` to the migrations folder at run time) and its env.py reads
``current_app.extensions['migrate']``: outside an application context it fails with
"Working outside of application context".  So, in the env.py process, this wrapper:

1. loads ``.flaskenv`` and ``.env`` as the ``flask`` command does (``flask.cli.load_dotenv``:
   never over a variable already set);
2. finds the application with Flask's own ``ScriptInfo``: ``FLASK_APP``, else ``wsgi.py`` or
   ``app.py`` in the working directory, else the package the migrations folder sits in
   (Flask's ``find_best_app``: an ``app`` or ``application``, or a ``create_app`` factory), else
   that package's usual entry modules (``wsgi``, ``app``, ``run``, ...);
3. pushes an application context and takes the ``Config`` from Flask-Migrate itself
   (``Migrate.get_config``: its own ``Config`` subclass, ``cmd_opts``, the configure callbacks).

The engine env.py then gets from Flask-SQLAlchemy is made on the branch by the child's
handover, keeping the application's driver.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # this file is also loaded by its path alone, in the env.py process (see child._load_wrapper)
    from . import Files

T = TypeVar("T")
# Modules of the migrations folder's package that commonly hold the app or its factory, tried in
# this order after the package itself (as `FLASK_APP=<package>.<module>` would name them).
_ENTRY_MODULES = ("wsgi", "app", "application", "run", "main", "server", "factory", "web")
_ENV_SIGNS = re.compile(r"current_app\.extensions\[['\"]migrate['\"]\]|from flask import current_app")


class FlaskMigrate:
    name = "flask_migrate"
    label = "Flask-Migrate"
    command = "flask db upgrade"

    def detect(self, files: Files) -> bool:
        return bool(_ENV_SIGNS.search(files.env_text))

    def script_folder(self, files: Files) -> Path | None:
        """The ini's own folder: Flask-Migrate keeps alembic.ini inside the migrations folder."""
        if files.ini is not None and (files.ini.parent / "env.py").is_file():
            return files.ini.parent
        return files.script_folder

    def workdir(self, files: Files, script_folder: Path) -> Path:
        """Where ``flask db`` is run: the folder above ``migrations/`` (its default ``--directory``),
        or, for migrations inside a package, the folder above that package."""
        return _package_root(script_folder) or script_folder.parent

    @contextmanager
    def session(self, request: dict, base: Callable[[], Any]) -> Iterator[Any]:
        from flask.cli import load_dotenv  # the application's own Flask, in the env.py process

        load_dotenv()
        for name in request.get("private_env") or ():  # a .env shared with dbadmin must not bring its secrets back
            os.environ[name] = ""
        app = _find_app(Path(request["script_folder"]))
        with app.app_context():
            state = app.extensions.get("migrate")
            if state is None:
                raise RuntimeError(
                    f"the Flask application {app.import_name!r} has no Flask-Migrate (Migrate(app, db) was not "
                    "called for it): set FLASK_APP to the application that runs 'flask db upgrade'"
                )
            yield state.migrate.get_config(request["script_folder"])

    def call(self, body: Callable[[], T]) -> T:
        return body()  # inside the application context session() pushed


def _package_root(folder: Path) -> Path | None:
    """The folder above the outermost package ``folder`` sits in, or None when it sits in none."""
    parent = folder.parent
    if not (parent / "__init__.py").is_file():
        return None
    while (parent.parent / "__init__.py").is_file():
        parent = parent.parent
    return parent.parent


def _find_app(script_folder: Path) -> Any:
    """The Flask application ``flask`` would load here, else the one in the migrations' package."""
    from flask.cli import NoAppException, ScriptInfo

    explicit = os.environ.get("FLASK_APP")
    try:
        return ScriptInfo(app_import_path=explicit, set_debug_flag=False).load_app()
    except NoAppException:
        if explicit or _package_root(script_folder) is None:
            raise
    package = script_folder.parent  # a path: Flask's prepare_import puts the folder above the package on sys.path
    candidates = [str(package)] + [
        f"{package / module}.py" if (package / f"{module}.py").is_file() else str(package / module)
        for module in _ENTRY_MODULES
        if (package / f"{module}.py").is_file() or (package / module / "__init__.py").is_file()
    ]
    for candidate in candidates:
        try:
            return ScriptInfo(app_import_path=candidate, set_debug_flag=False).load_app()
        except NoAppException:
            continue
    raise NoAppException(
        f"no Flask application found: set FLASK_APP (as for 'flask db upgrade'); tried wsgi.py and app.py in "
        f"{Path.cwd()} and the package {package.name}"
    )


WRAPPER = FlaskMigrate()
