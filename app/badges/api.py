"""Badges through the API: a participant's badges and their credentials, a trainer's withdrawal,
and a check of any credential against this issuer's keys and records."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field

from app.badges import credentials
from app.badges import service as badges_service
from app.badges.deps import IssuerDep
from app.cohorts.deps import CohortMember
from app.deps import RowId, SessionDep
from app.schemas import SOME_TEXT, STORABLE_ANY, Input, problems

router = APIRouter(tags=["badges"])


class VerificationOut(BaseModel):
    valid: bool
    reason: str = Field(description="Why it is not valid, or what it is.")
    revoked: bool
    achievement: str | None = Field(description="The badge's name, when this server issued it.")
    issuer: str | None = Field(description="The library that issued it.")


@router.post("/credentials/verify", response_model=VerificationOut, openapi_extra={
    "security": [],  # anyone may check a credential
    # any JSON: a credential is an object, its VC-JWT a string; anything else is not valid
    "requestBody": {"required": True, "content": {"application/json": {"schema": STORABLE_ANY}}},
})
def verify_credential(db: SessionDep, issuer: IssuerDep,
                      credential: Annotated[Any, Body(
                          description="An OpenBadgeCredential with its proof, as downloaded, "
                                      "or its VC-JWT as a JSON string.")] = None,
                      ) -> VerificationOut:
    """Whether a credential was issued by this server, is unchanged (its eddsa-rdfc-2022
    proof, or its VC-JWT's RS256 signature, holds against the issuer's published keys),
    current, and not revoked. Anyone may ask; the answer is 200 either way, with the reason."""
    verdict = credentials.verify(db, credential, issuer=issuer)
    earned = verdict.earned
    return VerificationOut(
        valid=verdict.valid, reason=verdict.reason,
        revoked=bool(earned and earned.award.revoked_at),
        achievement=earned.badge.default_name if earned else None,
        issuer=earned.library if earned else None)


class BadgeOut(BaseModel):
    key: str
    name: str
    description: str
    hours: float | None
    have: int | None = Field(description="Of `need`, how many are done (participants only).")
    need: int | None
    awarded_at: datetime | None
    revoked: bool
    credential: str | None = Field(description="Where the signed credential is, once earned.")


@router.get("/cohorts/{cohort}/badges", response_model=list[BadgeOut], responses=problems(404))
def list_badges(request: Request, member: CohortMember, db: SessionDep) -> list[BadgeOut]:
    """The programme's badges; a participant's with their progress and awards."""
    found = []
    for card in badges_service.cards(db, member=member):
        progress = card.progress
        earned = bool(progress and progress.awarded_at)
        found.append(BadgeOut(
            key=card.badge.key, name=card.badge.name, description=card.badge.description,
            hours=card.hours, have=progress.have if progress else None,
            need=progress.need if progress else None,
            awarded_at=progress.awarded_at if progress else None,
            revoked=bool(progress and progress.revoked),
            credential=str(request.url_for("badge_credential_api", cohort=member.cohort.key,
                                           badge=card.badge.key)) if earned else None))
    return found


class CredentialFormat(StrEnum):
    json_ld = "json-ld"
    jwt = "jwt"


@router.get("/cohorts/{cohort}/badges/{badge}/credential",
            responses={**problems(404), 200: {
                "description": "The signed OpenBadgeCredential: JSON-LD with an embedded proof, "
                               "or with `format=jwt` a VC-JWT (RS256).",
                "content": {"application/ld+json": {"schema": {"type": "object"}},
                            "application/jwt": {"schema": {"type": "string"}}}}})
def badge_credential_api(badge: str, member: CohortMember, db: SessionDep, issuer: IssuerDep,
                         format: CredentialFormat = CredentialFormat.json_ld) -> Response:
    """The caller's badge as a signed OpenBadgeCredential (404 until earned)."""
    earned = credentials.mine(db, member=member, badge_key=badge)
    if format == CredentialFormat.jwt:
        return Response(credentials.as_jwt(db, earned, issuer=issuer),
                        media_type="application/jwt")
    return Response(json.dumps(credentials.signed(db, earned, issuer=issuer), ensure_ascii=False),
                    media_type="application/ld+json")


class RevocationIn(Input):
    reason: str = Field(min_length=1, max_length=badges_service.REASON_CHARS, pattern=SOME_TEXT,
                        description="Why the badge is withdrawn; the participant reads it.")


class RevocationOut(BaseModel):
    badge: str
    revoked_at: datetime
    reason: str


@router.post("/cohorts/{cohort}/participants/{membership_id}/badges/{badge}/revocation",
             response_model=RevocationOut, responses=problems(403, 404, 409))
def badge_revocation(membership_id: RowId, badge: str, body: RevocationIn, member: CohortMember,
                     db: SessionDep) -> RevocationOut:
    """A trainer withdraws a participant's badge (409 if it was withdrawn already); the
    participant is told by mail, and the credential fails every check from now on."""
    award = badges_service.revoke(db, member=member, membership_id=membership_id,
                                  badge_key=badge, reason=body.reason)
    assert award.revoked_at is not None and award.revoked_reason is not None
    return RevocationOut(badge=badge, revoked_at=award.revoked_at, reason=award.revoked_reason)
