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

import jwt
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
    name: str = ""  # as its public profile names it; none: the host

    @property
    def did(self) -> str:
        """did:web for the server's address: host (a port as %3A), then path segments."""
        parts = urlsplit(self.base_url)
        host = quote(parts.netloc, safe="")
        segments = [quote(s, safe="") for s in parts.path.split("/") if s]
        return ":".join(["did:web", host, *segments])

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @property
    def profile_url(self) -> str:
        return self.url(PROFILE_PATH)


PROFILE_PATH = "/issuer"


def profile(*, issuer: Issuer) -> dict[str, Any]:
    """The issuer's public profile at an https address (Open Badges 3.0 Profile): the same
    issuer as the did:web, which each credential names, and which it names in turn."""
    return {"@context": proof.CONTEXT, "id": issuer.profile_url, "type": ["Profile"],
            "name": issuer.name or urlsplit(issuer.base_url).netloc, "url": issuer.base_url,
            "otherIdentifier": [{"type": "IdentifierEntry", "identifier": issuer.did,
                                 "identifierType": "identifier"}]}


def did_document(session: Session, *, issuer: Issuer) -> dict[str, Any]:
    """The DID document: every key, oldest first, each of which may assert credentials: the
    Ed25519 keys as Multikeys (Data Integrity proofs), the RSA keys as JSON Web Keys (VC-JWT)."""
    signing = issuer_keys.all_keys(session, key_file=issuer.key_file) or [
        issuer_keys.signing_key(session, key_file=issuer.key_file)]
    methods: list[dict[str, Any]] = [
        {"id": f"{issuer.did}#{k.multibase}", "type": "Multikey", "controller": issuer.did,
         "publicKeyMultibase": k.multibase} for k in signing]
    methods += [{"id": f"{issuer.did}#{k.public_id}", "type": "JsonWebKey",
                 "controller": issuer.did, "publicKeyJwk": k.jwk}
                for k in issuer_keys.jwt_keys(session, key_file=issuer.key_file)]
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
                         "https://w3id.org/security/jwk/v1"],
            "id": issuer.did, "alsoKnownAs": [issuer.profile_url], "verificationMethod": methods,
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
        "image": {"id": issuer.url(
            f"/badges/{earned.program.key}/{badge.key}.{badge.image_suffix}"),
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


def as_jwt(session: Session, earned: Earned, *, issuer: Issuer) -> str:
    """The credential as a VC-JWT (Open Badges 3.0, 8.2): the payload is the credential itself
    with the registered claims beside it, signed RS256 by the newest RSA key."""
    credential = unsigned(earned, issuer=issuer)
    key = issuer_keys.jwt_key(session, key_file=issuer.key_file)
    claims = {**credential, "iss": issuer.did, "jti": credential["id"],
              "nbf": int(earned.award.awarded_at.timestamp())}
    return jwt.encode(claims, key.key, algorithm="RS256",
                      headers={"kid": f"{issuer.did}#{key.public_id}", "typ": "JWT"})


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # why not, or what it is
    earned: Earned | None = None


def verify(session: Session, document: Any, *, issuer: Issuer,
           now: datetime | None = None) -> Verdict:
    """Whether a credential (JSON-LD with its proof, or a VC-JWT) is one this server issued,
    unchanged, current and not revoked."""
    now = now or datetime.now(UTC)
    if not isinstance(document, dict | str):
        return Verdict(False, _("It is neither a credential with a proof nor a VC-JWT."))
    token = document if isinstance(document, str) else None
    if token is not None:
        opened = _opened_jwt(session, token, issuer=issuer)
        if isinstance(opened, Verdict):
            return opened
        document = opened
    assert isinstance(document, dict)
    issued_by = document.get("issuer")
    issuer_id = issued_by.get("id") if isinstance(issued_by, dict) else issued_by
    if issuer_id != issuer.did:
        return Verdict(False, _("It was not issued by this server ({did}).").format(did=issuer.did))
    if token is None:  # a JWT's signature was checked as it was opened
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


def _opened_jwt(session: Session, token: str, *, issuer: Issuer) -> dict[str, Any] | Verdict:
    """A VC-JWT's payload once its RS256 signature holds against one of the issuer's published
    RSA keys, and its registered claims agree with the credential; else why not."""
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.InvalidTokenError, ValueError):
        return Verdict(False, _("It is neither a credential with a proof nor a VC-JWT."))
    published = {f"{issuer.did}#{k.public_id}": k.public
                 for k in issuer_keys.jwt_keys(session, key_file=issuer.key_file)}
    key = published.get(str(header.get("kid")))
    if header.get("alg") != "RS256" or key is None:
        return Verdict(False, _("It is not signed by a key this issuer publishes."))
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"],
                            options={"require": ["iss", "jti", "nbf"], "verify_aud": False})
    except jwt.ExpiredSignatureError:
        return Verdict(False, _("It has expired."))
    except jwt.InvalidSignatureError:
        return Verdict(False, _("Its signature does not hold: it was changed after signing."))
    except (jwt.InvalidTokenError, ValueError) as error:
        return Verdict(False, _("It is not a valid VC-JWT: {problem}").format(problem=error))
    issued_by = claims.get("issuer")
    issuer_id = issued_by.get("id") if isinstance(issued_by, dict) else issued_by
    if claims["iss"] != issuer_id or claims["jti"] != claims.get("id"):
        return Verdict(False, _("Its claims do not agree with the credential it carries."))
    return claims


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
