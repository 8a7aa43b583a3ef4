"""Accounts domain services."""

from app.domain.accounts.services._email_verification import EmailVerificationTokenService
from app.domain.accounts.services._password_reset import PasswordResetService
from app.domain.accounts.services._refresh_token import RefreshTokenService
from app.domain.accounts.services._role import RoleService
from app.domain.accounts.services._user import UserService
from app.domain.accounts.services._user_oauth_account import UserOAuthAccountService
from app.domain.accounts.services._user_role import UserRoleService

__all__ = (
    "EmailVerificationTokenService",
    "PasswordResetService",
    "RefreshTokenService",
    "RoleService",
    "UserOAuthAccountService",
    "UserRoleService",
    "UserService",
)
