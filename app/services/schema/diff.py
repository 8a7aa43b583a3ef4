"""The difference between two schema snapshots (``introspection.snapshot``): what was added,
removed or changed, table by table, with a one-line summary a person can read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    object: str  # table | column | index | constraint | trigger | view | type | function | sequence | extension
    action: str  # added | removed | changed
    table: str  # schema.table, or the object's qualified name when it belongs to no table
    name: str | None = None  # column, index, constraint or trigger name
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        if self.object == "table":
            what = self.table
        elif self.name is None:
            what = f"{self.object} {self.table}"
        else:
            what = f"{self.object} {self.table}.{self.name}"
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


# What a snapshot holds beside its tables, and the word a change to each is shown with.
_OBJECTS = {"types": "type", "functions": "function", "sequences": "sequence", "extensions": "extension"}


def diff(old: dict[str, Any], new: dict[str, Any]) -> SchemaDiff:
    """What changed from ``old`` to ``new`` (e.g. Prod to Dev, or a checkpoint to now).

    A part only one side has (a version 1 snapshot has no triggers, identities, view
    definitions or objects beside the tables) is not compared: unknown is not different.
    """
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
        elif a.get("definition") != b.get("definition") and "definition" in a and "definition" in b:
            changes.append(Change("view", "changed", table, before=a["definition"], after=b["definition"]))
        changes += _members("column", table, a["columns"], b["columns"], _column_shape)
        for member, kind in (("indexes", "index"), ("constraints", "constraint"), ("triggers", "trigger")):
            if member in a and member in b:
                changes += _members(kind, table, a[member], b[member], lambda d: d)
        if a.get("estimated_rows") != b.get("estimated_rows"):
            rows[table] = (a.get("estimated_rows"), b.get("estimated_rows"))
    for section, kind in _OBJECTS.items():
        if section in old and section in new:
            changes += _objects(kind, old[section], new[section])
    return SchemaDiff(changes=changes, rows=rows)


def _members(kind: str, table: str, old: dict, new: dict, shape) -> list[Change]:
    found = [Change(kind, "added", table, name, after=shape(new[name])) for name in sorted(new.keys() - old.keys())]
    found += [Change(kind, "removed", table, name, before=shape(old[name])) for name in sorted(old.keys() - new.keys())]
    for name in sorted(old.keys() & new.keys()):
        a, b = shape(old[name]), shape(new[name])
        if isinstance(a, dict):  # compare the parts both snapshots recorded
            a, b = ({key: value for key, value in side.items() if key in a and key in b} for side in (a, b))
        if a != b:
            found.append(Change(kind, "changed", table, name, before=a, after=b))
    return found


def _objects(kind: str, old: dict, new: dict) -> list[Change]:
    """Changes to the objects beside the tables (types, functions...), each known by its qualified name."""
    return [
        Change(change.object, change.action, change.name or "", before=change.before, after=change.after)
        for change in _members(kind, "", old, new, lambda d: d)
    ]


def _column_shape(column: dict[str, Any]) -> dict[str, Any]:
    """What makes two columns different: type, nullability, default and identity (not their position)."""
    return {key: column[key] for key in ("type", "nullable", "default", "identity") if key in column}


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
