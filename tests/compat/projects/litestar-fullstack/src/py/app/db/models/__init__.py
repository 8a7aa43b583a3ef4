from app.db.models._audit_log import AuditLog
from app.db.models._email_verification_token import EmailVerificationToken
from app.db.models._oauth_account import UserOAuthAccount
from app.db.models._password_reset_token import PasswordResetToken
from app.db.models._refresh_token import RefreshToken
from app.db.models._role import Role
from app.db.models._tag import Tag
from app.db.models._team import Team
from app.db.models._team_invitation import TeamInvitation
from app.db.models._team_member import TeamMember
from app.db.models._team_roles import TeamRoles
from app.db.models._team_tag import team_tag
from app.db.models._user import User
from app.db.models._user_role import UserRole

__all__ = (
    "AuditLog",
    "EmailVerificationToken",
    "PasswordResetToken",
    "RefreshToken",
    "Role",
    "Tag",
    "Team",
    "TeamInvitation",
    "TeamMember",
    "TeamRoles",
    "User",
    "UserOAuthAccount",
    "UserRole",
    "team_tag",
)
