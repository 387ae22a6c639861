"""Open Badges 3.0 credentials: an award as an OpenBadgeCredential (VC Data Model 2.0), signed
by the issuer's newest key, and any credential checked against the issuer's keys and records.

The issuer is this Ting server, named by did:web (its DID document lists every key), and shown
as the cohort's library. The earner is named by a salted hash of their e-mail address: the
credential says nothing else about them.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from sqlmodel import Session, col, func, select

from app.auth.models import User
from app.badges import certificate as certificate_pdf
from app.badges import keys as issuer_keys
from app.badges import proof
from app.badges.service import hours_for
from app.cohorts.models import Cohort, Member, Membership
from app.errors import NotFound
from app.i18n import _
from app.programs import service as programs_service
from app.programs.models import Badge, BadgeFacts, BadgeRule, Program
from app.progress import awards
from app.progress.models import Award


@dataclass(frozen=True)
class Issuer:
    """Who issues: the server's address, and the keys the configuration names."""

    base_url: str
    key_file: Path | None

    @property
    def did(self) -> str:
        """did:web for the server's address: host (a port as %3A), then path segments."""
        parts = urlsplit(self.base_url)
        host = quote(parts.netloc, safe="")
        segments = [quote(s, safe="") for s in parts.path.split("/") if s]
        return ":".join(["did:web", host, *segments])

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def did_document(session: Session, *, issuer: Issuer) -> dict[str, Any]:
    """The DID document: every key, oldest first, as a Multikey that may assert credentials."""
    keys = issuer_keys.all_keys(session, key_file=issuer.key_file) or [
        issuer_keys.signing_key(session, key_file=issuer.key_file)]
    methods = [{"id": f"{issuer.did}#{k.multibase}", "type": "Multikey",
                "controller": issuer.did, "publicKeyMultibase": k.multibase} for k in keys]
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": issuer.did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


@dataclass(frozen=True)
class Earned:
    """An award with what its credential says."""

    award: Award
    badge: BadgeFacts
    program: Program
    cohort: Cohort
    email: str
    name: str
    hours: float | None

    @property
    def library(self) -> str:
        return library_of(self.cohort)


def _earned(session: Session, award: Award) -> Earned:
    membership = session.get(Membership, award.membership_id)
    badge_row = session.get(Badge, award.badge_id)
    assert membership is not None and badge_row is not None
    cohort = session.get(Cohort, membership.cohort_id)
    user = session.get(User, membership.user_id)
    program = session.get(Program, badge_row.program_id)
    assert cohort is not None and user is not None and program is not None
    curriculum = programs_service.curriculum(session, program=program)
    badge = BadgeFacts.of(badge_row)
    return Earned(award, badge, program, cohort, user.email, user.name,
                  hours_for(badge, curriculum))


def mine(session: Session, *, member: Member, badge_key: str) -> Earned:
    """The caller's own award of a badge of their cohort's programme (404 if not earned)."""
    award = session.exec(
        select(Award).join(Badge, col(Badge.id) == col(Award.badge_id))
        .where(Award.membership_id == member.membership.id, Badge.key == badge_key,
               Badge.program_id == member.program.id)).first()
    if award is None:
        raise NotFound(_("You have not earned this badge (yet)."))
    return _earned(session, award)


def by_public_id(session: Session, *, public_id: str) -> Earned:
    award = session.exec(select(Award).where(Award.public_id == public_id)).first()
    if award is None:
        raise NotFound(_("No credential with this address: check the link."))
    return _earned(session, award)


def library_of(cohort: Cohort) -> str:
    """The issuer's name as people know it: the cohort's (first) library."""
    return (cohort.organizations or [cohort.title])[0]


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def unsigned(earned: Earned, *, issuer: Issuer) -> dict[str, Any]:
    award, badge = earned.award, earned.badge
    identity = "sha256$" + hashlib.sha256((earned.email + award.salt).encode()).hexdigest()
    achievement: dict[str, Any] = {
        "id": issuer.url(f"/badges/{earned.program.key}/{badge.key}"),
        "type": ["Achievement"],
        "name": badge.default_name,
        "description": badge.default_description or badge.default_name,
        "criteria": {"narrative": _criteria_text(badge) or badge.default_name},
        "image": {"id": issuer.url(f"/badges/{earned.program.key}/{badge.key}.svg"),
                  "type": "Image"},
    }
    if earned.hours is not None:
        achievement["creditsAvailable"] = earned.hours
    return {
        "@context": proof.CONTEXT,
        "id": issuer.url(f"/credentials/{award.public_id}"),
        "credentialStatus": {  # its bit in the issuer's revocation list: the award's id
            "id": issuer.url(f"{STATUS_PATH}#{award.id}"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(award.id),
            "statusListCredential": issuer.url(STATUS_PATH)},
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": earned.library,
                   "url": issuer.base_url},
        "validFrom": _moment(award.awarded_at),
        "name": badge.default_name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": identity,
                            "identityType": "emailAddress", "hashed": True, "salt": award.salt}],
            "achievement": achievement,
        },
    }


