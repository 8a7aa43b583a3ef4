"""The audit helper: one row per operation, whatever its outcome; filters and paging; bad input refused."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from dbadmin.services import audit
from dbadmin.services.errors import BranchUnavailable, InvalidInput, UnknownBranch


@pytest.fixture
def pool(databases):
    with ConnectionPool(databases.new("control"), min_size=1, max_size=2, kwargs={"autocommit": True}) as pool:
        yield pool


def test_successful_operation_records_ok_with_details_and_duration(pool):
    with audit.operation(pool, actor="alice", action="checkpoint.create", branch="dev", reason="before deploy",
                         details={"label": "v1"}) as running:
        running.details["checkpoint_id"] = 7
    [row] = audit.list_actions(pool)
    assert (row.actor, row.action, row.branch, row.reason, row.outcome) == ("alice", "checkpoint.create", "dev", "before deploy", "ok")
    assert row.details == {"label": "v1", "checkpoint_id": 7}
    assert row.duration_ms >= 0 and row.created_at is not None


def test_refused_operation_is_recorded_as_refused_and_reraised(pool):
    with pytest.raises(UnknownBranch):
        with audit.operation(pool, actor="bob", action="restore", branch="prod"):
            raise UnknownBranch("unknown branch 'qa': use 'dev' or 'prod'")
    [row] = audit.list_actions(pool)
    assert (row.outcome, row.details["error"]) == ("refused", "unknown branch 'qa': use 'dev' or 'prod'")


def test_failed_operation_records_a_scrubbed_reason(pool):
    with pytest.raises(RuntimeError):
        with audit.operation(pool, actor="bob", action="migrate.up", branch="dev", secrets=("hunter2",)):
            raise RuntimeError("connect to postgresql://app:hunter2@db/x failed; password hunter2")
    [row] = audit.list_actions(pool)
    assert row.outcome == "failed"
    assert row.details["error"].startswith("RuntimeError: connect to postgresql://app:***@db/x")
    assert "hunter2" not in row.details["error"]


def test_service_failure_keeps_its_message(pool):
    with pytest.raises(BranchUnavailable):
        with audit.operation(pool, actor="carol", action="checkpoint.create", branch="prod"):
            raise BranchUnavailable("the Production branch (h:5432/db) is unavailable: connection refused")
    [row] = audit.list_actions(pool)
    assert (row.outcome, row.details["error"]) == ("failed", "the Production branch (h:5432/db) is unavailable: connection refused")


def test_interrupted_operation_is_recorded(pool):
    with pytest.raises(KeyboardInterrupt):
        with audit.operation(pool, actor="dave", action="restore", branch="dev"):
            raise KeyboardInterrupt
    assert audit.list_actions(pool)[0].outcome == "interrupted"


def test_filters_and_paging(pool):
    for i in range(5):
        audit.record(pool, actor="alice" if i % 2 else "bob", action="migrate.up", branch="dev" if i < 3 else "prod",
                     outcome="ok" if i != 4 else "failed")
    newest_first = audit.list_actions(pool)
    assert [a.id for a in newest_first] == sorted((a.id for a in newest_first), reverse=True)
    assert {a.actor for a in audit.list_actions(pool, actor="alice")} == {"alice"}
    assert len(audit.list_actions(pool, branch="prod")) == 2
    assert [a.outcome for a in audit.list_actions(pool, outcome="failed")] == ["failed"]
    first = audit.list_actions(pool, limit=2)
    second = audit.list_actions(pool, limit=2, before_id=first[-1].id)
    assert len(first) == len(second) == 2 and first[-1].id > second[0].id


@pytest.mark.parametrize(("call", "message"), [
    (lambda pool: audit.record(pool, actor=" ", action="x", outcome="ok"), "needs an actor"),
    (lambda pool: audit.record(pool, actor="a", action="Drop Table; --", outcome="ok"), "invalid action name"),
    (lambda pool: audit.record(pool, actor="a", action="x", outcome="ok", branch="qa"), "unknown branch"),
    (lambda pool: audit.list_actions(pool, limit=0), "limit must be between"),
    (lambda pool: audit.list_actions(pool, limit=10_000), "limit must be between"),
    (lambda pool: audit.list_actions(pool, outcome="great"), "unknown outcome"),
])
def test_bad_input_is_refused_and_writes_nothing(pool, call, message):
    with pytest.raises(InvalidInput, match=message):
        call(pool)
    assert audit.list_actions(pool) == []
