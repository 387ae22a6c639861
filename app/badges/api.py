"""Badges through the API: check a credential against this issuer's keys and records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from app.badges import credentials
from app.badges.deps import IssuerDep
from app.deps import SessionDep
from app.schemas import STORABLE_OBJECT

router = APIRouter(tags=["badges"])


class VerificationOut(BaseModel):
    valid: bool
    reason: str = Field(description="Why it is not valid, or what it is.")
    revoked: bool
    achievement: str | None = Field(description="The badge's name, when this server issued it.")
    issuer: str | None = Field(description="The library that issued it.")


@router.post("/credentials/verify", response_model=VerificationOut, openapi_extra={
    "security": [],  # anyone may check a credential
    "requestBody": {"required": True, "content": {"application/json": {"schema": STORABLE_OBJECT}}},
})
def verify_credential(db: SessionDep, issuer: IssuerDep,
                      credential: Annotated[dict[str, Any], Body(
                          description="An OpenBadgeCredential with its proof, as downloaded.")],
                      ) -> VerificationOut:
    """Whether a credential was issued by this server, is unchanged (its eddsa-rdfc-2022
    proof holds against the issuer's published keys), current, and not revoked. Anyone may
    ask; the answer is 200 either way, with the reason."""
    verdict = credentials.verify(db, credential, issuer=issuer)
    earned = verdict.earned
    return VerificationOut(
        valid=verdict.valid, reason=verdict.reason,
        revoked=bool(earned and earned.award.revoked_at),
        achievement=earned.badge.default_name if earned else None,
        issuer=credentials.library_of(earned.cohort) if earned else None)
