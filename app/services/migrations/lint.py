"""Migration lint: risky operations in pending SQL, found by squawk (squawk-cli on PyPI).

squawk is a maintained PostgreSQL migration linter; dbadmin feeds it the offline SQL
of the pending revisions and maps each finding back to the revision whose SQL holds it.
Two of its rules are switched off because dbadmin already sets ``lock_timeout`` and
``statement_timeout`` on every migration session (MIGRATION_LOCK_TIMEOUT and
MIGRATION_STATEMENT_TIMEOUT).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import DBAdminError

EXCLUDED_RULES = ("require-lock-timeout", "require-statement-timeout")
_RUNNING = re.compile(r"^-- Running (?P<kind>upgrade|downgrade) (?P<from>\S*) -> (?P<to>\S+)")


@dataclass(frozen=True)
class Finding:
    revision: str | None
    rule: str
    message: str
    help: str | None
    statement: str


class LintUnavailable(DBAdminError):
    """squawk is not installed or could not run; the preview is shown without lint."""


def squawk_binary() -> Path:
    beside = Path(sys.executable).parent / "squawk"
    found = beside if beside.is_file() else shutil.which("squawk")
    if not found:
        raise LintUnavailable("migration lint needs squawk: pip install squawk-cli")
    return Path(found)


def lint_sql(sql: str, *, server_version: str | None = None) -> list[Finding]:
    """Findings for ``sql`` (Alembic offline output), each attributed to its revision."""
    if not sql.strip():
        return []
    args = [
        str(squawk_binary()),
        "--reporter",
        "json",
        "--stdin-filepath",
        "pending.sql",
        "--exclude",
        ",".join(EXCLUDED_RULES),
    ]
    if server_version:
        args.append(f"--pg-version={server_version}")
    try:
        result = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LintUnavailable(f"squawk could not run: {exc}") from None
    if result.returncode not in (0, 1) or not result.stdout.strip().startswith("["):
        raise LintUnavailable(f"squawk failed: {(result.stderr or result.stdout).strip()[:300]}")
    lines = sql.splitlines()
    owners = _revision_of_each_line(lines)
    findings = []
    for item in json.loads(result.stdout):
        line = int(item.get("line", 0))  # squawk counts lines from 0
        end = int(item.get("line_end", line))
        findings.append(
            Finding(
                revision=owners[line] if line < len(owners) else None,
                rule=item.get("rule_name", ""),
                message=item.get("message", ""),
                help=item.get("help"),
                statement=" ".join(part.strip() for part in lines[line : end + 1])[:300],
            )
        )
    return findings


def _revision_of_each_line(lines: list[str]) -> list[str | None]:
    owner, owners = None, []
    for line in lines:
        match = _RUNNING.match(line)
        if match:  # an upgrade's SQL belongs to the revision it reaches, a downgrade's to the one it removes
            owner = match["to"] if match["kind"] == "upgrade" else match["from"]
        owners.append(owner)
    return owners
