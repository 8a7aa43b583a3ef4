"""The framework wrappers (services/revisions/wrappers/): one contract over every registered wrapper, so a new
one is tested by adding it to WRAPPERS.  What each does with a real project is in tests/compat/ (Prefect) and
tests/services/test_env_patterns.py (Flask-Migrate)."""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from dbadmin.services.revisions import wrappers
from dbadmin.services.revisions.wrappers import Files

# Alembic's own generic template (alembic init): no wrapper may claim it.
GENERIC = (Path(importlib.util.find_spec("alembic").origin).parent / "templates" / "generic" / "env.py").read_text()


@pytest.mark.parametrize("name", list(wrappers.WRAPPERS))
def test_every_wrapper_keeps_the_contract(name, tmp_path):
    wrapper = wrappers.WRAPPERS[name]
    assert wrapper.name == name and wrapper.label and wrapper.command
    assert not wrapper.detect(Files(ini=None, ini_text="", script_folder=tmp_path, env_text=GENERIC))
    for method in ("detect", "script_folder", "workdir", "session", "call"):
        assert callable(getattr(wrapper, method)), method
    # The env.py process loads the module by its path alone, in the application's Python: nothing of
    # dbadmin's may be imported at load time, and the framework itself only when used.
    path = inspect.getfile(type(wrapper))
    loaded = subprocess.run(
        [
            sys.executable,
            "-P",
            "-c",
            "import importlib.util, sys; spec = importlib.util.spec_from_file_location('w', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "assert not [n for n in sys.modules if n.startswith('dbadmin')], sorted(sys.modules); print(m.WRAPPER.name)",
            path,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert loaded.returncode == 0 and loaded.stdout.strip() == name, loaded.stderr


def test_flask_migrate_is_found_from_its_ini_without_script_location(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "env.py").write_text("from flask import current_app\nconfig.set_main_option('x', 'y')\n")
    (folder / "alembic.ini").write_text("[alembic]\n# template used to generate migration files\n")
    files = Files(
        ini=folder / "alembic.ini", ini_text="", script_folder=folder, env_text=(folder / "env.py").read_text()
    )
    found = wrappers.detect(files)
    assert found is not None and found.name == "flask_migrate"
    assert found.script_folder(files) == folder and found.workdir(files, folder) == tmp_path
    assert found.call(lambda: 42) == 42


def test_the_env_py_process_imports_only_alembic_and_sqlalchemy():
    """child.py runs in the application's Python (which may have SQLAlchemy 1.4 and no psycopg 3): loading it pulls
    in nothing of dbadmin's, nor psycopg or pydantic."""
    child = Path(inspect.getfile(wrappers)).parents[1] / "child.py"
    loaded = subprocess.run(
        [
            sys.executable,
            "-P",
            "-c",
            "import importlib.util, sys; spec = importlib.util.spec_from_file_location('c', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); sys.modules['c'] = m; spec.loader.exec_module(m); "
            "print(sorted({n.split('.')[0] for n in sys.modules} & {'dbadmin', 'psycopg', 'pydantic', 'psycopg_pool'}))",
            str(child),
        ],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
