"""The final session on the projector: each group's pitch in turn, then the way to the ballot
(a QR code and the short link) with the turnout; results only once the trainer has counted."""

from __future__ import annotations

from dataclasses import dataclass

import segno
import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.cohorts.models import CohortGroup, Member
from app.i18n import _
from app.pitches import voting
from app.pitches.models import PitchVersion


@dataclass(frozen=True)
class Slide:
    group: CohortGroup
    pitch: PitchVersion | None


@dataclass(frozen=True)
class Presentation:
    slides: list[Slide]
    index: int  # the slide shown; len(slides) is the vote's own slide
    vote: voting.VotingView

    @property
    def on_vote(self) -> bool:
        return self.index >= len(self.slides)

    @property
    def slide(self) -> Slide | None:
        return None if self.on_vote else self.slides[self.index]


def presentation(session: Session, *, member: Member, index: int = 0) -> Presentation:
    """For the cohort's trainers: three queries for the pitches, and the vote's own."""
    voting.require_runner(member)
    vote = voting.voting_view(session, member=member)
    groups = voting.cohort_groups(session, member)
    later = aliased(PitchVersion)
    newest = (sa.select(sa.func.max(later.number))
              .where(col(later.group_id) == col(PitchVersion.group_id)).scalar_subquery())
    pitches = {p.group_id: p for p in session.exec(
        select(PitchVersion).join(CohortGroup, col(CohortGroup.id) == col(PitchVersion.group_id))
        .where(col(CohortGroup.cohort_id) == member.cohort.id, col(PitchVersion.number) == newest))}
    slides = [Slide(group=g, pitch=pitches.get(g.id or 0)) for g in groups]
    return Presentation(slides=slides, index=min(max(index, 0), len(slides)), vote=vote)


def qr_code(url: str) -> Markup:
    """The address as an inline SVG QR code: one path, no script or style (the CSP allows
    neither); coloured from the style sheet."""
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=6, border=2, svgclass="qr", lineclass="qr-dark", omitsize=True,
        title=_("QR code for {url}").format(url=url))
    return Markup(svg)
