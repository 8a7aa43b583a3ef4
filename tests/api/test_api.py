"""The REST API over HTTP against a served dbadmin: every route guarded (anonymous 401, viewer 403 on
changes, admin OK), JSON errors with the right status, CSRF on cookie sessions, rate limits,
and a release pipeline's flow with an API token."""

from __future__ import annotations

from collections import Counter

import json
import socket
import time
from dataclasses import dataclass

import httpx
import psycopg
import pytest

from dbadmin.config import load_settings
from dbadmin.services.operations import access as auth, oplock
from dbadmin.services import checkpoints, dburl, migrations
from dbadmin.services.context import Context
from dbadmin.services.embedded import example_migrations
from dbadmin.services.startup import open_context
from tests.helpers import SETTINGS_ENV, Served, actions, admin, serve, version

API = "/api/admin/db"
READS = [
    f"{API}/branches",
    f"{API}/dev/summary",
    f"{API}/dev/tables",
    f"{API}/dev/tables/public/users",
    f"{API}/dev/migrations",
    f"{API}/dev/checkpoints",
    f"{API}/diff?from=prod&to=dev",
    f"{API}/audit",
    f"{API}/dev/capture",
    f"{API}/schema-changes",
    f"{API}/audit?kind=schema-changes",
]
CHANGES = [
    ("POST", f"{API}/dev/migrate?dir=up", {}),
    ("POST", f"{API}/dev/migrate?dir=down&steps=1", {}),
    ("POST", f"{API}/promote", {"confirm": "PROMOTE 2"}),
    ("POST", f"{API}/dev/checkpoints", {"label": "x"}),
    ("POST", f"{API}/dev/checkpoints/1/restore", {}),
    ("DELETE", f"{API}/dev/checkpoints/1", None),
    ("POST", f"{API}/dev/capture", {}),
    ("DELETE", f"{API}/dev/capture", None),
    ("PUT", f"{API}/dev/guard", {"on": True}),
    ("POST", f"{API}/dev/guard/bypass", {"minutes": 5, "confirm": "BYPASS GUARD 5"}),
]


@dataclass
class Api:
    served: Served
    context: Context  # the same databases, for tokens and for checking what really changed
    admin_token: str
    viewer_token: str

    def call(
        self, method: str, path: str, token: str | None = None, json: object = None, **headers: str
    ) -> httpx.Response:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.request(method, self.served.base_url + path, json=json, headers=headers, timeout=60)


@pytest.fixture
def api_factory(databases, tmp_path):
    made = []

    def make(**env: str) -> Api:
        urls = {
            "DEV_DATABASE_URL": databases.new(),
            "PROD_DATABASE_URL": databases.new(),
            "ADMIN_DATABASE_URL": databases.new("control"),
        }
        settings = load_settings(
            _env_file=None,
            dev_database_url=urls["DEV_DATABASE_URL"],
            prod_database_url=urls["PROD_DATABASE_URL"],
            admin_database_url=urls["ADMIN_DATABASE_URL"],
            migrations=example_migrations(),
            checkpoint_dir=tmp_path / "store",
        )
        context_manager = open_context(settings)
        context = context_manager.__enter__()
        migrations.upgrade(context, "dev", actor=admin("setup"), steps=3)
        migrations.promote(context, actor=admin("setup"), confirm="PROMOTE 3")
        migrations.upgrade(context, "dev", actor=admin("setup"))  # Dev at 0005, Prod at 0003
        _, admin_token = auth.create_token(context, name="pipeline", role="admin", created_by=admin("setup"))
        _, viewer_token = auth.create_token(context, name="dashboard", role="viewer", created_by=admin("setup"))
        served = serve(
            urls
            | {
                "MIGRATIONS": str(example_migrations()),
                "CHECKPOINT_DIR": str(tmp_path / "store"),
                "DBADMIN_DATA_DIR": str(tmp_path / "data"),
            }
            | env,
            tmp_path / f"serve{len(made)}.log",
        )
        made.append((served, context_manager))
        return Api(served, context, admin_token, viewer_token)

    yield make
    for served, context_manager in made:
        assert served.stop() == 0
        assert "Traceback" not in served.output(), served.output()
        context_manager.__exit__(None, None, None)


