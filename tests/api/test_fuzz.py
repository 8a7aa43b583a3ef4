"""Property-based fuzzing of the REST API from its own OpenAPI schema: no request may answer 5xx.

A real ``dbadmin serve`` process on real PostgreSQL (Dev, Prod and the control store) is
fuzzed with schemathesis as an admin, as a viewer and anonymously.  Every operation under
``/api/admin/db`` gets schema-conforming (positive) and schema-violating (negative) cases;
path parameters are steered towards values that exist (``dev``, ``prod``, real checkpoint
ids) part of the time so the fuzz reaches past the 404s into the services.

Run with ``-s`` to read the summary line (requests per role, status histogram).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from dbadmin.config import load_settings
from dbadmin.services.operations import access as auth
from dbadmin.services import checkpoints, migrations
from dbadmin.services.embedded import example_migrations
from dbadmin.services.startup import open_context
from tests.helpers import admin, serve

API_PREFIX = "/api/admin/db"
# Hypothesis examples per (role, operation, generation mode): bounds the run to about 850 requests (~25 s).
EXAMPLES = {"admin": 25, "viewer": 12, "anonymous": 5}
MIN_REQUESTS = 100


@dataclass
class Fuzz:
    base_url: str
    session: requests.Session
    sent: Counter = field(default_factory=Counter)  # role -> requests
    statuses: Counter = field(default_factory=Counter)  # status code -> requests
    failures: list[str] = field(default_factory=list)
    unbreakable: set[str] = field(default_factory=set)  # operations negative generation could not fuzz

    def send(self, role: str, case, headers: dict[str, str]) -> None:
        try:
            response = case.call(base_url=self.base_url, session=self.session, headers=headers, timeout=60)
        except requests.ConnectionError:
            # The server may close a kept-alive connection after an error; a dead server fails again.
            self.session = requests.Session()
            try:
                response = case.call(base_url=self.base_url, session=self.session, headers=headers, timeout=60)
            except requests.RequestException as exc:
                self.sent[role] += 1
                self.statuses["no answer"] += 1
                self.failures.append(f"[{role}] {case.method} {case.formatted_path} -> no answer: {exc}")
                return
        self.sent[role] += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            request = response.request
            body = request.body.decode(errors="replace") if isinstance(request.body, bytes) else request.body
            self.failures.append(
                f"[{role}] {request.method} {request.url} body={body!r:.300} -> "
                f"{response.status_code}: {response.text_lossy()[:300]}"
            )


def _tracebacks(output: str) -> list[str]:
    """Each distinct traceback the server printed (by its dbadmin frames and exception), with how often."""
    found: Counter = Counter()
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith("Traceback"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line and not line[0].isspace():  # the exception line ends the block
                found["\n".join(current)] += 1
                current = None
    distinct: dict[tuple, tuple[str, int]] = {}
    for text, count in found.items():
        lines = text.splitlines()
        key = (tuple(line for line in lines if "/app/" in line), lines[-1].split(":")[0])
        first, seen = distinct.get(key, (text, 0))
        distinct[key] = (first, seen + count)
    return [f"({count}x) {text}" for text, count in distinct.values()]


def _seed(urls: dict[str, str], tmp_path: Path) -> tuple[str, str, list[int]]:
    """Give Dev some state, take a checkpoint on each branch; return admin and viewer tokens and checkpoint ids."""
    config = load_settings(
        _env_file=None,
        dev_database_url=urls["DEV_DATABASE_URL"],
        prod_database_url=urls["PROD_DATABASE_URL"],
        admin_database_url=urls["ADMIN_DATABASE_URL"],
        migrations=example_migrations(),
        checkpoint_dir=tmp_path / "store",
    )
    with open_context(config) as context:
        migrations.upgrade(context, "dev", actor=admin("fuzz"), steps=3)
        ids = [
            checkpoints.create(context, branch, actor=admin("fuzz"), label=f"fuzz seed {branch}").id
            for branch in ("dev", "prod")
        ]
        _, admin_token = auth.create_token(context, name="fuzz admin", role="admin", created_by=admin("fuzz"))
        _, viewer_token = auth.create_token(context, name="fuzz viewer", role="viewer", created_by=admin("fuzz"))
    return admin_token, viewer_token, ids


def _steer(case, data: st.DataObject, checkpoint_ids: list[int]) -> None:
    """Half the time, swap generated identifiers for ones that exist so the request reaches the services.

    Likewise the Production confirmations: a plausible typed phrase lets a change get past the guard.
    """
    if not data.draw(st.booleans(), label="steer"):
        return
    path = case.path_parameters if case.path_parameters is not None else {}
    query = case.query if isinstance(case.query, dict) else {}
    if "branch" in path:
        path["branch"] = data.draw(st.sampled_from(["dev", "prod"]), label="branch")
    if "checkpoint_id" in path:
        path["checkpoint_id"] = data.draw(st.sampled_from(checkpoint_ids), label="checkpoint_id")
    if case.operation.path.endswith("/diff"):
        known = ["dev", "prod", *map(str, checkpoint_ids)]
        query["from"] = data.draw(st.sampled_from(known), label="from")
        query["to"] = data.draw(st.sampled_from(known), label="to")
    if isinstance(case.body, dict) and "confirm" in case.body:
        steps = query.get("steps")
        phrases = [
            f"ROLLBACK {steps if isinstance(steps, int) else 1}",
            *(f"PROMOTE {n}" for n in range(1, 6)),
            f"RESTORE {path.get('checkpoint_id', checkpoint_ids[0])}",
        ]
        case.body["confirm"] = data.draw(st.sampled_from(phrases), label="confirm")


def _poison(case, data: st.DataObject) -> None:
    """Now and then end one generated string with a NUL byte, which JSON and URLs carry but PostgreSQL
    text refuses: an input that reaches SQL (or the audit log) unchecked then answers 500."""
    slots = [
        (values, key)
        for values in (case.path_parameters, case.query, case.body)
        if isinstance(values, dict)
        for key, value in values.items()
        if isinstance(value, str)
    ]
    if slots and data.draw(st.integers(0, 3), label="poison") == 0:
        values, key = data.draw(st.sampled_from(slots), label="poisoned")
        values[key] += "\x00"


def _modes(operation) -> list[GenerationMode]:
    """Positive always; negative only where there is an input to break (``GET /branches`` has none)."""
    has_input = any(True for _ in operation.iter_parameters()) or bool(operation.body)
    return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if has_input else [GenerationMode.POSITIVE]


def _fuzz_operation(
    fuzz: Fuzz, operation, mode: GenerationMode, role: str, headers: dict[str, str], checkpoint_ids: list[int]
) -> None:
    @settings(
        max_examples=EXAMPLES[role],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data) -> None:
        _steer(case, data, checkpoint_ids)
        _poison(case, data)
        fuzz.send(role, case, headers)

    try:
        run()
    except Unsatisfiable:
        # Some operations have no input negative mode can break (a bare string path parameter, say):
        # schemathesis's own runner reports these as skipped too.  Positive cases must always exist.
        if mode is not GenerationMode.NEGATIVE:
            raise
        fuzz.unbreakable.add(operation.label)


def test_api_never_answers_5xx(databases, tmp_path: Path) -> None:
    started = time.monotonic()
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    admin_token, viewer_token, checkpoint_ids = _seed(urls, tmp_path)
    env = urls | {
        "MIGRATIONS": str(example_migrations()),
        "CHECKPOINT_DIR": str(tmp_path / "store"),
        "ACTION_RATE_LIMIT": "10000",
        "DBADMIN_DATA_DIR": str(tmp_path / "data"),
    }
    served = serve(env, tmp_path / "serve.log")
    try:
        schema = schemathesis.openapi.from_url(f"{served.base_url}/openapi.json", timeout=30)
        schema = schema.include(path_regex=f"^{API_PREFIX}/")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 10, [op.label for op in operations]
        roles = {
            "admin": {"Authorization": f"Bearer {admin_token}"},
            "viewer": {"Authorization": f"Bearer {viewer_token}"},
            "anonymous": {},
        }
        fuzz = Fuzz(served.base_url, requests.Session())
        for role, headers in roles.items():
            for operation in operations:
                for mode in _modes(operation):
                    _fuzz_operation(fuzz, operation, mode, role, headers, checkpoint_ids)
    finally:
        served.stop()
    output = served.output()
    histogram = ", ".join(f"{code}: {count}" for code, count in sorted(fuzz.statuses.items(), key=str))
    print(
        f"\nAPI fuzz: {sum(fuzz.sent.values())} requests over {len(operations)} operations "
        f"({', '.join(f'{role} {count}' for role, count in fuzz.sent.items())}); statuses {{{histogram}}}; "
        f"{time.monotonic() - started:.1f}s; no negative cases for {sorted(fuzz.unbreakable) or 'none'}"
    )
    assert not fuzz.failures, (
        f"{len(fuzz.failures)} request(s) answered 5xx:\n"
        + "\n".join(fuzz.failures)
        + "\n--- distinct server tracebacks ---\n"
        + "\n".join(_tracebacks(output))
    )
    assert "Traceback" not in output, "\n".join(_tracebacks(output))
    assert sum(fuzz.sent.values()) > MIN_REQUESTS, fuzz.sent
