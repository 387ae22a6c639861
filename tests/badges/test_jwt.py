"""The VC-JWT form of a credential (Open Badges 3.0, 8.2): the credential itself as the payload,
with iss, jti and nbf beside it, signed RS256 by an RSA key that the issuer's did:web document
lists as a JSON Web Key; checked by an independent verifier (openbadgeslib's OB3Verifier) and by
Ting's own, which refuses a changed, foreign-keyed or revoked one with the reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from fastapi.testclient import TestClient
from openbadgeslib.ob3.verifier import OB3Verifier
from sqlmodel import Session, select

from app.badges import keys
from app.progress.models import Award
from tests.badges.test_credentials import SCHEMA, checked, earn_basics, served
from tests.fixtures.builders import ANNA
from tests.fixtures.people import browser_signed_in, token_for


def download_jwt(client: TestClient, db: Session) -> str:
    browser_signed_in(client, db, ANNA)
    response = client.get("/c/testcohort/badges/basics/credential.jwt")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/jwt"
    assert response.headers["content-disposition"].startswith("attachment")
    return response.text


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_the_jwt_carries_the_credential_and_an_independent_verifier_accepts_it(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    token = download_jwt(client, db)
    header = jwt.get_unverified_header(token)
    claims = payload_of(token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert claims["iss"] == claims["issuer"]["id"] and claims["jti"] == claims["id"]
    assert claims["nbf"] == int(datetime.fromisoformat(
        claims["validFrom"].replace("Z", "+00:00")).timestamp())
    assert "OpenBadgeCredential" in claims["type"] and "proof" not in claims
    credential = {k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf"}}
    # the schema asks for an embedded proof; the JWT's signature stands in for it
    problems = [e.message for e in SCHEMA.iter_errors(credential)]
    assert all("proof" in p for p in problems), problems

    document = client.get("/.well-known/did.json").json()
    assert header["kid"] in document["assertionMethod"]
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    assert method["type"] == "JsonWebKey" and method["publicKeyJwk"]["kty"] == "RSA"

    verifier = OB3Verifier.for_issuer_did(claims["iss"], download=served(client))
    read = verifier.verify(token)
    assert read.issuer.id == claims["iss"] and read.id == claims["id"]
    answer = checked(client, token)
    assert answer["valid"] is True and answer["achievement"] == "The basics"


def test_a_changed_foreign_or_revoked_jwt_is_refused_with_the_reason(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    token = download_jwt(client, db)
    head, _, signature = token.split(".")
    claims = payload_of(token)
    claims["credentialSubject"]["achievement"]["name"] = "Everything, mastered"
    changed_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    changed = checked(client, f"{head}.{changed_body}.{signature}")
    assert changed["valid"] is False and "changed after signing" in changed["reason"]

    stranger = keys._new_rsa()
    forged = jwt.encode(payload_of(token), stranger, algorithm="RS256",
                        headers={"kid": jwt.get_unverified_header(token)["kid"] + "x"})
    assert "not signed by a key this issuer publishes" in checked(client, forged)["reason"]
    assert "neither a credential" in checked(client, "not a token")["reason"]
    none_alg = jwt.encode(payload_of(token), None, algorithm="none",
                          headers={"kid": jwt.get_unverified_header(token)["kid"]})
    assert checked(client, none_alg)["valid"] is False

    award = db.exec(select(Award)).one()
    award.revoked_at, award.revoked_reason = datetime.now(UTC), "Shared another's work"
    db.commit()
    revoked = checked(client, token)
    assert revoked["valid"] is False and revoked["revoked"] is True


def test_a_rotated_rsa_key_signs_from_then_on_and_the_old_one_still_verifies(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    before = download_jwt(client, db)
    keys.rotate(db, key_file=None)
    db.commit()
    after = client.get("/c/testcohort/badges/basics/credential.jwt").text
    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    for token in (before, after):
        assert checked(client, token)["valid"] is True
        verifier = OB3Verifier.for_issuer_did(payload_of(token)["iss"], download=served(client))
        assert verifier.verify(token).id == payload_of(token)["id"]


def test_the_api_gives_the_jwt_on_asking(client: TestClient, db: Session) -> None:
    earn_basics(db)
    headers = token_for(db, ANNA)
    listed = client.get("/api/v1/cohorts/testcohort/badges", headers=headers).json()
    where = urlsplit(next(b for b in listed if b["key"] == "basics")["credential"]).path
    got = client.get(where, params={"format": "jwt"}, headers=headers)
    assert got.status_code == 200 and got.headers["content-type"] == "application/jwt"
    assert checked(client, got.text)["valid"] is True
    assert client.get(where, params={"format": "xml"}, headers=headers).status_code == 422
