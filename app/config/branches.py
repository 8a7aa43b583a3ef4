"""The two branches and the control store: where they are and how dbadmin connects."""

from __future__ import annotations


from pydantic import BaseModel, Field, SecretStr

from .parts import PRIVATE, SslMode


class Branches(BaseModel):
    """The two branches and the control store: where they are and how dbadmin connects."""

    dev_database_url: SecretStr | None = Field(
        None, json_schema_extra=PRIVATE, description="Development branch database."
    )
    prod_database_url: SecretStr | None = Field(
        None, json_schema_extra=PRIVATE, description="Production branch database."
    )
    admin_database_url: SecretStr | None = Field(
        None,
        json_schema_extra=PRIVATE,
        description="dbadmin's control store: audit log, checkpoint catalog, migration runs.",
    )
    db_ssl: SslMode | None = Field(None, description="libpq sslmode for every connection that does not set its own.")
    pool_max_size: int = Field(5, ge=1, le=100, description="Connections per branch pool at most.")
    pool_timeout: float = Field(
        5.0, gt=0, le=120, description="Seconds to wait for a connection before a branch counts as unavailable."
    )
    statement_timeout: float = Field(
        15.0, gt=0, le=3600, description="Seconds a read query may run before it is cancelled."
    )
    listing_cache_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="Seconds a branch's table listing is reused before the catalog is read again (0: not kept, every page waits for a catalog read); dbadmin's own changes refresh it at once.",
    )
