"""Real applications' migration projects (tests/compat/corpus.py), unmodified, run through dbadmin's CLI
from each project's own virtualenv with nothing but the four variables the README's quick start names.

Each project goes through: status shows every revision pending; up Dev to the project's own head
(Alembic's ScriptDirectory, not dbadmin, says which); the database the application's own settings
name is untouched; ``status prod --check`` exits 1; promote with its phrase; Prod at Dev's revision;
a row seeded on Prod; checkpoint; the row lost; rollback refused without its phrase, then done with
it; restore refused without its phrase, then done with it; the row back and Prod at head again; an
audit row for each outcome.  The steps each project passed are written to
``.compat/results/<name>.json`` (the table in tests/compat/README.md is made from them).

Marked ``compat``: ``make compat`` runs the corpus (``make test`` deselects it); .ci/run runs it on
the machine's PostgreSQL, since two projects' revisions create contrib extensions the embedded
server lacks (a project whose extensions are missing fails, saying so; ``COMPAT_QUICK=1`` runs only
the fast-installing part).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from dbadmin.services import dburl
from tests.compat import venvs
from tests.compat.corpus import CORPUS, Project

pytestmark = pytest.mark.compat
RESULTS = venvs.REPO / ".compat" / "results"  # not test-results/: pytest-playwright empties that at every start
DBADMIN = Path(sys.executable).parent / "dbadmin"  # dbadmin in its own environment; the app's is VIRTUAL_ENV
_SELECTED = [p for p in CORPUS if not os.environ.get("COMPAT_QUICK") or p.quick]


class Steps:
    """The steps a project passed, kept on disk as they pass (the README's table comes from them)."""

    def __init__(self, project: Project) -> None:
        self.project, self.passed = project, []  # type: ignore[var-annotated]
        RESULTS.mkdir(parents=True, exist_ok=True)
        self._write(None)

    def passed_step(self, name: str) -> None:
        self.passed.append(name)
        self._write(None)

    def failed_step(self, name: str, error: str) -> None:
        self._write({"step": name, "error": error[-2000:]})

    def _write(self, failure: dict | None) -> None:
        (RESULTS / f"{self.project.name}.json").write_text(
            json.dumps(
                {
                    "project": self.project.name,
                    "version": self.project.version,
                    "shapes": list(self.project.shapes),
                    "passed": self.passed,
                    "failure": failure,
                },
                indent=2,
            )
        )


class Run:
    """dbadmin's CLI in the project's virtualenv, as a user of that application runs it."""

    def __init__(self, project: Project, venv: Path, env: dict[str, str], cwd: Path) -> None:
        self.project, self.venv, self.env, self.cwd = project, venv, env, cwd

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(DBADMIN), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=900,
            stdin=subprocess.DEVNULL,
        )
        if ok and done.returncode != 0:
            raise AssertionError(
                f"dbadmin {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done


_OUTCOMES = "SELECT outcome FROM admin_actions WHERE action = %s AND branch = 'dev'"


def _fetch(url: str, query: str, *params: object) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def _heads(url: str, project: Project) -> list[str]:
    table = sql.Identifier(project.version_schema, project.version_table).as_string(None)
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass(%s) IS NULL", [table]).fetchone()[0]:
            return []
        return sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {table}"))


def _state(url: str) -> list[tuple]:
    """Every column of every table outside the system schemas: the application's database must keep it."""
    return _fetch(
        url,
        """SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""",
    )


@pytest.fixture
def server_databases(databases) -> Iterator[dict[str, str]]:
    yield {name: databases.new() for name in ("dev", "prod", "admin", "app")}


@pytest.mark.parametrize("project", _SELECTED, ids=[p.name for p in _SELECTED])
def test_a_real_project_runs_every_step(project: Project, server_databases: dict[str, str]) -> None:
    steps = Steps(project)
    if project.extensions:  # a failure, not a skip: the corpus needs a server that can run the project at all
        available = {row[0] for row in _fetch(server_databases["dev"], "SELECT name FROM pg_available_extensions")}
        missing = sorted(set(project.extensions) - available)
        assert not missing, (
            f"{project.name}'s revisions create {', '.join(missing)}, which this PostgreSQL does not have (the embedded "
            "server has no contrib extensions): run make compat with TEST_DATABASE_URL naming a full server"
        )
    venv = venvs.ensure(project.venv or project.name, project.pip_groups())
    place = project.place(venv)
    urls = server_databases
    with psycopg.connect(urls["app"], autocommit=True) as conn:  # the application's own data, which must stay
        conn.execute("CREATE TABLE IF NOT EXISTS app_sentinel (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO app_sentinel VALUES (1, 'the app''s own database')")
    with tempfile.TemporaryDirectory(prefix=f"compat-{project.name}-") as home:
        env = {  # the application's virtualenv activated, as its user has it when they run their migrations
            "VIRTUAL_ENV": str(venv),
            "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": home,
            "LANG": "C.UTF-8",
            "DEV_DATABASE_URL": urls["dev"],
            "PROD_DATABASE_URL": urls["prod"],
            "ADMIN_DATABASE_URL": urls["admin"],
            "MIGRATIONS": str(place.migrations),
            "DBADMIN_DATA_DIR": str(Path(home) / "data"),
        } | project.app_environment(urls["app"], place, Path(home))
        cwd = place.cwd or Path(home)
        dbadmin = Run(project, venv, env, cwd)
        expected = json.loads(
            subprocess.run(
                [str(venv / "bin" / "python"), str(Path(__file__).with_name("heads.py")), *map(str, place.heads_args)],
                capture_output=True,
                text=True,
                check=True,
                cwd=cwd,
                env=env,
            ).stdout.splitlines()[-1]  # the last line: an application may log as its revisions are imported
        )
        for host in project.before_migrations(venv):  # the host project a plugin's revisions build on
            host_env = env | {"MIGRATIONS": str(host)}
            Run(project, venv, host_env, cwd)("migrate", "up", "dev")
            plan = Run(project, venv, host_env, cwd)(
                "migrate", "promote", "--yes", ok=False
            )  # refused: says the phrase
            phrase = next(word for word in plan.stderr.split("'") if word.startswith("PROMOTE "))
            Run(project, venv, host_env, cwd)("migrate", "promote", "--confirm", phrase, "--yes")
        app_before = _state(urls["app"])
        name = "status"
        try:
            status = dbadmin("migrate", "status", "dev").stdout
            assert "not under migrations yet" in status and "pending, in the order they would run" in status
            assert "env.py:" in status
            steps.passed_step("status shows pending")

            name = "sql"
            preview = dbadmin("migrate", "sql", "dev", ok=project.offline)  # offline SQL, or a notice per revision
            if project.offline:
                assert preview.stdout.strip() and "nothing pending" not in preview.stdout
                steps.passed_step("sql previews the pending revisions")
            else:  # env.py raises in offline mode: said in one line, nothing else happens
                assert preview.returncode != 0 and len(preview.stderr.strip().splitlines()) == 1, preview.stderr
                assert "offline" in preview.stderr and "Traceback" not in preview.stderr
                steps.passed_step("sql says in one line that env.py renders no offline SQL")

            name = "up"
            dbadmin("migrate", "up", "dev")
            assert _heads(urls["dev"], project) == expected["heads"]
            steps.passed_step("up Dev to head")

            name = "history"
            history = dbadmin("migrate", "history", "dev").stdout
            assert all(head in history for head in expected["heads"]), history
            steps.passed_step("history lists the applied revisions")

            name = "app database untouched"
            assert _state(urls["app"]) == app_before
            steps.passed_step("app's database untouched")

            name = "status --check"
            assert dbadmin("migrate", "status", "prod", "--check", ok=False).returncode == 1
            steps.passed_step("status prod --check exits 1")

            name = "promote"
            refused = dbadmin("migrate", "promote", "--confirm", "PROMOTE 0", "--yes", ok=False)
            assert refused.returncode != 0 and _heads(urls["prod"], project) == []
            dbadmin("migrate", "promote", "--confirm", f"PROMOTE {expected['count']}", "--yes")
            steps.passed_step("promote with its phrase")

            name = "prod at dev"
            assert _heads(urls["prod"], project) == _heads(urls["dev"], project) == expected["heads"]
            steps.passed_step("Prod at Dev's revision")

            name = "seed"
            with psycopg.connect(urls["prod"], autocommit=True) as conn:
                conn.execute(project.seed)
            assert _fetch(urls["prod"], project.seed_check) == [(1,)]
            steps.passed_step("row seeded on Prod")

            name = "checkpoint"
            dbadmin("checkpoint", "create", "prod", "compat")
            (checkpoint,) = _fetch(
                urls["admin"], "SELECT max(id) FROM admin_checkpoints WHERE branch = 'prod' AND label = 'compat'"
            )[0]
            with psycopg.connect(urls["prod"], autocommit=True) as conn:
                conn.execute(project.unseed)
            assert _fetch(urls["prod"], project.seed_check) == [(0,)]
            steps.passed_step("checkpoint")

            name = "rollback"
            assert dbadmin("migrate", "down", "prod", "--steps", "1", ok=False).returncode != 0
            assert _heads(urls["prod"], project) == expected["heads"]
            down = dbadmin(
                "migrate", "down", "prod", "--steps", "1", "--confirm", "ROLLBACK 1", "--yes", ok=project.downgrades
            )
            if project.downgrades:
                assert _heads(urls["prod"], project) != expected["heads"]
                steps.passed_step("rollback 1 with its phrase (refused without)")
            else:  # no downgrade() to run: refused before anything starts, naming the revision
                assert down.returncode != 0 and "has no downgrade()" in down.stderr, down.stderr
                assert len(down.stderr.strip().splitlines()) == 1 and "Traceback" not in down.stderr
                assert _heads(urls["prod"], project) == expected["heads"]
                steps.passed_step("rollback refused in one line: the revision has no downgrade()")

            name = "restore"
            assert dbadmin("checkpoint", "restore", "prod", str(checkpoint), ok=False).returncode != 0
            dbadmin("checkpoint", "restore", "prod", str(checkpoint), "--confirm", f"RESTORE {checkpoint}", "--yes")
            steps.passed_step("restore with its phrase (refused without)")

            name = "row back"
            assert _fetch(urls["prod"], project.seed_check) == [(1,)]
            assert _heads(urls["prod"], project) == expected["heads"]
            steps.passed_step("the row back, Prod at head")

            name = "audit"
            outcomes = set(_fetch(urls["admin"], "SELECT action, branch, outcome FROM admin_actions"))
            assert outcomes >= {
                ("migrate.up", "dev", "ok"),
                ("migrate.promote", "prod", "refused"),
                ("migrate.promote", "prod", "ok"),
                ("checkpoint.create", "prod", "ok"),
                ("migrate.down", "prod", "refused"),
                *([("migrate.down", "prod", "ok")] if project.downgrades else []),
                ("checkpoint.restore", "prod", "refused"),
                ("checkpoint.restore", "prod", "ok"),
            }, sorted(outcomes)
            assert not [row for row in outcomes if row[2] == "failed"], sorted(outcomes)
            assert _state(urls["app"]) == app_before
            steps.passed_step("audit rows for each outcome")

            name = "baseline"  # Dev made "without migrations": its version table gone, the schema kept
            table = sql.Identifier(project.version_schema, project.version_table)
            with psycopg.connect(urls["dev"], autocommit=True) as conn:
                conn.execute(sql.SQL("DROP TABLE {}").format(table))
            adopted = dbadmin(
                "migrate", "baseline", "dev", "--revision", ",".join(expected["heads"]), ok=not project.before
            )
            baselines = {row[0] for row in _fetch(urls["admin"], _OUTCOMES, "migrate.baseline")}
            if project.before:  # a plugin's revisions build on its host's tables: no scratch database can build them
                assert adopted.returncode == 1 and "cannot be built alone" in adopted.stderr, adopted.stderr
                assert len(adopted.stderr.strip().splitlines()) == 1 and baselines == {"refused"}
                assert _heads(urls["dev"], project) == []
                steps.passed_step("baseline refused in one line (a plugin cannot be built without its host)")
            else:
                assert _heads(urls["dev"], project) == expected["heads"] and baselines == {"ok"}
                steps.passed_step("baseline records a database made without migrations")
        except BaseException as exc:
            steps.failed_step(name, dburl.scrub(str(exc)))
            raise