def error(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error", "detail"} and body["detail"], body
    return body["error"]


def test_anonymous_gets_401_everywhere_and_is_audited(api_factory):
    api = api_factory()
    minute = int(time.time() // 60)
    for path in READS:
        answer = api.call("GET", path)
        assert answer.status_code == 401 and error(answer) == "not_authenticated", path
    for method, path, body in CHANGES:
        assert api.call(method, path, json=body).status_code == 401, path
    assert api.call("GET", f"{API}/branches", token="dbadmin_forged").status_code == 401
    refused = [a for a in actions(api.context) if a.action == "auth.refused"]
    assert {a.actor for a in refused} == {"anonymous"}
    # one row per route, reason and client a minute: the forged token's GET /branches was counted, not
    # written, unless a new minute began meanwhile (then each route may have a row in each minute)
    routes = Counter(a.details["route"] for a in refused)
    most = 1 if int(time.time() // 60) == minute else 2
    assert max(routes.values()) <= most and len(routes) <= len(READS) + len(CHANGES)
    assert {"route": f"POST {API}/promote", "reason": "not logged in", "client": "127.0.0.1"} in [
        a.details for a in refused
    ]


def test_a_viewer_reads_everything_and_changes_nothing(api_factory):
    api = api_factory()
    for path in READS:
        assert api.call("GET", path, api.viewer_token).status_code == 200, path
    before = (version(api.context, "dev"), version(api.context, "prod"))
    for method, path, body in CHANGES:
        answer = api.call(method, path, api.viewer_token, json=body)
        assert answer.status_code == 403 and error(answer) == "not_allowed", (path, answer.text)
        assert "only admins may" in answer.json()["detail"]
    assert (version(api.context, "dev"), version(api.context, "prod")) == before
    refused = [a for a in actions(api.context) if a.actor == "token #2 dashboard"]
    assert [(a.action, a.outcome) for a in refused] == [
        ("migrate.up", "refused"),
        ("migrate.down", "refused"),
        ("migrate.promote", "refused"),
        ("checkpoint.create", "refused"),
        ("checkpoint.restore", "refused"),
        ("checkpoint.delete", "refused"),
        ("capture.install", "refused"),
        ("capture.remove", "refused"),
        ("guard.on", "refused"),
        ("guard.bypass", "refused"),
    ]


def test_a_release_pipeline_checkpoints_prod_and_promotes_with_a_token(api_factory):
    api = api_factory()
    token = api.admin_token
    made = api.call("POST", f"{API}/prod/checkpoints", token, json={"label": "before release 42", "reason": "release"})
    assert made.status_code == 201 and made.json()["status"] == "ready"
    listed = api.call("GET", f"{API}/prod/checkpoints", token).json()
    assert made.json()["id"] in [c["id"] for c in listed]
    wrong = api.call("POST", f"{API}/promote", token, json={"confirm": "PROMOTE 9"})
    assert wrong.status_code == 400 and error(wrong) == "confirmation_required"
    assert version(api.context, "prod") == ["0003"]
    promoted = api.call("POST", f"{API}/promote", token, json={"confirm": "PROMOTE 2", "reason": "release 42"})
    assert promoted.status_code == 200 and promoted.json()["revisions"] == ["0004", "0005"]
    assert version(api.context, "prod") == ["0005"]
    again = api.call("POST", f"{API}/promote", token, json={"confirm": "PROMOTE 0"})
    assert again.status_code == 409 and error(again) == "operation_refused"  # nothing to promote

    checkpoint_id = made.json()["id"]
    no_phrase = api.call("POST", f"{API}/prod/checkpoints/{checkpoint_id}/restore", token, json={})
    assert no_phrase.status_code == 400 and version(api.context, "prod") == ["0005"]
    restored = api.call(
        "POST", f"{API}/prod/checkpoints/{checkpoint_id}/restore", token, json={"confirm": f"RESTORE {checkpoint_id}"}
    )
    assert restored.status_code == 200 and version(api.context, "prod") == ["0003"]

    assert api.call("POST", f"{API}/dev/migrate?dir=down&steps=2", token).json()["after"] == ["0003"]
    assert api.call("POST", f"{API}/dev/migrate?dir=up&steps=1", token).json()["after"] == ["0004"]
    diff = api.call("GET", f"{API}/diff?from=prod&to=dev", token).json()
    assert any(c["object"] == "table" for c in diff["changes"])
    assert (
        api.call("DELETE", f"{API}/prod/checkpoints/{checkpoint_id}?reason=done", token).json()["status"] == "deleted"
    )
    log = api.call("GET", f"{API}/audit?branch=prod&outcome=ok&actor=token%20%231%20pipeline", token).json()
    assert [a["action"] for a in reversed(log)] == [
        "checkpoint.create",
        "migrate.promote",
        "checkpoint.restore",
        "checkpoint.delete",
    ]


BAD_INPUT = [
    ("GET", f"{API}/staging/summary", None, 404, "unknown_branch"),
    ("GET", f"{API}/dev/tables/public/nope", None, 404, "not_found"),
    ("GET", f"{API}/dev/tables?limit=0", None, 400, "invalid_input"),
    ("GET", f"{API}/dev/tables?sort=evil", None, 400, "invalid_input"),
    ("GET", f"{API}/audit?outcome=maybe", None, 400, "invalid_input"),
    ("GET", f"{API}/diff?from=dev&to=qa", None, 400, "invalid_input"),
    ("GET", f"{API}/diff?from=dev&to=999", None, 404, "checkpoint_not_found"),
    ("POST", f"{API}/dev/migrate?dir=sideways", {}, 400, "invalid_input"),
    ("POST", f"{API}/dev/migrate?dir=down&steps=0", {}, 400, "invalid_input"),
    ("POST", f"{API}/dev/migrate?dir=down&steps=99", {}, 400, "invalid_input"),
    ("POST", f"{API}/dev/checkpoints", {"label": ""}, 400, "invalid_input"),
    ("POST", f"{API}/dev/checkpoints", {"label": "x" * 201}, 400, "invalid_input"),
    ("POST", f"{API}/dev/checkpoints", "not an object", 400, "invalid_input"),
    ("POST", f"{API}/dev/checkpoints/999/restore", {}, 404, "checkpoint_not_found"),
    ("POST", f"{API}/dev/checkpoints/abc/restore", {}, 400, "invalid_input"),
    # PostgreSQL cannot store NUL bytes: refused as input (found by the fuzz test as 500s)
    ("GET", f"{API}/dev/tables?search=a%00b", None, 400, "invalid_input"),
    ("GET", f"{API}/dev/tables/public/a%00", None, 400, "invalid_input"),
    ("GET", f"{API}/audit?actor=%00", None, 400, "invalid_input"),
    ("GET", f"{API}/dev%00/summary", None, 404, "unknown_branch"),
    ("POST", f"{API}/dev/checkpoints", {"label": "ok", "notes": "a\u0000"}, 400, "invalid_input"),
    ("POST", f"{API}/dev/checkpoints", {"label": "\u0000"}, 400, "invalid_input"),
]


def test_bad_input_is_a_json_error_with_the_right_status_and_changes_nothing(api_factory):
    api = api_factory(ACTION_RATE_LIMIT="100")  # refused changes count against the limit too
    before = (version(api.context, "dev"), len(checkpoints.list_for_branch(api.context, "dev")))
    wrong = []
    for method, path, body, status, kind in BAD_INPUT:
        answer = api.call(method, path, api.admin_token, json=body)
        if (answer.status_code, error(answer)) != (status, kind):
            wrong.append(f"{method} {path}: {answer.status_code} {answer.text}")
    assert wrong == []
    assert (version(api.context, "dev"), len(checkpoints.list_for_branch(api.context, "dev"))) == before
    # a NUL in a reason is recorded (written out), never lost: the change and its audit row both happen
    done = api.call("POST", f"{API}/dev/migrate?dir=down&steps=1", api.admin_token, json={"reason": "late\u0000night"})
    assert done.status_code == 200, done.text
    last = actions(api.context)[-1]
    assert (last.action, last.outcome, last.reason) == ("migrate.down", "ok", "late\\0night")


def test_a_busy_branch_is_409_with_who_holds_it(api_factory):
    api = api_factory()
    with oplock.hold(api.context.registry, "dev", operation="checkpoint.create", actor="carol"):
        answer = api.call("POST", f"{API}/dev/checkpoints", api.admin_token, json={"label": "x"})
    assert answer.status_code == 409 and error(answer) == "branch_busy"
    assert "busy: checkpoint.create by carol" in answer.json()["detail"]


def test_cookie_sessions_need_a_csrf_token_or_same_origin_for_changes(api_factory):
    api = api_factory()
    client = api.served.client()
    me = client.get("/admin/auth/whoami").json()
    assert me["role"] == "admin" and me["via"] == "local" and len(me["csrf_token"]) == 64
    body = {"label": "from the browser"}
    bare = client.post(f"{API}/dev/checkpoints", json=body)
    assert bare.status_code == 403 and "X-CSRF-Token" in bare.json()["detail"]
    foreign = client.post(f"{API}/dev/checkpoints", json=body, headers={"Origin": "http://evil.test"})
    assert foreign.status_code == 403
    forged = client.post(f"{API}/dev/checkpoints", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403
    assert checkpoints.list_for_branch(api.context, "dev") == []
    ok = client.post(f"{API}/dev/checkpoints", json=body, headers={"X-CSRF-Token": me["csrf_token"]})
    assert ok.status_code == 201, ok.text
    same_origin = client.post(f"{API}/dev/checkpoints", json=body, headers={"Origin": api.served.base_url})
    assert same_origin.status_code == 201
    csrf_refusals = [
        a for a in actions(api.context) if a.action == "auth.refused" and "cross-site" in a.details["reason"]
    ]
    assert len(csrf_refusals) == 3
    no_bridge = client.post("/admin/auth/session", headers={"Origin": api.served.base_url})
    assert no_bridge.status_code == 404 and no_bridge.json()["error"] == "not_found"  # only a host's login bridges
    assert client.post("/admin/auth/logout", headers={"Origin": api.served.base_url}).status_code == 303
    assert client.get(f"{API}/branches").status_code == 401  # the session is over on the server too
    client.close()


def test_changes_are_rate_limited_per_actor_with_retry_after_across_processes(api_factory, tmp_path):
    api = api_factory(ACTION_RATE_LIMIT="3")
    replica = serve({k: v for k, v in api.served.env.items() if k in SETTINGS_ENV}, tmp_path / "replica.log")
    try:  # two console processes on one control store, as replicas behind a load balancer: one budget
        answers = []
        for base in (api.served.base_url, replica.base_url, api.served.base_url, replica.base_url):
            answers.append(
                httpx.post(
                    f"{base}{API}/promote",
                    json={"confirm": "wrong"},
                    headers={"Authorization": f"Bearer {api.admin_token}"},
                    timeout=60,
                )
            )
    finally:
        assert replica.stop() == 0
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert error(answers[-1]) == "rate_limited" and 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert api.call("GET", f"{API}/branches", api.admin_token).status_code == 200  # reads are not limited
    other = api.call("POST", f"{API}/promote", api.viewer_token, json={"confirm": "wrong"})
    assert other.status_code == 403  # another actor has its own budget (and is refused as a viewer)
    assert [a.details["reason"] for a in actions(api.context) if a.action == "auth.refused"] == ["rate limited"]


def test_a_branch_that_does_not_answer_is_503_promptly_and_recovers_by_itself(databases, tmp_path, pg_server):
    prod = databases.new()  # a URL whose database is dropped now and comes back later
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{dburl.conninfo_to_dict(prod)["dbname"]}"')
    served = serve(
        {
            "DEV_DATABASE_URL": databases.new(),
            "PROD_DATABASE_URL": prod,
            "ADMIN_DATABASE_URL": databases.new("control"),
            "POOL_TIMEOUT": "2",
        },
        tmp_path / "serve.log",
    )
    try:
        client = served.client()
        started = time.monotonic()
        answer = client.get(f"{API}/prod/tables")
        assert answer.status_code == 503 and error(answer) == "branch_unavailable", answer.text
        assert time.monotonic() - started < 10
        summary = client.get(f"{API}/prod/summary").json()
        assert summary["status"]["reachable"] is False and summary["status"]["error"]
        assert client.get(f"{API}/dev/tables").status_code == 200  # the other branch is unaffected
        with psycopg.connect(pg_server, autocommit=True) as conn:  # the server is back
            conn.execute(f'CREATE DATABASE "{dburl.conninfo_to_dict(prod)["dbname"]}"')
        assert client.get(f"{API}/prod/tables").status_code == 200
        client.close()
    finally:
        assert served.stop() == 0
    assert "Traceback" not in served.output()


def test_a_viewer_cannot_grow_the_audit_log_with_huge_fields(api_factory):
    """Security finding F2: a 4 MiB label went into the audit details before anything was checked."""
    api = api_factory()
    huge = api.call("POST", "/api/admin/db/dev/checkpoints", api.viewer_token, json={"label": "x" * 4 * 2**20})
    assert huge.status_code == 413 and error(huge) == "too_large"
    long = api.call("POST", "/api/admin/db/dev/checkpoints", api.viewer_token, json={"label": "x" * 201})
    assert long.status_code == 400 and "label" in long.json()["detail"]
    notes = api.call(
        "POST", "/api/admin/db/dev/checkpoints", api.viewer_token, json={"label": "ok", "notes": "n" * 5001}
    )
    assert notes.status_code == 400
    chunked = httpx.post(
        api.served.base_url + "/api/admin/db/dev/checkpoints",
        timeout=60,
        headers={"Authorization": f"Bearer {api.viewer_token}", "Content-Type": "application/json"},
        content=iter([b'{"label": "', b"y" * 2**20, b'"}']),
    )  # no Content-Length to trust
    assert chunked.status_code == 413
    rows = actions(api.context)
    assert all(len(json.dumps(row.details)) < 10_000 for row in rows)


def test_console_pages_cannot_be_framed_and_api_answers_are_not_cached(api_factory):
    """Security finding F4: any page could frame the signed-in console; JSON answers could be cached."""
    api = api_factory()
    for path in ("/admin/login", "/admin/"):
        answer = httpx.get(api.served.base_url + path, timeout=30)
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'", path
        assert answer.headers["x-frame-options"] == "DENY", path
    for token in (api.viewer_token, None):
        answer = api.call("GET", "/api/admin/db/branches", token)
        assert answer.headers["cache-control"] == "no-store", answer.status_code
    assert (
        "content-security-policy" not in httpx.get(api.served.base_url + "/healthz", timeout=30).headers
    )  # host route


def test_an_anonymous_flood_writes_one_counted_row_and_is_limited(api_factory):
    """Security finding F2: 300 anonymous requests wrote 300 permanent rows, with attacker-chosen paths."""
    api = api_factory()
    before = len([a for a in actions(api.context) if a.actor == "anonymous"])
    with httpx.Client(base_url=api.served.base_url, timeout=30) as client:
        codes = [client.get(f"/api/admin/db/dev{i}/summary").status_code for i in range(300)]
    assert codes[:120] == [401] * 120 and set(codes[120:]) == {429}  # at most 120 a minute from one address
    rows = [a for a in actions(api.context) if a.actor == "anonymous"][before:]
    assert 1 <= len(rows) <= 2, [(r.details, r.created_at) for r in rows]  # two only across a minute's turn
    assert rows[0].details["route"] == "GET /api/admin/db/{branch}/summary"  # the route, not the path sent
    assert rows[0].details["client"] == "127.0.0.1"


def test_the_api_docs_are_for_signed_in_people_only(api_factory):
    """Security finding F4: /docs loaded its script from a CDN into the console's origin for anyone."""
    api = api_factory()
    anonymous = httpx.get(api.served.base_url + "/docs", timeout=30, follow_redirects=True)
    assert anonymous.url.path == "/admin/login" and anonymous.url.params["next"] == "/api/admin/docs"
    signed_in = api.served.client()
    assert "swagger-ui" in signed_in.get("/docs", follow_redirects=True).text
    signed_in.close()
    assert httpx.get(api.served.base_url + "/openapi.json", timeout=30).json()["info"]["title"] == "dbadmin"


def test_where_a_checkpoint_lives_is_for_admins_only(api_factory):
    """Security finding F4: viewers saw server file paths (a dump's absolute path)."""
    api = api_factory()
    made = api.call("POST", f"{API}/prod/checkpoints", api.admin_token, json={"label": "nightly"})
    assert made.status_code == 201 and made.json()["reference"].endswith(".dump")
    as_admin = api.call("GET", f"{API}/prod/checkpoints", api.admin_token).json()
    as_viewer = api.call("GET", f"{API}/prod/checkpoints", api.viewer_token).json()
    assert made.json()["reference"] in [c["reference"] for c in as_admin] and all(c["reference"] for c in as_admin)
    assert [c["reference"] for c in as_viewer] == [None] * len(as_admin) and as_viewer[0]["label"] == "nightly"


def test_a_pipeline_turns_capture_on_and_reads_the_changes_made_outside_migrations(api_factory):
    api = api_factory()
    on = api.call("POST", f"{API}/dev/capture", api.admin_token, json={"reason": "alert on hand edits"})
    assert on.status_code == 200 and on.json()["installed"] is True, on.text
    with psycopg.connect(api.context.registry.url("dev"), autocommit=True, application_name="psql") as conn:
        conn.execute("CREATE TABLE hand_made (id int)")
    changes = api.call("GET", f"{API}/schema-changes?branch=dev", api.viewer_token).json()
    assert [(c["command_tag"], c["object_identity"], c["application_name"]) for c in changes] == [
        ("CREATE TABLE", "public.hand_made", "psql")
    ]
    off = api.call("DELETE", f"{API}/dev/capture?reason=done", api.admin_token)
    assert off.status_code == 200 and off.json()["installed"] is False


def test_a_pipeline_guards_prod_bypasses_it_with_the_phrase_and_alerts_from_the_audit_log(api_factory):
    api = api_factory()
    token = api.admin_token
    assert api.call("POST", f"{API}/prod/capture", token, json={}).status_code == 200
    on = api.call("PUT", f"{API}/prod/guard", token, json={"on": True, "reason": "release freeze"})
    assert on.status_code == 200 and on.json()["guarded"] is True, on.text

    def hand_edit(name: str) -> None:
        with psycopg.connect(api.context.registry.url("prod"), autocommit=True, application_name="psql") as conn:
            conn.execute(f"CREATE TABLE {name} (id int)")

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        hand_edit("refused_one")
    wrong = api.call("POST", f"{API}/prod/guard/bypass", token, json={"minutes": 5, "confirm": "BYPASS GUARD 50"})
    assert wrong.status_code == 400 and "needs the exact phrase 'BYPASS GUARD 5'" in wrong.json()["detail"]
    too_long = api.call("POST", f"{API}/prod/guard/bypass", token, json={"minutes": 10_000, "confirm": "x"})
    assert too_long.status_code == 400 and error(too_long) == "invalid_input"
    bypassed = api.call(
        "POST", f"{API}/prod/guard/bypass", token, json={"minutes": 5, "confirm": "BYPASS GUARD 5", "reason": "fix"}
    )
    assert bypassed.status_code == 200 and bypassed.json()["bypass_until"], bypassed.text
    hand_edit("hot_fix")
    alerts = api.call("GET", f"{API}/audit?kind=schema-changes&branch=prod", api.viewer_token)
    assert alerts.status_code == 200, alerts.text
    assert [(a["action"], a["details"]["object"], a["details"]["under_bypass"]) for a in alerts.json()] == [
        ("schema.outside_migrations", "public.hot_fix", True)
    ]
    assert alerts.json()[0]["actor"] == dburl.parts(api.context.registry.url("prod"))["user"]
    operations = api.call("GET", f"{API}/audit?branch=prod&action=guard.bypass", api.viewer_token).json()
    assert [(a["outcome"], a["reason"]) for a in operations] == [("ok", "fix"), ("refused", None), ("refused", None)]
    mixed = api.call("GET", f"{API}/audit?kind=schema-changes&outcome=refused", api.viewer_token)
    assert mixed.status_code == 400 and "action and outcome filter operations" in mixed.json()["detail"]
    still_on = api.call("PUT", f"{API}/prod/guard", token, json={"on": False})
    assert still_on.status_code == 400 and "needs the exact phrase 'GUARD OFF'" in still_on.json()["detail"]
    off = api.call("PUT", f"{API}/prod/guard", token, json={"on": False, "confirm": "GUARD OFF"})
    assert off.status_code == 200 and off.json()["guarded"] is False, off.text


def test_read_only_sql_over_http_as_the_reader_audited_on_prod(api_factory):
    api = api_factory()
    query = {"sql": "SELECT current_user AS who, 1 + 1 AS two"}
    dev = api.call("POST", f"{API}/dev/sql", api.viewer_token, json=query)
    assert dev.status_code == 200, dev.text
    body = dev.json()
    assert [c["name"] for c in body["columns"]] == ["who", "two"] and body["rows"][0][1] == 2
    assert body["rows"][0][0].startswith("dbadmin_reader_")
    written = api.call("POST", f"{API}/dev/sql", api.viewer_token, json={"sql": "DELETE FROM users"})
    assert written.status_code == 400 and "read-only transaction" in written.json()["detail"]
    as_viewer = api.call("POST", f"{API}/prod/sql", api.viewer_token, json=query)
    assert as_viewer.status_code == 403 and "only admins may read Production's data" in as_viewer.json()["detail"]
    masked = api.call("POST", f"{API}/prod/sql", api.admin_token, json={"sql": "SELECT email FROM users"})
    assert masked.status_code == 409 and "masked column (email)" in masked.json()["detail"]
    analyze = {"sql": "SELECT 1", "explain": "analyze"}
    assert api.call("POST", f"{API}/prod/sql", api.admin_token, json=analyze).status_code == 400
    analyzed = api.call("POST", f"{API}/prod/sql", api.admin_token, json=analyze | {"confirm": "EXPLAIN ANALYZE"})
    assert analyzed.status_code == 200 and "actual time" in analyzed.json()["rows"][0][0]
    audited = api.call("GET", f"{API}/audit?action=data.sql", api.viewer_token).json()
    assert [(a["branch"], a["outcome"]) for a in audited] == [
        ("prod", "ok"),
        ("prod", "refused"),
        ("prod", "refused"),
        ("prod", "refused"),
    ]


def test_saved_queries_over_http_are_each_persons_own(api_factory):
    api = api_factory()
    saved = api.call("PUT", f"{API}/saved-queries", api.viewer_token, json={"name": "n", "sql": "SELECT 1"})
    assert saved.status_code == 200, saved.text
    assert [q["name"] for q in api.call("GET", f"{API}/saved-queries", api.viewer_token).json()] == ["n"]
    assert api.call("GET", f"{API}/saved-queries", api.admin_token).json() == []
    gone = api.call("DELETE", f"{API}/saved-queries/{saved.json()['id']}", api.admin_token)
    assert gone.status_code == 404  # not the admin's to delete
    assert api.call("DELETE", f"{API}/saved-queries/{saved.json()['id']}", api.viewer_token).status_code == 204
    bad = api.call("PUT", f"{API}/saved-queries", api.viewer_token, json={"name": "", "sql": "SELECT 1"})
    assert bad.status_code == 400 and "1 to 100 characters" in bad.json()["detail"]


def test_rows_over_http_page_by_key_with_typed_filters_masked_on_prod(api_factory):
    api = api_factory()
    for branch in ("dev", "prod"):
        with psycopg.connect(api.context.registry.url(branch), autocommit=True) as conn:
            conn.execute(
                "INSERT INTO users (email, name) SELECT format('u%s@example.com', g), format('U %s', g) "
                "FROM generate_series(1, 30) g"
            )
    first = api.call("GET", f"{API}/dev/tables/public/users/rows?limit=20", api.viewer_token)
    assert first.status_code == 200, first.text
    assert len(first.json()["rows"]) == 20
    after = first.json()["after"]
    rest = api.call("GET", f"{API}/dev/tables/public/users/rows?limit=20&after={after}", api.viewer_token).json()
    assert [r[0] for r in rest["rows"]] == [str(n) for n in range(21, 31)] and rest["after"] is None
    newest = api.call("GET", f"{API}/dev/tables/public/users/rows?limit=2&sort=name&desc=true", api.viewer_token)
    assert [r[2] for r in newest.json()["rows"]] == ["U 9", "U 8"]  # text order, descending
    csv = api.call("GET", f"{API}/dev/tables/public/users/rows?format=csv&where=id:lte:3", api.viewer_token)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "filename*=UTF-8''dev-public.users.csv" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[0].startswith("id,email,name,") and len(csv.text.splitlines()) == 4
    refused = api.call("GET", f"{API}/dev/tables/public/users/rows?format=csv&where=id:eq:x", api.viewer_token)
    assert refused.status_code == 400 and "invalid input syntax" in refused.json()["detail"]  # JSON, not a CSV
    found = api.call("GET", f"{API}/dev/tables/public/users/rows?where=email:eq:u7@example.com", api.viewer_token)
    assert [r[1] for r in found.json()["rows"]] == ["u7@example.com"]
    bad = api.call("GET", f"{API}/dev/tables/public/users/rows?where=email:like:u7", api.viewer_token)
    assert bad.status_code == 400 and "a filter is one of" in bad.json()["detail"]
    assert api.call("GET", f"{API}/prod/tables/public/users/rows", api.viewer_token).status_code == 403
    masked = api.call("GET", f"{API}/prod/tables/public/users/rows?limit=1", api.admin_token).json()
    assert masked["masked"] == ["email"] and masked["rows"][0][1] == "u•••@example.com"
    value = f"{API}/prod/tables/public/users/value?column=email&row={masked['row_keys'][0]}"
    assert api.call("GET", value, api.admin_token).json()["text"] == "u1@example.com"
    assert api.call("GET", value, api.viewer_token).status_code == 403


def test_schedules_and_drills_over_the_api(api_factory):
    api = api_factory()
    got = api.call("GET", f"{API}/prod/schedule", api.viewer_token)
    assert got.status_code == 200 and got.json()["crontab"] == [] and got.json()["editable"] is True
    assert got.json()["last_verified"] is None

    bad = api.call("PUT", f"{API}/prod/schedule", api.admin_token, json={"crontab": "0 3 * *"})
    assert bad.status_code == 400 and error(bad) == "invalid_input" and "needs five fields" in bad.json()["detail"]
    assert api.call("PUT", f"{API}/prod/schedule", api.viewer_token, json={"crontab": "0 3 * * *"}).status_code == 403
    put = api.call("PUT", f"{API}/prod/schedule", api.admin_token, json={"crontab": "0 3 * * *", "keep": "daily=7"})
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["crontab"], body["keep"], body["source"]) == (["0 3 * * *"], "daily=7", "console")
    assert "T03:00:00" in body["next_at"]

    made = api.call("POST", f"{API}/prod/checkpoints", api.admin_token, json={"label": "nightly"})
    checkpoint_id = made.json()["id"]
    drilled = api.call("POST", f"{API}/prod/checkpoints/{checkpoint_id}/drill", api.admin_token)
    assert drilled.status_code == 200, drilled.text
    assert (drilled.json()["outcome"], drilled.json()["checkpoint_id"]) == ("passed", checkpoint_id)
    verified = api.call("GET", f"{API}/prod/schedule", api.viewer_token).json()["last_verified"]
    assert verified["checkpoint_id"] == checkpoint_id and verified["drilled_at"]

    with psycopg.connect(api.context.settings.admin_database_url.get_secret_value(), autocommit=True) as conn:
        conn.execute('UPDATE admin_checkpoints SET row_counts = \'{"public.gone": {"rows": 1, "exact": true}}\'')
    failed = api.call("POST", f"{API}/prod/checkpoints/{checkpoint_id}/drill", api.admin_token)
    assert failed.status_code == 409 and error(failed) == "drill_failed"
    assert "public.gone is missing from the restored copy" in failed.json()["detail"]
    assert api.call("GET", f"{API}/prod/schedule", api.viewer_token).json()["last_verified"] is None
    assert api.call("POST", f"{API}/prod/checkpoints/99999/drill", api.admin_token).status_code == 404


def test_a_stalled_download_is_cancelled_and_each_person_streams_one_export(api_factory):
    """Security finding N3: one viewer held both export slots with two downloads that stopped reading, for up
    to EXPORT_TIMEOUT (600 s), and the admin's export answered 409 busy."""
    api = api_factory(EXPORT_STALL_SECONDS="2")
    with api.context.registry.connection("dev") as conn:  # ~50 MB of CSV: more than any socket buffer holds
        conn.execute("CREATE TABLE big (id int PRIMARY KEY, pad text)")
        conn.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 200000) g")
    path = f"{API}/dev/tables/public/big/rows?format=csv"
    host, port = api.served.base_url.removeprefix("http://").split(":")
    stalled = socket.create_connection((host, int(port)))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {api.viewer_token}\r\n\r\n".encode()
    )
    try:
        assert stalled.recv(64).startswith(b"HTTP/1.1 200")  # streaming; then this client reads no more
        second = api.call("GET", path, token=api.viewer_token)
        assert second.status_code == 409 and "one at a time per person" in second.json()["detail"]
        other = api.call("GET", f"{API}/dev/tables/public/users/rows?format=csv", token=api.admin_token)
        assert other.status_code == 200 and other.text.startswith("id,")  # another person is served meanwhile
        deadline = time.monotonic() + 60  # far below EXPORT_TIMEOUT's 600 s; the stall setting is 2 s
        while (again := api.call("GET", path, token=api.viewer_token)).status_code == 409:
            assert time.monotonic() < deadline, "the stalled download kept its slot"
            time.sleep(0.5)
        assert again.status_code == 200 and again.text.count("\n") == 200_001  # the header and every row
    finally:
        stalled.close()
    assert "a CSV download took no data for 2 s: cancelled (EXPORT_STALL_SECONDS)" in api.served.output()
