"""The kept table listing: reused while young, read again when asked fresh, when dbadmin changes
the branch, or when it is too old; concurrent readers share one catalog read (and its error)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from dbadmin.services import checkpoints, migrations
from dbadmin.services.schema import introspection
from dbadmin.services.errors import BranchUnavailable
from dbadmin.services.caches import ListingCache
from dbadmin.services.branch import Branch
from tests.helpers import admin

ME = admin("tester")


def names(context, branch="dev", **options) -> set[str]:
    return {t.name for t in introspection.list_tables(context, branch, limit=1000, **options).tables}


def create_outside(context, branch: str, table: str) -> None:
    """A change made without dbadmin (psql, another tool)."""
    with psycopg.connect(context.registry.url(branch), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE TABLE {} (id int)").format(psycopg.sql.Identifier(table)))


def test_an_outside_change_shows_when_asked_fresh(make_context):
    context = make_context(listing_cache_seconds=3600)
    first = introspection.list_tables(context, "dev")
    create_outside(context, "dev", "made_in_psql")
    kept = introspection.list_tables(context, "dev")
    assert "made_in_psql" not in {t.name for t in kept.tables} and kept.read_at == first.read_at
    fresh = introspection.list_tables(context, "dev", fresh=True)
    assert "made_in_psql" in {t.name for t in fresh.tables} and fresh.read_at > first.read_at
    assert "made_in_psql" in names(context)  # and the fresh listing is what the next readers get


def test_with_no_keeping_every_call_reads_the_catalog(make_context):
    context = make_context(listing_cache_seconds=0)
    assert names(context) == set()
    create_outside(context, "dev", "made_in_psql")
    assert names(context) == {"made_in_psql"}


def test_a_listing_older_than_the_setting_is_read_again(make_context):
    context = make_context(listing_cache_seconds=0.5)
    assert names(context) == set()
    create_outside(context, "dev", "made_in_psql")
    deadline = time.monotonic() + 10
    while "made_in_psql" not in names(context):
        assert time.monotonic() < deadline, "the kept listing was never read again"
        time.sleep(0.1)


def test_dbadmins_own_changes_show_at_once(make_context):
    context = make_context(listing_cache_seconds=3600)
    assert names(context) == set() and names(context, "prod") == set()
    migrations.upgrade(context, "dev", actor=ME, steps=1)
    assert "users" in names(context)
    made = checkpoints.create(context, "dev", actor=ME, label="one table", strategy="dump")
    migrations.upgrade(context, "dev", actor=ME)
    everything = names(context)
    assert {"users", "alembic_version"} < everything and len(everything) > 2
    checkpoints.restore(context, "dev", made.id, actor=ME, confirm=f"RESTORE {made.id}")
    assert names(context) == {"users", "alembic_version"}
    # a refused operation changes nothing, and forgetting a listing never hides a table
    with pytest.raises(Exception, match="PROMOTE"):
        migrations.promote(context, actor=ME, confirm="wrong")
    assert names(context) == {"users", "alembic_version"} and names(context, "prod") == set()


def test_the_listing_of_one_branch_is_not_the_other(make_context):
    context = make_context(listing_cache_seconds=3600)
    create_outside(context, "prod", "only_on_prod")
    assert names(context, "dev") == set() and names(context, "prod") == {"only_on_prod"}


def all_at_once(ask, callers: int, release: threading.Event) -> None:
    """``callers`` threads ask together; the read is held until all of them wait, then released."""
    threads = [threading.Thread(target=ask) for _ in range(callers)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # all are asking now: one reads, the others wait for it
    release.set()
    for thread in threads:
        thread.join(10)


def test_concurrent_readers_share_one_read():
    cache: ListingCache[int] = ListingCache()
    reads, release = [], threading.Event()

    def read() -> int:
        reads.append(1)
        release.wait(10)
        return len(reads)

    got: list[int] = []
    all_at_once(lambda: got.append(cache.get(Branch.DEV, read, max_age=60)), 8, release)
    assert (len(reads), got) == (1, [1] * 8)
    assert cache.get(Branch.DEV, read, max_age=60) == 1 and len(reads) == 1  # kept
    assert cache.get(Branch.PROD, read, max_age=60) == 2  # per branch


def test_concurrent_readers_share_a_failure_instead_of_each_waiting_for_it():
    cache: ListingCache[int] = ListingCache()
    reads, release = [], threading.Event()

    def read() -> int:
        reads.append(1)
        release.wait(10)
        raise BranchUnavailable("the Development branch is unavailable")

    errors: list[BaseException] = []

    def ask() -> None:
        try:
            cache.get(Branch.DEV, read, max_age=60)
        except BranchUnavailable as exc:
            errors.append(exc)

    all_at_once(ask, 5, release)
    assert (len(reads), len(errors)) == (1, 5)
    with pytest.raises(BranchUnavailable):  # a failure is not kept: the next caller reads again
        cache.get(Branch.DEV, read, max_age=60)
    assert len(reads) == 2


def test_a_read_overtaken_by_a_change_is_kept_for_nobody():
    cache: ListingCache[str] = ListingCache()
    started, release = threading.Event(), threading.Event()

    def slow_read() -> str:
        started.set()
        release.wait(10)
        return "before the change"

    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(cache.get(Branch.DEV, slow_read, max_age=60)))
    reader.start()
    started.wait(10)
    cache.forget(Branch.DEV)  # an operation ends while the read is under way
    release.set()
    reader.join(10)
    assert got == ["before the change"]  # its caller asked before the change
    assert cache.get(Branch.DEV, lambda: "after the change", max_age=60) == "after the change"


def test_a_fresh_caller_does_not_take_a_read_that_began_before_it_asked():
    cache: ListingCache[str] = ListingCache()
    started, release = threading.Event(), threading.Event()

    def slow_read() -> str:
        started.set()
        release.wait(10)
        return "began before"

    got: dict[str, str] = {}
    early = threading.Thread(target=lambda: got.update(early=cache.get(Branch.DEV, slow_read, max_age=0)))
    early.start()
    started.wait(10)
    joiner = threading.Thread(
        target=lambda: got.update(joiner=cache.get(Branch.DEV, lambda: "a second read", max_age=0))
    )
    joiner.start()
    time.sleep(1)  # the joiner is waiting for the early read now
    fresh = cache.get(Branch.DEV, lambda: "began after", max_age=0, fresh=True)
    release.set()
    early.join(10)
    joiner.join(10)
    # with nothing kept (max_age 0) a caller still shares the read under way, unless it asks fresh
    assert (fresh, got) == ("began after", {"early": "began before", "joiner": "began before"})
