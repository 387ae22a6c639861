"""Every table, imported in one place so metadata is complete for Alembic and tests."""

from app.auth.models import ApiToken, User
from app.cohorts.models import Cohort, CohortGroup, Membership
from app.posts.models import Post
from app.programs.models import Program, Theme, Thing
from app.progress.models import Completion

__all__ = [
    "ApiToken",
    "Cohort",
    "CohortGroup",
    "Completion",
    "Membership",
    "Post",
    "Program",
    "Theme",
    "Thing",
    "User",
]
