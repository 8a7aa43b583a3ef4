"""The corpus: real, widely used applications' Alembic projects, each at a pinned version, unmodified.

A project is installed from PyPI into its own virtualenv (``requirements``), or vendored under
``tests/compat/projects/<name>/`` from its public repository at a pinned commit (only what its
license allows and the run needs, with the license beside it).  ``migrations`` is what a user
sets MIGRATIONS to; ``{site}`` is the virtualenv's site-packages, ``{vendored}`` the vendored
folder.  ``app_env`` is the application's own settings, naming its own database (``{app_url}``,
``{app_host}``, ...): dbadmin must leave that database untouched and run on the branch instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from tests.compat import venvs

VENDORED = Path(__file__).resolve().parent / "projects"


@dataclass(frozen=True)
class Place:
    migrations: Path
    cwd: Path | None  # None: a fresh empty folder (a stranger's working directory)
    heads_args: tuple[Path, ...]  # heads.py's arguments: the script folder, then version locations if any


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    source: str  # where it comes from: "PyPI ihatemoney 6.1.5" or "github.com/owner/repo@commit"
    license: str
    shapes: tuple[str, ...]
    requirements: tuple[str, ...]
    migrations: str  # MIGRATIONS, with {site} / {vendored}
    script_folder: str  # for heads.py, with {site} / {vendored}
    seed: str  # SQL adding one row on Prod at head
    unseed: str  # SQL removing it again (the loss a restore must undo)
    seed_check: str  # SQL counting that row
    version_table: str = "alembic_version"
    version_schema: str = "public"
    version_locations: tuple[str, ...] = ()
    cwd: str | None = None  # with {site} / {vendored}; None: a fresh empty folder
    app_env: dict[str, str] = field(default_factory=dict)
    before: tuple[str, ...] = ()  # MIGRATIONS of a host project brought to head on both branches first (a plugin's)
    extensions: tuple[str, ...] = ()  # PostgreSQL extensions its revisions create (contrib: not in the embedded server)
    quick: bool = False  # in .ci/run's part of the corpus (installs fast)

    def pip_groups(self) -> tuple[str, ...]:
        """``requirements`` with ``{vendored}`` filled in (a vendored project is installed from its folder)."""
        return tuple(group.format(vendored=VENDORED / self.name) for group in self.requirements)

    def place(self, venv: Path) -> Place:
        names = self._names(venv)
        return Place(
            migrations=Path(self.migrations.format(**names)),
            cwd=Path(self.cwd.format(**names)) if self.cwd else None,
            heads_args=(
                Path(self.script_folder.format(**names)),
                *(Path(location.format(**names)) for location in self.version_locations),
            ),
        )

    def _names(self, venv: Path) -> dict[str, str]:
        return {"site": str(venvs.site_packages(venv)), "vendored": str(VENDORED / self.name)}

    def before_migrations(self, venv: Path) -> list[Path]:
        return [Path(item.format(**self._names(venv))) for item in self.before]

    def app_environment(self, app_url: str, place: Place, home: Path) -> dict[str, str]:
        parts = conninfo_to_dict(app_url)
        names = {
            "app_url": app_url,
            "app_host": parts.get("host") or "localhost",
            "app_port": str(parts.get("port") or 5432),
            "app_db": parts.get("dbname") or "",
            "app_user": parts.get("user") or "",
            "app_password": parts.get("password") or "",
            "home": str(home),
            "vendored": str(VENDORED / self.name),
        }
        return {name: value.format(**names) for name, value in self.app_env.items()}


_CKAN = ("ckan[requirements]==2.11.6",)

CORPUS: list[Project] = [
    Project(
        name="fastapi-template",
        version="0.10.0 (d40de238)",
        source="github.com/fastapi/full-stack-fastapi-template@d40de23896d27d15c17a7bf9649123fd167a0aa8",
        license="MIT",
        shapes=("settings from POSTGRES_* parts (pydantic-settings)", "relative script_location, no prepend_sys_path"),
        requirements=("-r {vendored}/requirements.txt", "--no-deps -e {vendored}/backend"),
        migrations="{vendored}/backend/alembic.ini",
        script_folder="{vendored}/backend/app/alembic",
        cwd="{vendored}/backend",  # where its scripts/prestart.sh runs `alembic upgrade head`
        app_env={  # the app's own settings (its .env names localhost:5432/app): its own database here
            "POSTGRES_SERVER": "{app_host}",
            "POSTGRES_PORT": "{app_port}",
            "POSTGRES_DB": "{app_db}",
            "POSTGRES_USER": "{app_user}",
            "POSTGRES_PASSWORD": "{app_password}",
        },
        extensions=("uuid-ossp",),
        seed="""INSERT INTO "user" (id, email, is_active, is_superuser, full_name, hashed_password)
                VALUES ('6f1b3c1e-0000-4000-8000-000000000001', 'compat@example.com', true, false, 'Compat', 'x')""",
        unseed="""DELETE FROM "user" WHERE email = 'compat@example.com'""",
        seed_check="""SELECT count(*) FROM "user" WHERE email = 'compat@example.com'""",
        quick=True,
    ),
    Project(
        name="prefect",
        version="3.9.1",
        source="PyPI prefect 3.9.1",
        license="Apache-2.0 (installed from PyPI at test time)",
        shapes=(
            "the database URL in its own variable (PREFECT_API_DATABASE_CONNECTION_URL)",
            "async env.py (asyncpg)",
            "migrations in the wheel (package:path script_location)",
            "a framework wrapper: env.py runs only in Prefect's AnyIO worker thread",
            "revision_environment, version folder chosen by env.py",
            "include_schemas",
            "120 revisions",
            "data migrations with no offline SQL",
        ),
        requirements=("prefect==3.9.1",),
        migrations="{site}/prefect/server/database/alembic.ini",
        script_folder="{site}/prefect/server/database/_migrations",
        version_locations=("{site}/prefect/server/database/_migrations/versions/postgresql",),
        app_env={
            "PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}",
            "PREFECT_HOME": "{home}/prefect",
        },
        extensions=("pg_trgm",),
        seed="INSERT INTO flow (name) VALUES ('compat')",
        unseed="DELETE FROM flow WHERE name = 'compat'",
        seed_check="SELECT count(*) FROM flow WHERE name = 'compat'",
    ),
    Project(
        name="ckan",
        version="2.11.6",
        source="PyPI ckan 2.11.6 (with its [requirements] extra)",
        license="AGPL-3.0-or-later (installed from PyPI at test time, not vendored)",
        shapes=(
            "SQLAlchemy 1.4 and Alembic 1.13 in the app's own virtualenv",
            "migrations inside the wheel",
            "105 revisions",
            "data migrations with no offline SQL",
        ),
        requirements=_CKAN,
        migrations="{site}/ckan/migration/alembic.ini",
        script_folder="{site}/ckan/migration",
        seed="INSERT INTO system_info (key, value) VALUES ('compat', 'seeded on Prod')",
        unseed="DELETE FROM system_info WHERE key = 'compat'",
        seed_check="SELECT count(*) FROM system_info WHERE key = 'compat'",
    ),
    Project(
        name="ckan-activity",
        version="2.11.6",
        source="PyPI ckan 2.11.6: its bundled activity plugin (ckanext/activity)",
        license="AGPL-3.0-or-later (installed from PyPI at test time, not vendored)",
        shapes=("a plugin's own version table (activity_alembic_version) beside its host's alembic_version",),
        requirements=_CKAN,
        migrations="{site}/ckanext/activity/migration/activity/alembic.ini",
        script_folder="{site}/ckanext/activity/migration/activity",
        version_table="activity_alembic_version",
        before=("{site}/ckan/migration/alembic.ini",),
        seed="INSERT INTO activity (id, activity_type, permission_labels) VALUES ('compat', 'new package', '{public}')",
        unseed="DELETE FROM activity WHERE id = 'compat'",
        seed_check="SELECT count(*) FROM activity WHERE id = 'compat'",
    ),
]
