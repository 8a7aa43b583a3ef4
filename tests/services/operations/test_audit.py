"""The audit helper: one row per operation, whatever its outcome; filters and paging; bad input refused."""

from __future__ import annotations

from datetime import timezone

import pytest
from psycopg_pool import ConnectionPool

from dbadmin.services.operations import audit
from dbadmin.services.errors import BranchUnavailable, InvalidInput, UnknownBranch


@pytest.fixture
def pool(databases):
    with ConnectionPool(databases.new("control"), min_size=1, max_size=2, kwargs={"autocommit": True}) as pool:
        yield pool


def test_successful_operation_records_ok_with_details_and_duration(pool):
    with audit.operation(
        pool, actor="alice", action="checkpoint.create", branch="dev", reason="before deploy", details={"label": "v1"}
    ) as running:
        running.details["checkpoint_id"] = 7
    [row] = audit.list_actions(pool)
    assert (row.actor, row.action, row.branch, row.reason, row.outcome) == (
        "alice",
        "checkpoint.create",
        "dev",
        "before deploy",
        "ok",
    )
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
    assert (row.outcome, row.details["error"]) == (
        "failed",
        "the Production branch (h:5432/db) is unavailable: connection refused",
    )


def test_interrupted_operation_is_recorded(pool):
    with pytest.raises(KeyboardInterrupt):
        with audit.operation(pool, actor="dave", action="restore", branch="dev"):
            raise KeyboardInterrupt
    assert audit.list_actions(pool)[0].outcome == "interrupted"


def test_filters_and_paging(pool):
    for i in range(5):
        audit.record(
            pool,
            actor="alice" if i % 2 else "bob",
            action="migrate.up",
            branch="dev" if i < 3 else "prod",
            outcome="ok" if i != 4 else "failed",
        )
    newest_first = audit.list_actions(pool)
    assert [a.id for a in newest_first] == sorted((a.id for a in newest_first), reverse=True)
    assert {a.actor for a in audit.list_actions(pool, actor="alice")} == {"alice"}
    assert len(audit.list_actions(pool, branch="prod")) == 2
    assert [a.outcome for a in audit.list_actions(pool, outcome="failed")] == ["failed"]
    first = audit.list_actions(pool, limit=2)
    second = audit.list_actions(pool, limit=2, before_id=first[-1].id)
    assert len(first) == len(second) == 2 and first[-1].id > second[0].id
    today = f"{newest_first[0].created_at.astimezone(timezone.utc):%Y-%m-%d}"
    assert len(audit.list_actions(pool, **dict(zip(("since", "until"), audit.day_range(today, today))))) == 5
    assert audit.list_actions(pool, **dict(zip(("since", "until"), audit.day_range("2001-01-01", "2001-01-31")))) == []
    assert len(audit.list_actions(pool, since=audit.day_range(today, None)[0])) == 5


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("yesterday", None, "from must be a day written YYYY-MM-DD"),
        (None, "2026-13-01", "to must be a day"),
        ("2026-02-02", "2026-02-01", "'to' day is before the 'from' day"),
    ],
)
def test_bad_days_are_refused(first, last, message):
    with pytest.raises(InvalidInput, match=message):
        audit.day_range(first, last)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda pool: audit.record(pool, actor=" ", action="x", outcome="ok"), "needs an actor"),
        (lambda pool: audit.record(pool, actor="a", action="Drop Table; --", outcome="ok"), "invalid action name"),
        (lambda pool: audit.record(pool, actor="a", action="x", outcome="ok", branch="qa"), "unknown branch"),
        (lambda pool: audit.list_actions(pool, limit=0), "limit must be between"),
        (lambda pool: audit.list_actions(pool, limit=10_000), "limit must be between"),
        (lambda pool: audit.list_actions(pool, outcome="great"), "unknown outcome"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(pool, call, message):
    with pytest.raises(InvalidInput, match=message):
        call(pool)
    assert audit.list_actions(pool) == []


def test_the_hash_chain_finds_a_changed_or_removed_row(pool):
    rows = [
        audit.record(pool, actor="alice", action="migrate.up", branch="dev", outcome="ok", details={"n": i})
        for i in range(5)
    ]
    found = audit.verify(pool)
    assert (found.intact, found.rows, found.head_seq) == (True, 5, 5) and len(found.head_hash) == 64
    with pool.connection() as conn:  # a superuser edits history, bypassing the append-only trigger
        conn.execute("ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_no_update_delete")
        conn.execute("UPDATE admin_actions SET outcome = 'refused' WHERE id = %s", (rows[2].id,))
    found = audit.verify(pool)
    assert (found.intact, found.broken_id, found.problem) == (
        False,
        rows[2].id,
        "its content was changed after it was written",
    )
    with pool.connection() as conn:
        conn.execute("UPDATE admin_actions SET outcome = 'ok' WHERE id = %s", (rows[2].id,))  # put back exactly
    assert audit.verify(pool).intact
    with pool.connection() as conn:
        conn.execute("DELETE FROM admin_actions WHERE id = %s", (rows[1].id,))
    found = audit.verify(pool)
    assert (found.broken_id, found.problem) == (rows[2].id, "row(s) just before it were removed")


def test_concurrent_writers_extend_one_chain(pool):
    import threading

    def write(n: int) -> None:
        for i in range(10):
            audit.record(pool, actor=f"writer{n}", action="checkpoint.create", outcome="ok", details={"i": i})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = audit.verify(pool)
    assert (found.intact, found.rows, found.head_seq) == (True, 40, 40)
