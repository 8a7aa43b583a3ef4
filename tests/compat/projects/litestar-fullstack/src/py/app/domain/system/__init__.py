"""System domain - health checks, configuration, background jobs."""

from app.domain.system import controllers, jobs, schemas

__all__ = (
    "controllers",
    "jobs",
    "schemas",
)
