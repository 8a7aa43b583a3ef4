"""Scheduled checkpoints: when, what is kept, and the scheduler that runs them."""

from __future__ import annotations


from pydantic import BaseModel, Field


class Schedules(BaseModel):
    """Scheduled checkpoints: when, what is kept, and the scheduler that runs them."""

    dev_schedule: str | None = Field(
        None,
        description="Dev's checkpoint schedule, crontab lines in UTC separated by ';' (0 3 * * *; 0 9-17 * * 1-5). Set here, the console shows it but cannot change it.",
    )
    prod_schedule: str | None = Field(
        None,
        description="Prod's checkpoint schedule, crontab lines in UTC separated by ';' (0 3 * * *). Set here, the console shows it but cannot change it.",
    )
    dev_schedule_keep: str = Field(
        "daily=7 weekly=4",
        description="Which of Dev's scheduled checkpoints to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d (the newest good one always stays).",
    )
    prod_schedule_keep: str = Field(
        "daily=7 weekly=4",
        description="Which of Prod's scheduled checkpoints to keep: last=N hourly=N daily=N weekly=N monthly=N within=7d (the newest good one always stays).",
    )
    scheduler: bool = Field(
        True,
        description="Run the checkpoint schedules in this process (several may: each scheduled checkpoint is taken once, through the control store).",
    )
    schedule_lease_seconds: float = Field(
        60,
        ge=1,
        le=3600,
        description="A scheduled checkpoint whose process stops renewing its claim for this long is taken over by another.",
    )
    schedule_grace_minutes: float = Field(
        30,
        gt=0,
        le=1440,
        description="A scheduled checkpoint not started this many minutes after its time is recorded as missed.",
    )
