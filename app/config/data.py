"""Read-only access to the branches' data: the readers, the limits, Production's masking."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr


class DataAccess(BaseModel):
    """Read-only access to the branches' data: the readers, the limits, Production's masking."""

    dev_reader_url: SecretStr | None = Field(
        None, description="A login that cannot write, for read-only SQL on Dev (else dbadmin manages one when it may)."
    )
    prod_reader_url: SecretStr | None = Field(
        None, description="A login that cannot write, for read-only SQL on Prod (else dbadmin manages one when it may)."
    )
    sql_row_limit: int = Field(1000, ge=1, le=100_000, description="Rows one read-only query returns at most.")
    sql_byte_limit: int = Field(
        8 * 2**20, ge=1024, le=256 * 2**20, description="Bytes of values one read-only query returns at most."
    )
    sql_max_length: int = Field(100_000, ge=100, le=1_000_000, description="Characters of one read-only query.")
    export_row_limit: int = Field(
        1_000_000, ge=1, le=100_000_000, description="Rows one CSV export of the Rows view streams at most."
    )
    export_formula_guard: bool = Field(
        True,
        description="CSV exports write a text cell that starts with =, +, -, @, a tab or a carriage return with a "
        "leading ' so that a spreadsheet opens it as text, not as a formula; off for exports read by programs.",
    )
    export_stall_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Seconds a CSV download may take no data before it is cancelled and its export slot freed.",
    )
    export_timeout: float = Field(
        600.0, gt=0, le=86400, description="Seconds one CSV export may stream before it is cancelled."
    )
    data_access_prod: Literal["admin", "viewer", "off"] = Field(
        "admin", description="Who may run read-only SQL on Prod: admins, viewers too, or nobody."
    )
    audited_read_rate_limit: int = Field(
        120,
        ge=1,
        le=100_000,
        description="Audited reads (every read of Prod's data) one person or token may make per minute; "
        "each is an audit row.",
    )
    audit_dev_queries: bool = Field(False, description="Also write an audit row for every read-only query on Dev.")
    masked_columns: str = Field(
        "password,passwd,secret,token,api_key,apikey,ssn,email,phone,iban,card_number",
        description="Comma-separated parts of column names that are sensitive: Prod's reader may not select them.",
    )
