"""The contract every registered checkpoint strategy keeps, run over ``strategies.REGISTERED``: a new strategy
is tested by registering it, with no test edited (``test_a_new_strategy_is_held_to_the_contract_unedited``
shows it with a throw-away one).  A strategy that needs a hosted service names its fake in the conftest's
``HOSTED``; every other one runs on new databases of the test server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dbadmin.services import checkpoints
from dbadmin.services.branch import Branch
from dbadmin.services.checkpoints import strategies
from dbadmin.services.checkpoints.strategies.base import Job
from dbadmin.services.errors import DBAdminError
from tests.helpers import actions, admin

ME = admin("contract")
REPO = Path(__file__).resolve().parents[3]


def contents(context) -> tuple[list, list]:
    """Dev's contract rows and its user tables, as the contract compares them."""
    with context.registry.connection("dev") as conn:
        rows = conn.execute("SELECT id, note FROM contract_rows ORDER BY id").fetchall()
        found = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'contract%' ORDER BY 1"
        ).fetchall()
    return rows, [name for (name,) in found]


@pytest.mark.parametrize("strategy_context", strategies.names(), indirect=True)
def test_the_strategy_keeps_the_checkpoint_contract(strategy_context):
    context = strategy_context
    name = context.settings.checkpoint_strategy_dev
    strategy = context.checkpoint_strategies[name]
    assert strategy.name == name and strategy.summary.strip() and strategy.restore_effect.strip()
    said = strategy.unavailability(Job.of(context, Branch.DEV, None, None))
    assert said.strategy == name and said.explanation.strip() and (said.seconds is None or said.seconds >= 0)

    with context.registry.connection("dev") as conn:
        conn.execute("CREATE TABLE contract_rows (id int PRIMARY KEY, note text NOT NULL)")
        conn.execute("INSERT INTO contract_rows SELECT g, 'row ' || g FROM generate_series(1, 500) g")
    kept = contents(context)

    made = checkpoints.create(context, "dev", actor=ME, label="contract", strategy=name)
    assert (made.status, made.strategy, made.label) == ("ready", name, "contract") and made.size_bytes >= 0
    strategy.verify(Job.of(context, Branch.DEV, None, None), made)  # whole, as made

    with context.registry.connection("dev") as conn:  # the branch moves on: rows changed, a table gone, one new
        conn.execute("UPDATE contract_rows SET note = 'changed' WHERE id <= 100")
        conn.execute("CREATE TABLE contract_later (id int)")
    changed = contents(context)
    assert changed != kept

    before = checkpoints.restore(context, "dev", made.id, actor=ME, reason="contract")
    assert contents(context) == kept  # exactly the state it was taken in
    assert before.status == "ready" and before.label == f"before restore of #{made.id}"
    checkpoints.restore(context, "dev", before.id, actor=ME)  # and the restore is undone by its own checkpoint
    assert contents(context) == changed

    if checkpoints.can_drill(context, made):  # a strategy that rebuilds a checkpoint beside the branch
        drilled = checkpoints.drill(context, "dev", made.id, actor=ME)
        assert drilled.passed, drilled.describe()

    gone = checkpoints.delete(context, "dev", made.id, actor=ME)
    assert gone.status == "deleted"
    with pytest.raises(DBAdminError):
        strategy.verify(Job.of(context, Branch.DEV, None, None), made)
    strategy.discard_partial(Job.of(context, Branch.DEV, None, None), "dbadmin-contract-never-made")  # no error

    recorded = [(a.action, a.outcome) for a in actions(context) if a.action.startswith("checkpoint.")]
    assert ("checkpoint.create", "ok") in recorded and ("checkpoint.delete", "ok") in recorded
    assert recorded.count(("checkpoint.restore", "ok")) == 2


def test_a_new_strategy_is_held_to_the_contract_unedited(tmp_path):
    """A throw-away strategy, registered by a plugin module as a new strategy's package would be, gets the
    contract test above with no test edited: collected under its name, run, and passed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0",
         "-p", "tests.services.checkpoints.throwaway_strategy", f"--basetemp={tmp_path / 'run'}",
         f"{Path(__file__).relative_to(REPO)}::test_the_strategy_keeps_the_checkpoint_contract[throwaway]"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
