"""Badges in the browser: a participant's badges page, and each badge's picture."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.badges import service as badges_service
from app.cohorts.deps import CohortMember
from app.deps import SessionDep
from app.templating import render

router = APIRouter()


@router.get("/c/{cohort}/badges")
def badges_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    return render(request, "badges/badges.html", {
        "user": member.user, "member": member, "cohort": member.cohort,
        "cards": badges_service.cards(db, member=member)})


@router.get("/badges/{program}/{badge}.svg")
def badge_image(program: str, badge: str, db: SessionDep) -> Response:
    """Public: a credential names it, and anyone who checks a credential may look at it."""
    svg = badges_service.image(db, program_key=program, badge_key=badge)
    return Response(svg, media_type="image/svg+xml", headers={
        "Cache-Control": "public, max-age=86400",
        # a picture, never a page: nothing in it runs, whatever a name holds
        "Content-Security-Policy": "default-src 'none'; sandbox"})
