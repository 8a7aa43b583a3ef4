"""Teams domain services."""

from app.domain.teams.services._team import TeamService
from app.domain.teams.services._team_invitation import TeamInvitationService
from app.domain.teams.services._team_member import TeamMemberService

__all__ = (
    "TeamInvitationService",
    "TeamMemberService",
    "TeamService",
)
