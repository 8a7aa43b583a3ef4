"""The PostgreSQL client tools (pg_dump, pg_restore): which binary, which version.

A dump made by a newer pg_dump can fail to restore into an older server, and an older
pg_dump refuses to dump a newer server, so the tool whose major version matches the
server is preferred: Debian's ``/usr/lib/postgresql/<major>/bin``, then the embedded
package's binaries, then whatever ``PATH`` has.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import dburl
from .embedded import bin_dir
from .errors import EmbeddedServerError

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Tool:
    name: str
    path: Path
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def candidates(name: str) -> list[Path]:
    """Every ``name`` binary on this machine, without duplicates."""
    found: list[Path] = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    for version in (18, 16):
        try:
            found.append(bin_dir(version) / name)
        except EmbeddedServerError:
            pass
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    unique: dict[Path, Path] = {}
    for path in found:
        if path.is_file() and os.access(path, os.X_OK):
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


def version_of(path: Path) -> str | None:
    """``18.4`` for a binary that prints ``pg_dump (PostgreSQL) 18.4``; None when it cannot run."""
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(output)
    return f"{match[1]}.{match[2] or 0}" if match else None


def installed(name: str) -> list[Tool]:
    """Every working ``name`` on this machine with its version."""
    return [Tool(name, path, version) for path in candidates(name) if (version := version_of(path))]


def choose(tools: list[Tool], server_major: int | None) -> Tool | None:
    """Same major as the server, else the newest (pg_dump reads older servers, not newer ones)."""
    exact = [tool for tool in tools if tool.major == server_major]
    return exact[0] if exact else max(tools, key=lambda tool: tool.major, default=None)


def environment(url: str, application_name: str, settings: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """``url`` without its password, and the environment that carries it (PGPASSWORD): a command
    line is visible to every user of the machine, an environment is not.  ``settings``: session
    settings for the tool's connections (PGOPTIONS; names and values of dbadmin's own, no spaces)."""
    target, password = dburl.without_password(url)
    env = {**os.environ, "PGPASSWORD": password or "", "PGAPPNAME": application_name}
    if settings:
        env["PGOPTIONS"] = " ".join(f"-c {name}={value}" for name, value in settings.items())
    return target, env


def find(name: str, server_major: int | None = None) -> Tool | None:
    """The best ``name`` for a server of ``server_major``."""
    return choose(installed(name), server_major)
