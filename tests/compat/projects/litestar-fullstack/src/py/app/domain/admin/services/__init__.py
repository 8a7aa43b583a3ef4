"""Admin domain services."""

from app.domain.admin.services._audit import AuditLogService

__all__ = ("AuditLogService",)
