"""A group's pitch in the browser: read it, write it (the group's members, until it is due),
and look back at any saved version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth.deps import CurrentUser
from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.db import discard_writes
from app.deps import RowId, SessionDep, form_row_id
from app.errors import DomainError
from app.i18n import _
from app.pitches import pilots, presenter, voting
from app.pitches import service as pitches_service
from app.pitches.models import PilotStatus, VotingState
from app.security import flash
from app.templating import absolute_url, render

router = APIRouter()

TextField = Annotated[str, Form()]


def _pitch_page(request: Request, db: Session, member: Member, group: str, *,
                form: dict[str, str] | None = None, status_code: int = 200,
                error: str | None = None, error_field: str | None = None) -> Response:
    view = pitches_service.pitch_view(db, member=member, key=group)
    current = view.current
    shown = form or {name: (getattr(current, name) or "") if current else ""
                     for name in pitches_service.FIELDS}
    return render(request, "pitches/pitch.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "view": view,
        "form": shown, "error": error, "error_field": error_field}, status_code=status_code)


@router.get("/c/{cohort}/groups/{group}/pitch")
def pitch_page(request: Request, group: str, member: CohortMember, db: SessionDep) -> Response:
    return _pitch_page(request, db, member, group)


@router.post("/c/{cohort}/groups/{group}/pitch")
def pitch_form(request: Request, group: str, member: CohortMember, db: SessionDep,
               title: TextField = "", summary: TextField = "", plan: TextField = "",
               slides_url: TextField = "") -> Response:
    typed = {"title": title, "summary": summary, "plan": plan, "slides_url": slides_url}
    try:
        pitches_service.save_pitch(db, member=member, key=group, title=title, summary=summary,
                                   plan=plan, slides_url=slides_url)
    except DomainError as exc:
        return _pitch_page(request, db, member, group, form=typed, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field)
    flash(request, _("The pitch is saved; earlier versions are kept."))
    return RedirectResponse(request.app.url_path_for("pitch_page", cohort=member.cohort.key,
                                                     group=group), status_code=303)


@router.get("/c/{cohort}/groups/{group}/pitch/versions/{number}")
def pitch_version_page(request: Request, group: str, number: RowId, member: CohortMember,
                       db: SessionDep) -> Response:
    version, author = pitches_service.version_of(db, member=member, key=group, number=number)
    return render(request, "pitches/version.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "group": group,
        "version": version, "author": author})


def _vote_page(request: Request, db: Session, member: Member, *, status_code: int = 200,
               error: str | None = None, chosen: list[str] | None = None) -> Response:
    view = voting.voting_view(db, member=member)
    return render(request, "pitches/vote.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "view": view,
        "chosen": chosen if chosen is not None else (view.my_choices or []), "error": error,
        "states": VotingState, "state_label": voting.state_label(view.state)},
        status_code=status_code)


@router.get("/c/{cohort}/vote")
def vote_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    """The ballot (participants), turnout, and the results once the caller may see them; the
    trainers run the vote from here too."""
    return _vote_page(request, db, member)


@router.post("/c/{cohort}/vote")
def vote_form(request: Request, member: CohortMember, db: SessionDep,
              groups: Annotated[list[str], Form()] = []) -> Response:  # noqa: B006
    try:
        voting.cast_ballot(db, member=member, group_keys=groups)
    except DomainError as exc:
        discard_writes(db)  # the ballot is claimed before the vote's state is read: undo that
        return _vote_page(request, db, member, status_code=exc.status_code, error=exc.detail,
                          chosen=groups)
    flash(request, _("Your ballot is recorded. You may change it while voting is open."))
    return RedirectResponse(request.app.url_path_for("vote_page", cohort=member.cohort.key),
                            status_code=303)


@router.post("/c/{cohort}/voting")
def voting_form(request: Request, member: CohortMember, db: SessionDep,
                state: TextField = "", minutes: TextField = "") -> Response:
    """A trainer moves the vote on; `minutes` with opening starts a countdown."""
    voting.require_runner(member)
    try:
        chosen = VotingState(state)
    except ValueError:
        return _vote_page(request, db, member, status_code=422,
                          error=_("Choose what the vote should become."))
    closes_at = None
    if minutes.strip():
        count = form_row_id(minutes)
        if not count or count > 24 * 60:
            return _vote_page(request, db, member, status_code=422,
                              error=_("A countdown is a number of minutes, from 1 to 1440."))
        closes_at = datetime.now(UTC) + timedelta(minutes=count)
    try:
        voting.set_state(db, member=member, state=chosen, closes_at=closes_at)
    except DomainError as exc:
        return _vote_page(request, db, member, status_code=exc.status_code, error=exc.detail)
    flash(request, _("The vote is {state} now.").format(state=voting.state_label(chosen)))
    return RedirectResponse(request.app.url_path_for("vote_page", cohort=member.cohort.key),
                            status_code=303)


@router.post("/c/{cohort}/voting/winner")
def winner_form(request: Request, member: CohortMember, db: SessionDep, group: TextField = "",
                reason: TextField = "") -> Response:
    """A trainer settles a tie, with the reason kept."""
    try:
        voting.choose_winner(db, member=member, key=group, reason=reason)
    except DomainError as exc:
        return _vote_page(request, db, member, status_code=exc.status_code, error=exc.detail)
    flash(request, _("The winner is chosen; the reason is kept with the result."))
    return RedirectResponse(request.app.url_path_for("vote_page", cohort=member.cohort.key),
                            status_code=303)


@router.get("/c/{cohort}/present")
def present_page(request: Request, member: CohortMember, db: SessionDep,
                 slide: Annotated[int, Query(ge=0, le=1000)] = 0) -> Response:
    """The projector: the pitches one by one, then the QR code to the ballot and the turnout
    (which updates itself; a reload does the same without script)."""
    shown = presenter.presentation(db, member=member, index=slide)
    ballot_url = absolute_url(request, "vote_page", cohort=member.cohort.key)
    return render(request, "pitches/present.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "show": shown,
        "ballot_url": ballot_url, "qr": presenter.qr_code(ballot_url) if shown.on_vote else None})


@router.get("/c/{cohort}/present/turnout")
def turnout_fragment(request: Request, member: CohortMember, db: SessionDep) -> Response:
    shown = presenter.presentation(db, member=member)
    return render(request, "pitches/_turnout.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "vote": shown.vote})


def _pilot_page(request: Request, db: Session, member: Member, group: str, *,
                status_code: int = 200, error: str | None = None, error_field: str | None = None,
                typed: str = "") -> Response:
    view = pilots.pilot_view(db, member=member, key=group)
    return render(request, "pitches/pilot.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "view": view,
        "status_label": pilots.status_label, "error": error, "error_field": error_field,
        "typed": typed}, status_code=status_code)


@router.get("/c/{cohort}/groups/{group}/pilot")
def pilot_page(request: Request, group: str, member: CohortMember, db: SessionDep) -> Response:
    return _pilot_page(request, db, member, group)


@router.post("/c/{cohort}/groups/{group}/pilot")
def approve_pilot_form(request: Request, group: str, member: CohortMember, db: SessionDep,
                       resources: TextField = "") -> Response:
    """A manager approves a winning idea as a pilot."""
    try:
        pilots.approve(db, member=member, key=group, resources=resources)
    except DomainError as exc:
        return _pilot_page(request, db, member, group, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field, typed=resources)
    flash(request, _("The pilot is approved."))
    return RedirectResponse(request.app.url_path_for("pilot_page", cohort=member.cohort.key,
                                                     group=group), status_code=303)


@router.post("/c/{cohort}/groups/{group}/pilot/updates")
def pilot_update_form(request: Request, group: str, member: CohortMember, db: SessionDep,
                      body: TextField = "", status: TextField = "") -> Response:
    """The group notes how its pilot goes, and may move it on."""
    try:
        chosen = PilotStatus(status) if status else None
    except ValueError:
        chosen = None
    try:
        pilots.post_update(db, member=member, key=group, body=body, status=chosen)
    except DomainError as exc:
        return _pilot_page(request, db, member, group, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field, typed=body)
    flash(request, _("Your update is posted."))
    return RedirectResponse(request.app.url_path_for("pilot_page", cohort=member.cohort.key,
                                                     group=group), status_code=303)


@router.get("/pilots")
def pilots_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """Every pilot of the cohorts the caller manages."""
    rows = pilots.all_pilots(db, user=user, is_admin=user.is_admin)
    return render(request, "pitches/pilots.html", {
        "user": user, "rows": rows, "status_label": pilots.status_label})
