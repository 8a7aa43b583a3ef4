"""The application's Alembic project, driven through Alembic's Python API.

The project's own ``env.py`` runs unchanged: dbadmin only sets ``sqlalchemy.url`` on the
``Config`` for the chosen branch (with the psycopg 3 driver) and lets env.py do the rest.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config

from .errors import ConfigError

# Alembic's ``context`` and ``op`` are module-level proxies: two commands running in
# threads of one process would overwrite each other's environment.  Every Alembic
# command in dbadmin runs under this lock; separate processes are kept apart by the
# databases' own locks.
ALEMBIC_LOCK = threading.Lock()


def alembic_config(migrations: Path, url: str) -> Config:
    """A ``Config`` for ``migrations`` (an alembic.ini, or a folder holding one or an env.py) aimed at ``url``."""
    migrations = Path(migrations)
    ini = migrations if migrations.is_file() else migrations / "alembic.ini"
    if ini.is_file():
        config = Config(str(ini))
    elif (migrations / "env.py").is_file():
        config = Config()
        config.set_main_option("script_location", str(migrations))
    else:
        raise ConfigError(f"MIGRATIONS: {migrations} holds neither alembic.ini nor env.py")
    # ConfigParser treats '%' as interpolation; a percent-encoded password must survive it.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def sqlalchemy_url(url: str) -> str:
    """The libpq URL in SQLAlchemy's spelling for psycopg 3."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def upgrade(migrations: Path, url: str, target: str = "head") -> None:
    """Upgrade the database at ``url`` to ``target`` with the project's own env.py."""
    with ALEMBIC_LOCK:
        command.upgrade(alembic_config(migrations, url), target)