def _criteria_text(badge: BadgeFacts) -> str:
    """Criteria as the credential's narrative: the Markdown's text, without tags."""
    html = badge.default_criteria_html
    return re.sub(r"\s+\n", "\n", re.sub(r"<[^>]+>", "", html)).strip()


STATUS_PATH = "/credentials/status/revocation"
STATUS_BITS = 131_072  # the least a list holds (16 KB), so that one bit says little of whom


def status_list(session: Session, *, issuer: Issuer, now: datetime | None = None) -> dict[str, Any]:
    """The issuer's revocation list (W3C Bitstring Status List): bit N, counted from the left,
    is set when award N was revoked; gzipped, base64url, signed like a credential."""
    highest = session.exec(select(func.max(Award.id))).one() or 0
    size = max(STATUS_BITS, -(-(highest + 1) // STATUS_BITS) * STATUS_BITS)
    bits = bytearray(size // 8)
    for award_id in session.exec(select(Award.id).where(col(Award.revoked_at).is_not(None))):
        if award_id is not None:
            bits[award_id // 8] |= 0x80 >> (award_id % 8)
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
    document = {
        "@context": [proof.VC_V2], "id": issuer.url(STATUS_PATH),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did, "validFrom": _moment(now or datetime.now(UTC)),
        "credentialSubject": {"id": issuer.url(f"{STATUS_PATH}#list"),
                              "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": "u" + encoded.decode()},
    }
    key = issuer_keys.signing_key(session, key_file=issuer.key_file)
    return proof.sign(document, key=key.key, verification_method=f"{issuer.did}#{key.multibase}")


def signed(session: Session, earned: Earned, *, issuer: Issuer) -> dict[str, Any]:
    key = issuer_keys.signing_key(session, key_file=issuer.key_file)
    return proof.sign(unsigned(earned, issuer=issuer), key=key.key,
                      verification_method=f"{issuer.did}#{key.multibase}")


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # why not, or what it is
    earned: Earned | None = None


def verify(session: Session, document: dict[str, Any], *, issuer: Issuer,
           now: datetime | None = None) -> Verdict:
    """Whether a credential is one this server issued, unchanged, current and not revoked."""
    now = now or datetime.now(UTC)
    issued_by = document.get("issuer")
    issuer_id = issued_by.get("id") if isinstance(issued_by, dict) else issued_by
    if issuer_id != issuer.did:
        return Verdict(False, _("It was not issued by this server ({did}).").format(did=issuer.did))
    published = {f"{issuer.did}#{k.multibase}": k.public
                 for k in issuer_keys.all_keys(session, key_file=issuer.key_file)}
    problem = proof.verify(document, published.get)
    if problem is not None:
        return Verdict(False, problem)
    for name, test, message in (
            ("validFrom", lambda t: t > now, _("It is not valid before {when}.")),
            ("validUntil", lambda t: t <= now, _("It expired on {when}."))):
        value = document.get(name)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return Verdict(False, _("Its {field} is not a date and time.").format(field=name))
        if moment.tzinfo is None or test(moment):
            return Verdict(False, message.format(when=value))
    public_id = str(document.get("id", "")).rsplit("/", 1)[-1]
    award = session.exec(select(Award).where(Award.public_id == public_id)).first()
    if award is None:
        return Verdict(False, _("This server has no record of it."))
    return standing(_earned(session, award))


def standing(earned: Earned) -> Verdict:
    """What the issuer's record says of an award: revoked, or valid."""
    award = earned.award
    if award.revoked_at is not None:
        return Verdict(False, _("It was revoked on {when}: {reason}").format(
            when=_moment(award.revoked_at), reason=award.revoked_reason or ""), earned)
    return Verdict(True, _("Valid: issued by {issuer} for “{badge}”.").format(
        issuer=earned.library, badge=earned.badge.default_name), earned)


def certificate(session: Session, earned: Earned, *, issuer: Issuer, font: Path | None) -> bytes:
    """The award's certificate (PDF), in the reader's language."""
    curriculum = programs_service.curriculum(session, program=earned.program)
    done = awards.counted_things(session, earned.award.membership_id)
    covered = [t for t in curriculum.things if t.id in done and (
        earned.badge.rule == BadgeRule.programme or t.theme_key == earned.badge.theme_key)]
    return certificate_pdf.render(certificate_pdf.CertificateText(
        name=earned.name, badge=earned.badge.name, program=earned.program.text("title"),
        cohort=earned.cohort.text("title"), library=earned.library,
        awarded_on=certificate_pdf.day_text(earned.award.awarded_at.date()),
        hours=earned.hours, things=[t.title for t in covered],
        signatory=earned.cohort.signatory, credential_id=earned.award.public_id,
        verify_url=issuer.url(f"/credentials/{earned.award.public_id}")), font=font)
