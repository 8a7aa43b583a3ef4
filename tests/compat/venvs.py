"""A virtualenv per corpus project, holding the project at its pinned version and nothing of dbadmin's.

dbadmin runs from its own environment, as a user who installed it with pipx would, and finds
the application's Python as it does for them: the active virtualenv (``VIRTUAL_ENV``).  So the
application keeps its own SQLAlchemy and Alembic (1.4 and 1.13 for CKAN), whatever dbadmin uses.

Kept between runs in ``$DBADMIN_COMPAT_DIR`` (default ``~/.cache/dbadmin-compat``), one folder
per project and pin, so only the first run on a machine installs anything.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_INSTALL_TIMEOUT = 1500


def root() -> Path:
    return Path(os.environ.get("DBADMIN_COMPAT_DIR") or Path.home() / ".cache" / "dbadmin-compat")


def ensure(name: str, requirements: tuple[str, ...]) -> Path:
    """The project's virtualenv, made for ``requirements`` (pip arguments) unless it exists; its folder."""
    key = hashlib.sha1(json.dumps([sys.version, requirements]).encode()).hexdigest()[:10]
    venv = root() / f"{name}-{key}"
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / f".{key}.lock", "w") as lock:  # two workers (ckan, ckan-activity) may want one virtualenv
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _made(venv, key, requirements)


def _made(venv: Path, key: str, requirements: tuple[str, ...]) -> Path:
    stamp = venv / ".complete"
    if stamp.is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    _pip(python, "install", "--quiet", "--upgrade", "pip")
    for group in requirements:  # one pip call per group: a later group may need an earlier one installed
        _pip(python, "install", "--quiet", *group.split())
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    (venv / "freeze.txt").write_text(frozen.stdout)
    stamp.write_text(key)
    return venv


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", *args], capture_output=True, text=True, timeout=_INSTALL_TIMEOUT, cwd="/"
    )
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"pip {' '.join(args[:4])} ... failed:\n{tail}")


def site_packages(venv: Path) -> Path:
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-P", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return Path(found.stdout.strip())
