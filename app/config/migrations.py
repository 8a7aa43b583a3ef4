"""The application's Alembic project and how its runs are bounded."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from ..services import dburl
from .parts import parse_env_mapping


class Migrations(BaseModel):
    """The application's Alembic project and how its runs are bounded."""

    migrations: Path | None = Field(None, description="The application's alembic.ini or Alembic script directory.")
    migrations_env: str = Field(
        "DATABASE_URL={url}",
        description="Environment variables env.py is started with, NAME={part} comma-separated; parts: url, sqlalchemy_url, host, port, database, user, password of the branch (e.g. DATABASE_URL={url},POSTGRES_SERVER={host},POSTGRES_DB={database}).",
    )
    migrations_driver: str | None = Field(
        None,
        description="SQLAlchemy driver env.py's engine is made with (psycopg2, psycopg, asyncpg, pg8000, ...). "
        "Default: the one the branch URLs name (postgresql+psycopg2://...), else the one alembic.ini's sqlalchemy.url "
        "names, else SQLAlchemy's own default (psycopg2 when installed, psycopg otherwise).",
    )
    migrations_python: Path | None = Field(
        None,
        description="The Python that runs env.py (the application's, with its Alembic, SQLAlchemy and driver). "
        "Default: the active virtualenv (VIRTUAL_ENV), else a .venv or venv in the project's folder or above it, "
        "else the Python running dbadmin.",
    )
    migrations_path: str = Field(
        "",
        description="Folders put on env.py's sys.path (PYTHONPATH), separated by ':'; relative ones from the folder of alembic.ini.",
    )
    migration_statement_timeout: float = Field(
        600.0, ge=0, le=86400, description="Seconds one migration statement may run (0: no limit)."
    )
    migration_lock_timeout: float = Field(
        10.0, ge=0, le=3600, description="Seconds a migration waits for a table lock before giving up (0: no limit)."
    )
    auto_checkpoint_dev: bool = Field(
        False, description="Also take a checkpoint before Dev migrations (always on Prod)."
    )

    @field_validator("migrations")
    @classmethod
    def _migrations_exist(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.is_file() or (value.is_dir() and ((value / "alembic.ini").is_file() or (value / "env.py").is_file())):
            return value
        raise ValueError("must be an alembic.ini file or a directory holding alembic.ini or env.py")

    @field_validator("migrations_driver")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if value not in dburl.DRIVERS:
            raise ValueError(f"unknown PostgreSQL driver {value[:30]!r} (known: {', '.join(sorted(dburl.DRIVERS))})")
        return value

    @field_validator("migrations_env")
    @classmethod
    def _env_mapping(cls, value: str) -> str:
        parse_env_mapping(value)  # raises ValueError naming the bad item
        return value
