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
    downgrades: bool = True  # its revisions have downgrade() (OpenStack's have none: a rollback is refused)
    offline: bool = True  # its env.py renders SQL offline (OpenStack Placement's raises: no preview, said so)
    venv: str | None = None  # the virtualenv's name when projects share one (a plugin and its host); default: name

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
        quick=True,  # in .ci/run: the only real project for its wrapper or shape there
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
        venv="ckan",  # the same installation as its host's
        before=("{site}/ckan/migration/alembic.ini",),
        seed="INSERT INTO activity (id, activity_type, permission_labels) VALUES ('compat', 'new package', '{public}')",
        unseed="DELETE FROM activity WHERE id = 'compat'",
        seed_check="SELECT count(*) FROM activity WHERE id = 'compat'",
    ),
    Project(
        name="mealie",
        version="2.0.0+21 (b5643a93)",
        source="github.com/mealie-recipes/mealie@b5643a9399465d8b4ea339e7a6639df2d697741b, vendored in "
        "projects/mealie/ (alembic/, alembic.ini, mealie/, pyproject.toml, README.md, LICENSE; requirements from "
        "its poetry.lock, without python-ldap, which needs libldap headers and is not on the migration path)",
        license="AGPL-3.0 (vendored unmodified, its LICENSE beside it)",
        shapes=(
            "settings from DB_ENGINE=postgres and POSTGRES_* parts (pydantic-settings)",
            "a revision module reads the app's settings when imported",
            "relative script_location and prepend_sys_path = ., run from the repository's root",
            "a bare postgresql:// URL: psycopg2, the only driver in its environment",
            "data migrations with no offline SQL",
        ),
        requirements=("-r {vendored}/requirements.txt", "--no-deps -e {vendored}"),
        migrations="{vendored}/alembic.ini",
        script_folder="{vendored}/alembic",
        cwd="{vendored}",  # where its docker entrypoint runs the app (script_location = alembic, relative)
        app_env={
            "DB_ENGINE": "postgres",
            "POSTGRES_SERVER": "{app_host}",
            "POSTGRES_PORT": "{app_port}",
            "POSTGRES_DB": "{app_db}",
            "POSTGRES_USER": "{app_user}",
            "POSTGRES_PASSWORD": "{app_password}",
            "PRODUCTION": "true",
            "DATA_DIR": "{home}/mealie",  # else /app/data (it writes its secrets and logs there)
        },
        extensions=("pg_trgm",),
        seed="INSERT INTO groups (id, name) VALUES ('6f1b3c1e-0000-4000-8000-000000000001', 'compat')",
        unseed="DELETE FROM groups WHERE name = 'compat'",
        seed_check="SELECT count(*) FROM groups WHERE name = 'compat'",
        quick=True,
    ),
    Project(
        name="litestar-fullstack",
        version="0.3.0 (8b637ce4)",
        source="github.com/litestar-org/litestar-fullstack@8b637ce4232a407142ae94ec95d7eb268f8fd765, vendored in "
        "projects/litestar-fullstack/ (src/py/app without its tests, pyproject.toml, README.md, LICENSE; "
        "requirements exported from its uv.lock)",
        license="MIT",
        shapes=(
            "a framework wrapper: Advanced Alchemy's AlembicCommandConfig (env.py reads config.db_url, "
            "config.engine, config.version_table_name), run by 'app database upgrade'",
            "the app's own async engine (psycopg 3), asyncio.run inside env.py",
            "its own version table name (ddl_version), set in the app's settings",
            "the URL in DATABASE_URL",
        ),
        requirements=("-r {vendored}/requirements.txt", "--no-deps -e {vendored}"),
        migrations="{vendored}/src/py/app/db/migrations/alembic.ini",
        script_folder="{vendored}/src/py/app/db/migrations",
        version_table="ddl_version",
        app_env={
            "DATABASE_URL": "postgresql+psycopg://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}",
            # What its 'app' command sets before Litestar's CLI runs (Litestar's autodiscovery fails on this package).
            "LITESTAR_APP": "app.server.asgi:create_app",
        },
        seed="""INSERT INTO tag (id, name, slug, created_at, updated_at)
                VALUES ('6f1b3c1e-0000-4000-8000-000000000001', 'compat', 'compat', now(), now())""",
        unseed="DELETE FROM tag WHERE slug = 'compat'",
        seed_check="SELECT count(*) FROM tag WHERE slug = 'compat'",
        quick=True,
    ),
    Project(
        name="placement",
        version="16.0.0",
        source="PyPI openstack-placement 16.0.0 (with psycopg2-binary, as its install guide has it)",
        license="Apache-2.0 (installed from PyPI at test time)",
        shapes=(
            "env.py's engine from the app's own oslo.config settings (OS_PLACEMENT_DATABASE__CONNECTION)",
            "psycopg2, named in its URL",
            "env.py refuses offline mode (no SQL preview)",
            "no downgrade() in any revision (OpenStack's policy): a rollback is refused, a restore undoes",
        ),
        requirements=("openstack-placement==16.0.0 psycopg2-binary",),
        migrations="{site}/placement/db/sqlalchemy/alembic.ini",
        script_folder="{site}/placement/db/sqlalchemy/alembic",
        app_env={
            "OS_PLACEMENT_DATABASE__CONNECTION": "postgresql+psycopg2://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}"
        },
        seed="INSERT INTO projects (external_id) VALUES ('compat')",
        unseed="DELETE FROM projects WHERE external_id = 'compat'",
        seed_check="SELECT count(*) FROM projects WHERE external_id = 'compat'",
        downgrades=False,
        offline=False,
        quick=True,
    ),
    Project(
        name="optuna",
        version="5.1.0",
        source="PyPI optuna 5.1.0 (with psycopg2-binary)",
        license="MIT (installed from PyPI at test time)",
        shapes=(
            "migrations inside the wheel, relative script_location (found from the ini's folder)",
            "its own command (optuna storage upgrade) cannot start an empty database; plain alembic can",
            "data migrations through ORM sessions (no offline SQL)",
            "psycopg2",
        ),
        requirements=("optuna==5.1.0 psycopg2-binary",),
        migrations="{site}/optuna/storages/_rdb/alembic.ini",
        script_folder="{site}/optuna/storages/_rdb/alembic",
        app_env={"OPTUNA_STORAGE": "postgresql+psycopg2://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}"},
        seed="INSERT INTO studies (study_name) VALUES ('compat')",
        unseed="DELETE FROM studies WHERE study_name = 'compat'",
        seed_check="SELECT count(*) FROM studies WHERE study_name = 'compat'",
        quick=True,
    ),
    Project(
        name="arize-phoenix",
        version="20.26.1",
        source="PyPI arize-phoenix 20.26.1 (with its [pg] extra: asyncpg)",
        license="Elastic-2.0 (installed from PyPI at test time, not vendored)",
        shapes=(
            "a custom version_table_schema from its own schema setting (PHOENIX_SQL_DATABASE_SCHEMA): env.py "
            "creates the schema and sets search_path",
            "async env.py on asyncpg, the only driver installed (no synchronous one to hand a connection with)",
            "migrations inside the wheel, relative script_location and prepend_sys_path = .",
            "the URL in its own variable (PHOENIX_SQL_DATABASE_URL)",
            "35 revisions",
        ),
        requirements=("arize-phoenix[pg]==20.26.1",),
        migrations="{site}/phoenix/db/alembic.ini",
        script_folder="{site}/phoenix/db/migrations",
        version_schema="phx",
        app_env={
            "PHOENIX_SQL_DATABASE_URL": "postgresql://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}",
            "PHOENIX_SQL_DATABASE_SCHEMA": "phx",
            "PHOENIX_WORKING_DIR": "{home}/phoenix",
        },
        seed="INSERT INTO phx.projects (name) VALUES ('compat')",
        unseed="DELETE FROM phx.projects WHERE name = 'compat'",
        seed_check="SELECT count(*) FROM phx.projects WHERE name = 'compat'",
    ),
    Project(
        name="glance",
        version="33.0.0",
        source="PyPI glance 33.0.0 (with psycopg2-binary)",
        license="Apache-2.0 (installed from PyPI at test time)",
        shapes=(
            "expand/contract branch labels with depends_on across them: two heads, one stored",
            "a framework wrapper: env.py's engine from oslo.config's global CONF, which only glance-manage parses",
            "the URL in oslo.config's environment source (OS_DATABASE__CONNECTION)",
            "no downgrade() in any revision (OpenStack's policy): a rollback is refused, a restore undoes",
        ),
        requirements=("glance==33.0.0 psycopg2-binary",),
        migrations="{site}/glance/db/sqlalchemy/alembic_migrations/alembic.ini",
        script_folder="{site}/glance/db/sqlalchemy/alembic_migrations",
        app_env={
            "OS_DATABASE__CONNECTION": "postgresql+psycopg2://{app_user}:{app_password}@{app_host}:{app_port}/{app_db}"
        },
        seed="""INSERT INTO images (id, name, status, created_at, deleted, min_disk, min_ram)
                VALUES ('6f1b3c1e-0000-4000-8000-00000000c0de', 'compat', 'active', now(), false, 0, 0)""",
        unseed="DELETE FROM images WHERE name = 'compat'",
        seed_check="SELECT count(*) FROM images WHERE name = 'compat'",
        downgrades=False,
        quick=True,
    ),
    Project(
        name="aodh",
        version="23.0.0",
        source="PyPI aodh 23.0.0 (with psycopg2-binary)",
        license="Apache-2.0 (installed from PyPI at test time)",
        shapes=(
            "package:path script_location (aodh.storage.sqlalchemy:alembic) and an ini naming sqlite",
            "env.py takes config.attributes['connection'] when given",
            "its own command (aodh-dbsync) creates and stamps an empty database; plain alembic builds it",
            "no downgrade() in any revision (OpenStack's policy): a rollback is refused, a restore undoes",
        ),
        requirements=("aodh==23.0.0 psycopg2-binary",),
        migrations="{site}/aodh/storage/sqlalchemy/alembic/alembic.ini",
        script_folder="{site}/aodh/storage/sqlalchemy/alembic",
        seed="""INSERT INTO quota (id, project_id, resource, "limit") VALUES ('compat', 'compat', 'alarms', 1)""",
        unseed="DELETE FROM quota WHERE id = 'compat'",
        seed_check="SELECT count(*) FROM quota WHERE id = 'compat'",
        quick=True,  # in .ci/run: the only real project for its wrapper or shape there
        downgrades=False,
    ),
    Project(
        name="zou",
        version="1.0.97",
        source="PyPI zou 1.0.97 (CGWire Kitsu's API)",
        license="AGPL-3.0-or-later (installed from PyPI at test time, not vendored)",
        shapes=(
            "Flask-Migrate: an ini without script_location, env.py reading current_app; the application found in "
            "the package the migrations ship in (no FLASK_APP)",
            "settings from DB_* parts, psycopg 3 under SQLAlchemy 2.0",
            "a squashed base revision and a merge revision",
            "revisions that import the application",
        ),
        requirements=("zou==1.0.97",),
        migrations="{site}/zou/migrations/alembic.ini",
        script_folder="{site}/zou/migrations",
        app_env={
            "DB_HOST": "{app_host}",
            "DB_PORT": "{app_port}",
            "DB_DATABASE": "{app_db}",
            "DB_USERNAME": "{app_user}",
            "DB_PASSWORD": "{app_password}",
            "SECRET_KEY": "compat-corpus-not-a-secret",  # its revisions import the app, which refuses the default key
            # Its app keeps settings in Redis (database 4 on localhost:6379 by default): the machine's own here.
        },
        seed="""INSERT INTO department (id, name, color)
                VALUES ('6f1b3c1e-0000-4000-8000-000000000001', 'compat', '#000000')""",
        unseed="DELETE FROM department WHERE name = 'compat'",
        seed_check="SELECT count(*) FROM department WHERE name = 'compat'",
    ),
]
