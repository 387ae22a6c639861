"""Every table, imported in one place so metadata is complete for Alembic and tests."""

from app.auth.models import AccountLink, ApiToken, BrowserSession, SignInFailure, User
from app.badges.models import IssuerKey
from app.cohorts.models import Cohort, CohortGroup, Membership
from app.dashboards.models import ReminderSent
from app.forum.models import (
    ForumDigest,
    ForumModeration,
    ForumPost,
    ForumRead,
    ForumSubscription,
    ForumTopic,
)
from app.mail.models import OutboxMail
from app.pitches.models import (
    Ballot,
    BallotChoice,
    Pilot,
    PilotUpdate,
    PitchVersion,
    Voting,
    VotingChange,
)
from app.posts.models import Comment, Post
from app.programs.models import Badge, BadgeImage, Program, Theme, Thing
from app.progress.models import ApprovalDecision, Award, Completion
from app.publishing.models import Revision, RevisionProgram

__all__ = [
    "AccountLink",
    "ApiToken",
    "ApprovalDecision",
    "Award",
    "Badge",
    "BadgeImage",
    "Ballot",
    "BallotChoice",
    "BrowserSession",
    "Cohort",
    "CohortGroup",
    "Comment",
    "Completion",
    "ForumDigest",
    "ForumModeration",
    "ForumPost",
    "ForumRead",
    "ForumSubscription",
    "ForumTopic",
    "IssuerKey",
    "Membership",
    "OutboxMail",
    "Pilot",
    "PilotUpdate",
    "PitchVersion",
    "Post",
    "Program",
    "ReminderSent",
    "Revision",
    "RevisionProgram",
    "SignInFailure",
    "Theme",
    "Thing",
    "User",
    "Voting",
    "VotingChange",
]
