"""The neon checkpoint strategy against a stateful fake of Neon's API whose branches are real
databases (``tests/fakes/neon.py``): create, restore and its undo, restore to a time, delete and
prune under Neon's rules, retries of 423 and 429, failing operations and requests, a branch
mapped to the wrong Neon branch, doctor; from the services, the CLI, the API and the console.
One test runs against a real Neon project when NEON_API_KEY and NEON_PROJECT_ID are set."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect

from dbadmin.services import checkpoints, dburl
from dbadmin.services.branch import Branch
from dbadmin.services.checkpoints import catalog
from dbadmin.services.errors import (
    CheckpointFailed,
    CheckpointKept,
    ConfigError,
    NotSetUp,
    OperationRefused,
    WrongDatabase,
)
from dbadmin.services.operations import access as auth
from dbadmin.services.startup import open_context
from dbadmin.services.reports import doctor
from tests.helpers import actions, admin, serve
from tests.helpers import run_cli

ME = admin("tester")


@pytest.fixture
def make_neon(neon_env, make_settings):
    opened = []

    def make(**overrides):
        values = {name.lower(): value for name, value in neon_env.items()} | overrides
        manager = open_context(make_settings(**values))
        opened.append(manager)
        return manager.__enter__()

    yield make
    for manager in opened:
        manager.__exit__(None, None, None)


@pytest.fixture
def shop(make_neon):
    return make_neon()


def emails(context, branch="prod") -> list[str]:
    with context.registry.connection(branch) as conn:
        return [row[0] for row in conn.execute("SELECT email FROM users ORDER BY id")]


def add_user(context, email: str, branch="prod") -> None:
    with context.registry.connection(branch) as conn:
        conn.execute("INSERT INTO users (email) VALUES (%s)", (email,))


def test_a_checkpoint_is_a_neon_branch_and_a_restore_brings_the_rows_back_at_the_same_url(shop, neon):
    url = shop.registry.url("prod")
    made = checkpoints.create(shop, "prod", actor=ME, label="before the import")
    branch = neon.named(made.reference)
    assert made.strategy == "neon" and made.status == "ready" and made.size_bytes > 0 and made.unavailable_ms == 0
    assert branch.parent_id == neon.named("main").id and branch.endpoint is None
    assert branch.annotations == {"dbadmin-checkpoint": str(made.id), "dbadmin-branch": "prod"}
    live_id = neon.named("main").id

    add_user(shop, "second@example.test")
    plan = checkpoints.plan_restore(shop, "prod", made.id)
    assert plan.phrase == f"RESTORE {made.id}" and "connections to it drop for a few seconds" in plan.effect
    before = checkpoints.restore(shop, "prod", made.id, actor=ME, confirm=plan.phrase)

    assert emails(shop) == [
        "first@example.test"
    ]  # the pool reconnects to the same URL, which now serves the checkpoint
    assert shop.registry.url("prod") == url and neon.named("main").id != live_id  # Neon gave the branch a new id
    assert before.label == f"before restore of #{made.id}" and before.status == "ready" and before.strategy == "neon"
    assert neon.named(before.reference).id == live_id  # the replaced state is the preserved branch
    restored = [a for a in actions(shop) if a.action == "checkpoint.restore"][-1]
    assert restored.outcome == "ok" and restored.details["method"] == "neon restore"
    assert restored.details["pre_restore_checkpoint_id"] == before.id

    undone = checkpoints.restore(shop, "prod", before.id, actor=ME, confirm=f"RESTORE {before.id}")
    assert emails(shop) == ["first@example.test", "second@example.test"]
    assert undone.label == f"before restore of #{before.id}"


def test_dev_checkpoints_are_branches_of_the_dev_branch(shop, neon):
    add_user(shop, "dev-only@example.test", "dev")
    made = checkpoints.create(shop, "dev", actor=ME, label="dev work")
    add_user(shop, "later@example.test", "dev")
    assert neon.named(made.reference).parent_id == neon.named("dev").id
    checkpoints.restore(shop, "dev", made.id, actor=ME)
    assert emails(shop, "dev") == ["first@example.test", "dev-only@example.test"]
    assert emails(shop) == ["first@example.test"]  # Prod was not touched


def test_restore_to_a_time_within_the_history_and_its_undo(shop, neon):
    add_user(shop, "kept@example.test")
    moment = neon.mark("main")
    add_user(shop, "mistake@example.test")
    window = checkpoints.history(shop, "prod")
    assert checkpoints.can_restore_to_time(shop, "prod") and window.earliest <= moment <= window.latest

    at = (moment + timedelta(seconds=1)).replace(microsecond=0)  # a whole second, as people type it
    time.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 0.1)
    plan = checkpoints.plan_restore_to_time(shop, "prod", at.isoformat())
    assert plan.phrase == f"RESTORE TO {at:%Y-%m-%d %H:%M:%S}"
    with pytest.raises(OperationRefused, match="phrase"):
        checkpoints.restore_to_time(shop, "prod", at.isoformat(), actor=ME, confirm="RESTORE")
    assert len(emails(shop)) == 3  # a wrong phrase changed nothing

    before = checkpoints.restore_to_time(shop, "prod", at.isoformat(), actor=ME, confirm=plan.phrase)
    assert emails(shop) == ["first@example.test", "kept@example.test"]
    assert before.label == f"before restore to {at:%Y-%m-%d %H:%M:%S} UTC"
    audited = [a for a in actions(shop) if a.action == "checkpoint.restore"][-1]
    assert audited.outcome == "ok" and audited.details["to_time"] == at.isoformat()

    checkpoints.restore(shop, "prod", before.id, actor=ME, confirm=f"RESTORE {before.id}")
    assert emails(shop)[-1] == "mistake@example.test"


@pytest.mark.parametrize(
    "moment, message",
    [
        ("yesterday", r"'yesterday' is not a time: use ISO 8601"),
        (timedelta(days=-3), r"is outside Production's history, which runs from"),
        (timedelta(hours=1), r"is outside Production's history"),
    ],
    ids=["not-a-time", "before-the-history", "in-the-future"],  # stable ids: every xdist worker collects the same
)
def test_a_moment_outside_the_history_is_refused_and_changes_nothing(shop, neon, moment, message):
    if isinstance(moment, timedelta):
        moment = (datetime.now(UTC) + moment).isoformat()
    with pytest.raises((OperationRefused, ValueError), match=message):
        checkpoints.restore_to_time(shop, "prod", moment, actor=ME, confirm="anything")
    assert emails(shop) == ["first@example.test"] and [b.name for b in neon.branches.values()] == ["main", "dev"]


def test_a_time_restore_on_a_child_branch_is_refused_before_anything_is_recorded(shop, neon):
    with pytest.raises(
        OperationRefused,
        match=r"^Neon restores to a moment only on root branches; Development's Neon "
        r"branch dev is a child branch: restore one of its checkpoints instead$",
    ):
        checkpoints.restore_to_time(shop, "dev", datetime.now(UTC), actor=ME)
    assert checkpoints.list_for_branch(shop, "dev") == []
    assert [a for a in actions(shop) if a.action == "checkpoint.restore"][-1].outcome == "refused"


def test_a_restore_neon_fails_changes_nothing_and_says_so(shop, neon):
    made = checkpoints.create(shop, "prod", actor=ME, label="c")
    add_user(shop, "second@example.test")
    neon.fail_operations("timeline is being detached")
    with pytest.raises(
        CheckpointFailed,
        match=r"^Neon operation restore_branch \([0-9a-f-]+\) cancelled: timeline is "
        r"being detached$",
    ):
        checkpoints.restore(shop, "prod", made.id, actor=ME, confirm=f"RESTORE {made.id}")
    assert emails(shop) == ["first@example.test", "second@example.test"]
    before = checkpoints.list_for_branch(shop, "prod")[0]
    assert before.status == "failed" and before.error.startswith(f"restore to checkpoint #{made.id} did not happen")
    assert [a for a in actions(shop) if a.action == "checkpoint.restore"][-1].outcome == "failed"


def test_a_restore_whose_outcome_is_unknown_is_left_for_the_next_start_to_settle(shop, neon):
    made = checkpoints.create(shop, "prod", actor=ME, label="c")
    neon.fail_next(502, path="/restore", method="POST")  # no telling whether Neon started it
    with pytest.raises(
        CheckpointFailed,
        match=r"; Neon may still be restoring the branch to checkpoint #\d+: checkpoint "
        r"#\d+ is settled when dbadmin next starts$",
    ):
        checkpoints.restore(shop, "prod", made.id, actor=ME, confirm=f"RESTORE {made.id}")
    before = checkpoints.list_for_branch(shop, "prod")[0]
    assert before.status == "creating"
    assert checkpoints.settle(shop, Branch.PROD) == [f"checkpoint #{before.id} marked failed"]  # Neon kept nothing
    assert emails(shop) == ["first@example.test"]


def test_delete_and_prune_follow_neons_rules_and_say_what_they_kept(make_neon, neon):
    shop = make_neon(checkpoint_retention_days=1 / 86400)  # expired a second after creation
    neon.named("dev").parent_id = None  # a Dev made as a root of its own, so only checkpoints are main's children
    first = checkpoints.create(shop, "prod", actor=ME, label="first")
    second = checkpoints.create(shop, "prod", actor=ME, label="second")
    before = checkpoints.restore(shop, "prod", first.id, actor=ME, confirm=f"RESTORE {first.id}")
    newest = checkpoints.create(shop, "prod", actor=ME, label="newest")
    # The replaced root keeps the older checkpoints as its children: Neon refuses to delete it.
    with pytest.raises(
        CheckpointKept,
        match=rf"^checkpoint #{before.id}: Neon keeps its branch {before.reference} "
        r"while it has child branches \(dbadmin-prod-",
    ):
        checkpoints.delete(shop, "prod", before.id, actor=ME)
    assert [a for a in actions(shop) if a.action == "checkpoint.delete"][-1].outcome == "refused"

    time.sleep(1.1)
    pruned = checkpoints.prune(shop, actor=ME)
    assert sorted(c.id for c in pruned.deleted) == [first.id, second.id]
    assert [(c.id, why.split(":")[0]) for c, why in pruned.kept] == [(before.id, f"checkpoint #{before.id}")]
    assert {first.reference, second.reference}.isdisjoint(b.name for b in neon.branches.values())
    # Next time its children are gone, and Neon itself refuses: a restored root's original stays.
    again = checkpoints.prune(shop, actor=ME)
    assert again.deleted == [] and len(again.kept) == 1
    assert "the original root branch of a restore from another branch cannot be deleted (HTTP 400" in again.kept[0][1]
    audited = [a for a in actions(shop) if a.action == "checkpoint.prune" and a.branch == "prod"][-1]
    assert audited.outcome == "ok" and list(audited.details["kept"]) == [str(before.id)]
    assert catalog.get(shop.registry, newest.id).status == "ready"

    result = run_cli("checkpoint", "prune", env={name: str(value) for name, value in _env(shop).items()})
    assert result.returncode == 0, result.stderr
    assert f"kept #{before.id}: checkpoint #{before.id}: Neon DELETE" in result.stdout


def test_locked_and_rate_limited_requests_are_retried(shop, neon):
    neon.fail_next(423, times=2, path="/branches", method="POST")
    neon.fail_next(429, times=1, path="/branches", method="GET")
    made = checkpoints.create(shop, "prod", actor=ME, label="through the retries")
    assert made.status == "ready"
    assert neon.statuses("POST", "/branches") == [423, 423, 201]
    assert 429 in neon.statuses("GET", "/branches")


def test_a_failing_operation_fails_the_checkpoint_in_one_line(shop, neon):
    neon.fail_operations("could not allocate the timeline: quota exceeded")
    with pytest.raises(
        CheckpointFailed,
        match=r"^Neon operation create_timeline \([0-9a-f-]+\) cancelled: could not "
        r"allocate the timeline: quota exceeded$",
    ):
        checkpoints.create(shop, "prod", actor=ME, label="doomed")
    failed = checkpoints.list_for_branch(shop, "prod")[0]
    assert failed.status == "failed" and "quota exceeded" in failed.error
    assert [a for a in actions(shop) if a.action == "checkpoint.create"][-1].outcome == "failed"


def test_a_failing_request_names_neons_error_and_request_id_and_never_the_key(shop, neon):
    neon.fail_next(500, path="/branches", method="POST", times=1)
    with pytest.raises(CheckpointFailed) as failed:
        checkpoints.create(shop, "prod", actor=ME, label="doomed")
    request_id = [r for r in neon.requests if r[0] == "POST"][-1][3]
    assert str(failed.value) == f"Neon POST /branches: injected 500 (HTTP 500, request {request_id})"
    with psycopg.connect(shop.registry.url("control")) as conn:
        text = conn.execute("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM admin_actions) t").fetchone()[0]
        text += conn.execute("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM admin_checkpoints) t").fetchone()[0]
    assert "injected 500" in text and neon.key not in text


def test_a_branch_mapped_to_another_neon_branch_is_refused_before_anything_changes(make_neon, neon):
    shop = make_neon(neon_branch_prod="dev")  # Prod's URL is main's endpoint
    with pytest.raises(
        WrongDatabase,
        match=r"^Production's URL \(.+\) is not the endpoint of Neon branch dev; "
        r"nothing was changed$",
    ):
        checkpoints.create(shop, "prod", actor=ME, label="wrong branch")
    assert sorted(b.name for b in neon.branches.values()) == ["dev", "main"]
    assert [a for a in actions(shop) if a.action == "checkpoint.create"][-1].outcome == "refused"


def test_without_its_settings_the_strategy_says_which_are_missing(make_neon):
    shop = make_neon(neon_api_key=None)
    with pytest.raises(
        NotSetUp, match="^the neon checkpoint strategy is not set up here: it needs NEON_API_KEY and NEON_PROJECT_ID$"
    ):
        checkpoints.create(shop, "prod", actor=ME, label="no key")


def test_doctor_checks_the_key_the_project_and_the_branch_mapping(neon_env, make_settings, neon):
    def run(**overrides):
        values = {name.lower(): value for name, value in neon_env.items()} | overrides
        return {check.name: check for check in doctor.run_checks(make_settings(**values))}

    good = run()
    assert good["prod: neon project"].level == "ok" and "test-project" in good["prod: neon project"].detail
    assert good["prod: neon branch"].level == "ok" and good["dev: neon branch"].level == "ok"
    bad_key = run(neon_api_key="wrong")
    assert bad_key["prod: neon project"].level == "fail"
    assert "authentication required (HTTP 401" in bad_key["prod: neon project"].detail
    swapped = run(neon_branch_dev="main")
    assert (
        swapped["dev: neon branch"].level == "fail"
        and "is not the endpoint of Neon branch main" in swapped["dev: neon branch"].detail
    )
    missing = run(neon_branch_prod="nope")
    assert "has no branch named 'nope'" in missing["prod: neon branch"].detail
    assert all("wrong" not in c.detail and neon.key not in c.detail for c in [*good.values(), *bad_key.values()])


def test_a_restore_killed_after_neon_made_the_preserved_branch_is_settled_as_whole(shop, neon):
    made = checkpoints.create(shop, "prod", actor=ME, label="c")
    # What a process killed mid-restore leaves: the "before" row still creating, Neon's preserved branch made.
    row = catalog.insert(
        shop.registry,
        label=f"before restore of #{made.id}",
        notes=None,
        actor=ME.name,
        branch=Branch.PROD,
        strategy="neon",
        revision=None,
        retention_days=7,
    )
    name = f"dbadmin-prod-{row.id}-killed"
    catalog.update(shop.registry, row.id, reference=name)
    live = neon.named("main")
    with httpx.Client() as client:
        answer = client.post(
            f"{neon.url}/projects/{neon.project}/branches/{live.id}/restore",
            headers={"Authorization": f"Bearer {neon.key}"},
            json={"source_branch_id": neon.named(made.reference).id, "preserve_under_name": name},
        )
        assert answer.status_code == 200
    assert checkpoints.settle(shop, Branch.PROD) == [f"checkpoint #{row.id} turned out whole: marked ready"]
    assert catalog.get(shop.registry, row.id).status == "ready"
    interrupted = catalog.insert(
        shop.registry,
        label="killed before Neon was asked",
        notes=None,
        actor=ME.name,
        branch=Branch.PROD,
        strategy="neon",
        revision=None,
        retention_days=7,
    )
    catalog.update(shop.registry, interrupted.id, reference=f"dbadmin-prod-{interrupted.id}-never-made")
    assert checkpoints.settle(shop, Branch.PROD) == [f"checkpoint #{interrupted.id} marked failed"]


def _env(context) -> dict[str, str]:
    settings = context.settings
    return {
        "DEV_DATABASE_URL": settings.dev_database_url.get_secret_value(),
        "PROD_DATABASE_URL": settings.prod_database_url.get_secret_value(),
        "ADMIN_DATABASE_URL": settings.admin_database_url.get_secret_value(),
        "CHECKPOINT_STRATEGY_DEV": "neon",
        "CHECKPOINT_STRATEGY_PROD": "neon",
        "NEON_API_KEY": settings.neon_api_key.get_secret_value(),
        "NEON_PROJECT_ID": settings.neon_project_id,
        "NEON_BRANCH_DEV": settings.neon_branch_dev,
        "NEON_BRANCH_PROD": settings.neon_branch_prod,
        "NEON_API_URL": settings.neon_api_url,
        "CHECKPOINT_RETENTION_DAYS": str(settings.checkpoint_retention_days),
    }


@pytest.fixture
def served(neon_env, tmp_path):
    running = serve(neon_env | {"DBADMIN_DATA_DIR": str(tmp_path / "data")}, tmp_path / "serve.log")
    yield running
    assert running.stop() == 0
    assert "Traceback" not in running.output() and neon_env["NEON_API_KEY"] not in running.output()


def test_the_api_shows_the_history_and_restores_to_a_time(shop, neon, served):
    _, token = auth.create_token(shop, name="pipeline", role="admin", created_by=ME)
    headers = {"Authorization": f"Bearer {token}"}
    moment = neon.mark("main")
    add_user(shop, "mistake@example.test")
    at = f"{moment + timedelta(seconds=1):%Y-%m-%dT%H:%M:%S}Z"
    time.sleep(1.2)
    api = f"{served.base_url}/api/admin/db"
    window = httpx.get(f"{api}/prod/history", headers=headers, timeout=30).json()
    assert set(window) == {"earliest", "latest"}
    wrong = httpx.post(
        f"{api}/prod/restore-to-time", headers=headers, json={"at": at, "confirm": "RESTORE"}, timeout=60
    )
    assert wrong.status_code == 400 and "RESTORE TO " in wrong.json()["detail"]
    phrase = f"RESTORE TO {at[:10]} {at[11:19]}"
    done = httpx.post(f"{api}/prod/restore-to-time", headers=headers, json={"at": at, "confirm": phrase}, timeout=60)
    assert done.status_code == 200, done.text
    assert done.json()["label"] == f"before restore to {at[:10]} {at[11:19]} UTC"
    assert emails(shop) == ["first@example.test"]
    too_long = httpx.post(f"{api}/prod/restore-to-time", headers=headers, json={"at": "1" * 41}, timeout=30)
    assert too_long.status_code == 400


def test_restore_to_a_time_from_the_command_line(shop, neon):
    moment = neon.mark("main")
    add_user(shop, "mistake@example.test")
    at = f"{moment + timedelta(seconds=1):%Y-%m-%d %H:%M:%S}"
    time.sleep(1.2)
    env = _env(shop)
    refused = run_cli("checkpoint", "restore-to-time", "prod", at, env=env)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert f"needs the phrase 'RESTORE TO {at}'" in refused.stderr or f"RESTORE TO {at}" in refused.stderr
    done = run_cli("checkpoint", "restore-to-time", "prod", at, "--confirm", f"RESTORE TO {at}", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert f"restored Production to {at} UTC; the replaced state is checkpoint #" in done.stdout
    assert emails(shop) == ["first@example.test"]
    assert env["NEON_API_KEY"] not in done.stdout + done.stderr + refused.stderr


@pytest.mark.ui
def test_the_console_restores_prod_to_a_time_with_the_phrase(page: Page, shop, neon, served):
    from tests.ui.browser import screenshot
    from tests.ui.browser import confirm_with

    moment = neon.mark("main")
    add_user(shop, "mistake@example.test")
    at = f"{moment + timedelta(seconds=1):%Y-%m-%d %H:%M:%S}"
    time.sleep(1.2)
    served.sign_in(page)
    page.goto(f"{served.base_url}/admin/?branch=prod&tab=checkpoints")
    page.get_by_test_id("restore-to-time").click()
    expect(page.get_by_test_id("history-window")).to_contain_text("Its history runs from")
    page.get_by_test_id("restore-time").fill(at)
    page.get_by_test_id("time-ok").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("connections to it drop for a few seconds")
    expect(page.get_by_test_id("time-dialog")).to_be_hidden()
    page.wait_for_timeout(300)  # the dialog's fade-in, for the screenshot
    screenshot(page, "neon-restore-to-time")
    confirm_with(page, f"RESTORE TO {at}", production=True)
    expect(page.get_by_test_id("checkpoints")).to_contain_text(f"before restore to {at} UTC", timeout=30000)
    assert emails(shop) == ["first@example.test"]
    page.goto(f"{served.base_url}/admin/?branch=dev&tab=checkpoints")
    page.get_by_test_id("restore-to-time").click()  # Dev is on neon too, but a child branch: told why, at once
    expect(page.get_by_text("Neon restores to a moment only on root branches")).to_be_visible()
    expect(page.get_by_test_id("time-dialog")).to_have_count(0)


REAL_NEON = ("NEON_API_KEY", "NEON_PROJECT_ID", "NEON_TEST_BRANCH", "NEON_TEST_DATABASE_URL")


@pytest.mark.skipif(
    not all(os.environ.get(name) for name in REAL_NEON),
    reason="a real Neon project is opt-in: set " + ", ".join(REAL_NEON),
)
def test_the_same_scenario_against_a_real_neon_project(make_settings, databases):
    """Create, restore, undo and delete on a real Neon branch (NEON_TEST_BRANCH, whose URL is
    NEON_TEST_DATABASE_URL; it gets a table ``dbadmin_neon_test``), with the dev branch of the test server."""
    url = os.environ["NEON_TEST_DATABASE_URL"]
    settings = make_settings(
        dev_database_url=databases.new(),
        prod_database_url=url,
        admin_database_url=databases.new("control"),
        checkpoint_strategy_prod="neon",
        neon_api_key=os.environ["NEON_API_KEY"],
        neon_project_id=os.environ["NEON_PROJECT_ID"],
        neon_branch_prod=os.environ["NEON_TEST_BRANCH"],
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS dbadmin_neon_test")
        conn.execute("CREATE TABLE dbadmin_neon_test (n int)")
        conn.execute("INSERT INTO dbadmin_neon_test VALUES (1)")
    with open_context(settings) as context:
        made = checkpoints.create(context, "prod", actor=ME, label="real neon")
        with context.registry.connection("prod") as conn:
            conn.execute("INSERT INTO dbadmin_neon_test VALUES (2)")
        before = checkpoints.restore(context, "prod", made.id, actor=ME, confirm=f"RESTORE {made.id}")
        with context.registry.connection("prod") as conn:
            assert [r[0] for r in conn.execute("SELECT n FROM dbadmin_neon_test ORDER BY n")] == [1]
        checkpoints.restore(context, "prod", before.id, actor=ME, confirm=f"RESTORE {before.id}")
        with context.registry.connection("prod") as conn:
            assert [r[0] for r in conn.execute("SELECT n FROM dbadmin_neon_test ORDER BY n")] == [1, 2]
        checkpoints.delete(context, "prod", made.id, actor=ME)


def test_where_neon_gives_no_connection_uri_the_endpoint_host_is_compared(make_neon, neon):
    shop = make_neon()
    neon.fail_next(412, path="/connection_uri")  # a role whose password Neon does not keep
    made = checkpoints.create(shop, "prod", actor=ME, label="via the endpoints")
    assert made.status == "ready" and 200 in neon.statuses("GET", "/endpoints")
    assert ".fake-region.neon.test:" in dburl.describe(shop.registry.url("prod"))  # endpoints have hosts of their own
    wrong = make_neon(neon_branch_prod="dev")
    neon.fail_next(412, path="/connection_uri")
    with pytest.raises(WrongDatabase, match="is not the endpoint of Neon branch dev"):
        checkpoints.create(wrong, "prod", actor=ME, label="the wrong branch, by its host")


def test_the_api_key_only_travels_over_tls_or_to_this_machine(make_settings):
    with pytest.raises(ConfigError, match=r"^NEON_API_URL: must be an https:// URL \(http:// only to this machine\)"):
        make_settings(neon_api_url="http://neon.example.com/api/v2")
    assert make_settings(neon_api_url="https://console.neon.tech/api/v2").neon_api_url.startswith("https://")
    assert make_settings(neon_api_url="http://127.0.0.1:8080/api/v2").neon_api_url.startswith("http://127.0.0.1")
