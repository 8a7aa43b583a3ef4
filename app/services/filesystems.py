"""What the filesystem under a path can do: whether it shares blocks between copies (reflinks).

PostgreSQL 18's ``file_copy_method = clone`` makes a clone checkpoint nearly free where the
data directory's filesystem has reflinks (Btrfs; XFS made with ``reflink=1``, the default
of current mkfs.xfs), and a byte copy at disk speed where it has not (ext4).  Read from
``/proc/self/mountinfo`` and, for XFS, ``xfs_info``: nothing is written to find out.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ALWAYS = {"btrfs", "bcachefs", "zfs"}  # ZFS 2.2+ clones blocks too (block cloning)


@dataclass(frozen=True)
class Reflinks:
    supported: bool | None  # None: could not tell
    filesystem: str  # "xfs on /mnt/data", "ext4 on /"


def reflinks(path: Path) -> Reflinks:
    """Whether copies under ``path`` can share blocks, and on which filesystem it lives."""
    mount = _mount_of(path.resolve())
    if mount is None:
        return Reflinks(None, "an unknown filesystem")
    point, kind = mount
    where = f"{kind} on {point}"
    if kind in ALWAYS:
        return Reflinks(True, where)
    if kind != "xfs":
        return Reflinks(False, where)
    tool = shutil.which("xfs_info")
    if tool is None:
        return Reflinks(None, where + " (install xfsprogs to tell whether it has reflinks)")
    try:
        shown = subprocess.run([tool, point], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return Reflinks(None, where)
    return Reflinks("reflink=1" in shown, where)


def _mount_of(path: Path) -> tuple[str, str] | None:
    """(mount point, filesystem type) of the deepest mount holding ``path``."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    best: tuple[str, str] | None = None
    for line in lines:
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not rest:
            continue
        point = parts[4].replace("\\040", " ")
        if (path == Path(point) or Path(point) in path.parents) and (best is None or len(point) > len(best[0])):
            best = (point, rest.split()[0])
    return best
