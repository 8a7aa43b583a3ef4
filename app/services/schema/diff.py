"""The difference between two schema snapshots (``introspection.snapshot``): what was added,
removed or changed, table by table, with a one-line summary a person can read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    object: str  # table | column | index | constraint
    action: str  # added | removed | changed
    table: str  # schema.table
    name: str | None = None  # column, index or constraint name
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        what = self.table if self.object == "table" else f"{self.object} {self.table}.{self.name}"
        if self.action == "changed":
            return f"{what} changed: {_short(self.before)} -> {_short(self.after)}"
        return f"{what} {self.action}"


@dataclass(frozen=True)
class SchemaDiff:
    changes: list[Change] = field(default_factory=list)
    # estimated rows per table present on both sides, where the estimate differs
    rows: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        return not self.changes

    def summary(self) -> str:
        if not self.changes:
            return "no schema differences"
        counts = Counter((c.object, c.action) for c in self.changes)
        parts = [f"{n} {obj}{'s' if n > 1 else ''} {action}" for (obj, action), n in sorted(counts.items())]
        return ", ".join(parts)


def diff(old: dict[str, Any], new: dict[str, Any]) -> SchemaDiff:
    """What changed from ``old`` to ``new`` (e.g. Prod to Dev, or a checkpoint to now)."""
    before, after = old["tables"], new["tables"]
    changes: list[Change] = []
    rows: dict[str, tuple[int | None, int | None]] = {}
    for table in sorted(after.keys() - before.keys()):
        changes.append(Change("table", "added", table, after=after[table]["kind"]))
    for table in sorted(before.keys() - after.keys()):
        changes.append(Change("table", "removed", table, before=before[table]["kind"]))
    for table in sorted(before.keys() & after.keys()):
        a, b = before[table], after[table]
        if a["kind"] != b["kind"]:
            changes.append(Change("table", "changed", table, before=a["kind"], after=b["kind"]))
        changes += _members("column", table, a["columns"], b["columns"], _column_shape)
        changes += _members("index", table, a["indexes"], b["indexes"], lambda d: d)
        changes += _members("constraint", table, a["constraints"], b["constraints"], lambda d: d)
        if a.get("estimated_rows") != b.get("estimated_rows"):
            rows[table] = (a.get("estimated_rows"), b.get("estimated_rows"))
    return SchemaDiff(changes=changes, rows=rows)


def _members(kind: str, table: str, old: dict, new: dict, shape) -> list[Change]:
    found = [Change(kind, "added", table, name, after=shape(new[name])) for name in sorted(new.keys() - old.keys())]
    found += [Change(kind, "removed", table, name, before=shape(old[name])) for name in sorted(old.keys() - new.keys())]
    found += [
        Change(kind, "changed", table, name, before=shape(old[name]), after=shape(new[name]))
        for name in sorted(old.keys() & new.keys())
        if shape(old[name]) != shape(new[name])
    ]
    return found


def _column_shape(column: dict[str, Any]) -> dict[str, Any]:
    """What makes two columns different: type, nullability and default (not their position)."""
    return {"type": column["type"], "nullable": column["nullable"], "default": column["default"]}


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
