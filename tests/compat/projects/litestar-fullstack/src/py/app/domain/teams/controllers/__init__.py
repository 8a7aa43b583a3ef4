"""Team domain controllers."""

from app.domain.teams.controllers._team import TeamController
from app.domain.teams.controllers._team_invitation import TeamInvitationController
from app.domain.teams.controllers._team_member import TeamMemberController

__all__ = (
    "TeamController",
    "TeamInvitationController",
    "TeamMemberController",
)
