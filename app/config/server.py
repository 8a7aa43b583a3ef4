"""Where the console listens and where the embedded PostgreSQL keeps its data."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from .parts import env_alias


class Server(BaseModel):
    """Where the console listens and where the embedded PostgreSQL keeps its data."""

    host: str = Field(
        "127.0.0.1", validation_alias=env_alias("DBADMIN_HOST"), description="Address the console listens on."
    )
    port: int = Field(
        8080, ge=1, le=65535, validation_alias=env_alias("DBADMIN_PORT"), description="Port the console listens on."
    )
    data_dir: Path = Field(
        Path(".dbadmin"),
        validation_alias=env_alias("DBADMIN_DATA_DIR"),
        description="Embedded server data and local state.",
    )
    embedded_postgres_version: Literal[16, 18] = Field(18, description="Major version of the embedded PostgreSQL.")
