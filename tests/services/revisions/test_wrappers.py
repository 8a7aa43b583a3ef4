"""The framework wrappers (services/revisions/wrappers/): one contract over every registered wrapper, so a new
one is tested by adding it to WRAPPERS.  What each does with a real project is in tests/compat/ (Prefect) and
tests/services/revisions/test_env_patterns.py (Flask-Migrate)."""

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


def test_advanced_alchemy_is_found_from_env_py_reading_its_config_subclass(tmp_path):
    """Advanced Alchemy's templates (litestar-fullstack in tests/compat) read fields only its AlembicCommandConfig
    has; the application's package is imported from the folder above the outermost package holding them."""
    folder = tmp_path / "src" / "py" / "app" / "db" / "migrations"
    folder.mkdir(parents=True)
    for package in (folder.parent, folder.parents[1]):
        (package / "__init__.py").write_text("")
    env_text = (
        "from advanced_alchemy.base import orm_registry\n"
        "config = context.config\n"
        "def run_migrations_online():\n"
        "    connectable = config.engine\n"
        "    context.configure(url=config.db_url, version_table=config.version_table_name)\n"
    )
    files = Files(ini=folder / "alembic.ini", ini_text="[alembic]\n", script_folder=folder, env_text=env_text)
    found = wrappers.detect(files)
    assert found is not None and found.name == "advanced_alchemy"
    assert found.script_folder(files) == folder and found.workdir(files, folder) == tmp_path / "src" / "py"
    assert found.call(lambda: 42) == 42
    plain = Files(ini=None, ini_text="", script_folder=folder, env_text="import advanced_alchemy\n" + GENERIC)
    assert wrappers.detect(plain) is None  # importing the library is not enough: env.py must read its config


def test_an_application_with_only_asyncpg_gets_its_url_on_asyncpg(monkeypatch):
    """Arize Phoenix's [pg] extra installs asyncpg and no synchronous driver: sqlalchemy.url names asyncpg (its env.py
    prefers that URL), and the connection offered in config.attributes stays unmade (nothing to make it with)."""
    path = Path(inspect.getfile(wrappers)).parents[1] / "child.py"
    spec = importlib.util.spec_from_file_location("dbadmin_child_for_test", path)
    child = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(child)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name in ("psycopg", "psycopg2", "pg8000") else real(name, *args),
    )
    request = {"url": "postgresql://dev@db/shop", "connection_url": "postgresql://dev@db/shop"}
    found = child._with_driver(request)
    assert found["url"] == "postgresql+asyncpg://dev@db/shop"
    assert found["connection_url"] == "postgresql://dev@db/shop"  # create_engine raises ImportError: no handover


def test_an_openstack_service_reading_the_global_conf_is_run_with_its_configuration_parsed(tmp_path):
    """Glance's env.py reads oslo.config's global CONF, which only 'glance-manage' fills; Placement's parses a
    ConfigOpts of its own and needs nothing."""
    folder = tmp_path / "glance" / "db" / "sqlalchemy" / "alembic_migrations"
    folder.mkdir(parents=True)
    for package in (folder, *list(folder.parents)[:3]):
        (package / "__init__.py").write_text("")
    glance = "from oslo_config import cfg\nfrom oslo_db.sqlalchemy import enginefacade\nCONF = cfg.CONF\n"
    files = Files(ini=folder / "alembic.ini", ini_text="[alembic]\n", script_folder=folder, env_text=glance)
    found = wrappers.detect(files)
    assert found is not None and found.name == "oslo" and found.script_folder(files) == folder
    placement = "from oslo_config import cfg\nconfig = cfg.ConfigOpts()\nconfig([], project='placement')\n"
    assert wrappers.detect(Files(ini=None, ini_text="", script_folder=folder, env_text=placement)) is None
    parses = glance + "CONF([], project='glance')\n"  # env.py that parses the configuration itself needs nobody
    assert wrappers.detect(Files(ini=None, ini_text="", script_folder=folder, env_text=parses)) is None
    loose = tmp_path / "loose" / "migrations"  # migrations in no package: no service to parse a configuration for
    loose.mkdir(parents=True)
    assert wrappers.detect(Files(ini=None, ini_text="", script_folder=loose, env_text=glance)) is None
    oslo = importlib.util.spec_from_file_location("oslo_wrapper_for_test", inspect.getfile(type(found)))
    module = importlib.util.module_from_spec(oslo)
    oslo.loader.exec_module(module)
    assert module._service(folder) == "glance"
    with pytest.raises(RuntimeError, match="not inside an installed OpenStack service's package"):
        module._service(tmp_path)
