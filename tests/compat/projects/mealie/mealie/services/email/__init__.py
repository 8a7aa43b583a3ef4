from .email_service import EmailService, EmailTemplate

__all__ = [
    "EmailService",
    "EmailTemplate",
]
