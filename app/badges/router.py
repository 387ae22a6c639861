"""Badges in the browser: a participant's badges page and credential downloads, each badge's
picture, the issuer's DID document, and the page anyone with a credential's link may check it
on."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.badges import credentials
from app.badges import service as badges_service
from app.badges.deps import FontDep, IssuerDep
from app.cohorts.deps import CohortMember
from app.deps import SessionDep
from app.templating import render

router = APIRouter()


def _json(document: dict[str, Any], *, download: str | None = None,
          media_type: str = "application/ld+json") -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else {}
    return Response(json.dumps(document, indent=2, ensure_ascii=False), media_type=media_type,
                    headers=headers)


@router.get("/c/{cohort}/badges")
def badges_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    return render(request, "badges/badges.html", {
        "user": member.user, "member": member, "cohort": member.cohort,
        "cards": badges_service.cards(db, member=member)})


@router.get("/c/{cohort}/badges/{badge}/credential.json")
def badge_credential(badge: str, member: CohortMember, db: SessionDep,
                     issuer: IssuerDep) -> Response:
    """The caller's badge as a signed OpenBadgeCredential, to keep or put in a wallet."""
    earned = credentials.mine(db, member=member, badge_key=badge)
    return _json(credentials.signed(db, earned, issuer=issuer),
                 download=f"{member.program.key}-{badge}.json")


@router.get("/c/{cohort}/badges/{badge}/credential.jwt")
def badge_credential_jwt(badge: str, member: CohortMember, db: SessionDep,
                         issuer: IssuerDep) -> Response:
    """The same credential as a VC-JWT (RS256), for wallets and verifiers that take JWTs."""
    earned = credentials.mine(db, member=member, badge_key=badge)
    return Response(credentials.as_jwt(db, earned, issuer=issuer), media_type="application/jwt",
                    headers={"Content-Disposition":
                             f'attachment; filename="{member.program.key}-{badge}.jwt"'})


@router.get("/c/{cohort}/badges/{badge}/certificate.pdf")
def badge_certificate(badge: str, member: CohortMember, db: SessionDep, issuer: IssuerDep,
                      font: FontDep) -> Response:
    """The caller's certificate for a badge: one page to print, with the address and QR code
    anyone can check it by."""
    earned = credentials.mine(db, member=member, badge_key=badge)
    return Response(credentials.certificate(db, earned, issuer=issuer, font=font),
                    media_type="application/pdf", headers={
                        "Content-Disposition":
                            f'attachment; filename="{member.program.key}-{badge}-certificate.pdf"'})


@router.get("/badges/{program}/{badge}.{suffix}")
def badge_image(program: str, badge: str, suffix: str, db: SessionDep) -> Response:
    """Public: a credential names it, and anyone who checks a credential may look at it."""
    media_type, data = badges_service.image(db, program_key=program, badge_key=badge,
                                            suffix=suffix)
    return Response(data, media_type=media_type, headers={
        "Cache-Control": "public, max-age=86400",
        # a picture, never a page: nothing in it runs, whatever a name or a file holds
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"})


@router.get("/.well-known/did.json")
# where did:web looks when TING_BASE_URL has a path (did:web:host:path -> /path/did.json), with
# a proxy passing the path on without its prefix
@router.get("/did.json", name="did_document_below_a_path")
def did_document(db: SessionDep, issuer: IssuerDep) -> Response:
    """The issuer's keys (did:web), for anyone who checks a credential."""
    return _json(credentials.did_document(db, issuer=issuer),
                 media_type="application/did+ld+json")


@router.get("/issuer")
def issuer_profile(issuer: IssuerDep) -> Response:
    """The issuer's public profile (JSON-LD), at an https address beside its did:web."""
    return _json(credentials.profile(issuer=issuer))


@router.get("/credentials/status/revocation")
def revocation_list(db: SessionDep, issuer: IssuerDep) -> Response:
    """The issuer's revocation list, which every credential's `credentialStatus` points to."""
    response = _json(credentials.status_list(db, issuer=issuer))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@router.get("/credentials/{public_id}.json")
def credential_json(public_id: str, db: SessionDep, issuer: IssuerDep) -> Response:
    earned = credentials.by_public_id(db, public_id=public_id)
    return _json(credentials.signed(db, earned, issuer=issuer))


@router.get("/credentials/{public_id}")
def credential_page(request: Request, public_id: str, db: SessionDep) -> Response:
    """Whether a credential is valid, by whom, for what, and whether it was revoked: for
    anyone with its link (the address printed on the certificate)."""
    earned = credentials.by_public_id(db, public_id=public_id)
    return render(request, "badges/credential.html",
                  {"earned": earned, "verdict": credentials.standing(earned)})
