"""The actions' registry: every recorded or announced action is named and worded in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dbadmin.services import actions
from dbadmin.services.branch import Branch

APP = Path(__file__).resolve().parents[2] / "app"


def test_no_action_name_is_written_outside_the_registry():
    """An action is named by its registry entry (``actions.CHECKPOINT_RESTORE``), never by a string, so that
    History's words, the notices and the hooks cannot drift from what is recorded."""
    written = []
    for path in sorted(APP.rglob("*.py")):
        if path == APP / "services" / "actions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in actions.REGISTRY:
                written.append(f"{path.relative_to(APP)}:{node.lineno} {node.value!r}")
    assert len(list(APP.rglob("*.py"))) > 100  # the walk saw the package
    assert written == []


@pytest.mark.parametrize("kind", list(actions.REGISTRY.values()), ids=lambda kind: kind.name)
def test_every_action_reads_as_words_with_or_without_its_details(kind):
    bare = kind.label(Branch.PROD, {})
    assert "{" not in bare and bare.startswith(kind.done)
    failed = kind.label(Branch.DEV, {"error": "boom"}, "failed")
    assert failed.startswith(kind.attempt) and "{" not in failed


def test_labels_say_what_happened_from_the_details():
    assert (
        actions.CHECKPOINT_RESTORE.label("prod", {"checkpoint_id": 12, "pre_restore_checkpoint_id": 13})
        == "Restored Production to checkpoint #12"
    )
    assert actions.CHECKPOINT_RESTORE.label("prod", {"to_time": "2026-12-01 10:00"}, "refused") == (
        "Restore Production to 2026-12-01 10:00"
    )
    assert actions.MIGRATE_PROMOTE.label("prod", {"revisions": ["a1", "b2"]}) == "Promoted a1, b2 to Production"
    many = actions.MIGRATE_PROMOTE.label("prod", {"revisions": [f"r{n}" for n in range(8)]})
    assert many == "Promoted r0, r1, r2, r3, r4 and 3 more to Production"
    assert actions.MIGRATE_DOWN.label("dev", {"revisions": ["c3"], "after": ["b2"]}) == (
        "Rolled back Development to b2 (undid c3)"
    )
    assert actions.label("test.paging", None, {"stage": 1}) == "test.paging"  # not registered: shown as it is
    assert actions.label("checkpoint.drill", "nowhere", {"checkpoint_id": 3}) == (
        "Drilled a restore of checkpoint #3 of nowhere"
    )


def test_the_notices_hear_of_the_production_changes_the_registry_names():
    assert actions.production_changes() == {
        "migrate.promote": "promotion",
        "migrate.down": "rollback",
        "migrate.baseline": "baseline",
        "checkpoint.restore": "restore",
        "guard.bypass": "guard bypass",
    }


@pytest.mark.parametrize(
    "details",
    [{"verb": "x", "where": "y"}, ["a", "list"], "text", None, 42, {"checkpoint_id": {"nested": [1, {"x": 2}]}},
     {"name": "{0} {verb!r:>10}", "token_id": "{where.__class__}"}, {1: "numeric key"}],
)  # fmt: skip
def test_any_row_reads_as_words_whatever_its_details_hold(details):
    """History reads every row of the audit log: details written by SQL, another version or an odd value
    (a 'verb' key, a list, format syntax inside a value) never make a label raise."""
    for kind in actions.REGISTRY.values():
        for outcome in ("ok", "failed"):
            said = kind.label(Branch.PROD, details, outcome)
            assert said.startswith(kind.done if outcome == "ok" else kind.attempt), (kind.name, said)
    assert actions.GUARD_ON.label("dev", {"verb": "x"}) == "Turned on Development's guard"
    assert actions.TOKEN_CREATE.label(None, {"name": "{where}", "role": "admin", "token_id": 3}) == (
        "Created API token #3 '{where}' (admin)"
    )
