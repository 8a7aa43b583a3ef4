"""Saved queries: each person's own list in the control store, replaced by name, bounded, closed to
others, and changed only while the asker's session is live."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dbadmin.services import data
from dbadmin.services.data import saved_queries
from dbadmin.services.errors import InvalidInput, NotAuthenticated, NotFound, OperationRefused
from dbadmin.services.operations import access
from tests.helpers import admin, viewer

ADA = admin("ada")
VIC = viewer("vic")


def test_each_person_keeps_their_own_queries(shop):
    first = data.save(shop, ADA, " slow orders ", "SELECT * FROM orders WHERE total_cents > 1000")
    data.save(shop, ADA, "a count", "SELECT count(*) FROM users")
    again = data.save(shop, ADA, "slow orders", "SELECT id FROM orders WHERE total_cents > 5000")
    assert again.id == first.id  # saved under the same name: replaced, not doubled
    assert [(q.name, q.sql) for q in data.saved(shop, ADA)] == [
        ("a count", "SELECT count(*) FROM users"),
        ("slow orders", "SELECT id FROM orders WHERE total_cents > 5000"),
    ]
    assert data.saved(shop, VIC) == []
    with pytest.raises(NotFound, match="no saved query"):
        data.forget(shop, VIC, first.id)  # someone else's is not theirs to delete
    data.forget(shop, ADA, first.id)
    assert [q.name for q in data.saved(shop, ADA)] == ["a count"]


def test_saved_queries_are_bounded_and_bad_input_changes_nothing(shop, monkeypatch):
    for name, text, message in (
        ("", "SELECT 1", "1 to 100 characters"),
        ("x" * 101, "SELECT 1", "1 to 100 characters"),
        ("empty", "   ", "no query to save"),
        ("long", "S" * (shop.settings.sql_max_length + 1), "at most"),
        ("nul", "SELECT '\x00'", "NUL"),
    ):
        with pytest.raises(InvalidInput, match=message):
            data.save(shop, VIC, name, text)
    assert data.saved(shop, VIC) == []
    monkeypatch.setattr(saved_queries, "SAVED_PER_PERSON", 3)
    for n in range(3):
        data.save(shop, VIC, f"q{n}", "SELECT 1")
    with pytest.raises(OperationRefused, match="3 saved queries is the most"):
        data.save(shop, VIC, "one more", "SELECT 1")
    data.save(shop, VIC, "q0", "SELECT 2")  # replacing one is still allowed
    assert len(data.saved(shop, VIC)) == 3


def test_an_ended_session_saves_nothing(shop):
    raw = access.start_session(shop, VIC)
    vic = replace(VIC, credential=access.session_credential(raw))
    kept = data.save(shop, vic, "mine", "SELECT 1")
    access.end_session(shop, raw)
    with pytest.raises(NotAuthenticated):
        data.save(shop, vic, "after sign-out", "SELECT 2")
    with pytest.raises(NotAuthenticated):
        data.forget(shop, vic, kept.id)
    assert [q.name for q in data.saved(shop, VIC)] == ["mine"]
