"""Open Badges 3.0 credentials as Ting issues them: valid to 1EdTech's JSON Schema, no term lost
to JSON-LD, signed with eddsa-rdfc-2022 by a key the issuer's did:web document lists, checked
by an independent verifier (openbadgeslib's) as well as by Ting's own; changed, foreign,
expired or revoked credentials are refused with the reason, and a rotated key still verifies
what it signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from sqlmodel import Session, select

from app.badges import keys, proof
from app.badges.credentials import Issuer
from app.progress import service as progress_service
from app.progress.models import Award
from tests.badges.test_earning import WITH_BADGES
from tests.fixtures.builders import ANNA, BRAM, ENOUGH_WORDS, cohort_yaml, load, member
from tests.fixtures.documents import keys_in
from tests.fixtures.people import browser_signed_in, token_for

SHARED = Path(__file__).resolve().parents[3] / "shared" / "openbadges" / "1edtech-ob-v3p0"
SCHEMA = jsonschema_rs.Draft201909Validator(
    json.loads((SHARED / "achievementcredential.schema.json").read_text()))
PROFILE = jsonschema_rs.Draft201909Validator(
    json.loads((SHARED / "profile.schema.json").read_text()))


def earn_basics(db: Session, *, signatory: str | None = None) -> None:
    cohort = cohort_yaml() + (f"signatory: {signatory}\n" if signatory else "")
    load(db, WITH_BADGES.replace("    criteria: Every", "    hours: 3\n    criteria: Every"), cohort)
    anna = member(db, ANNA)
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.submit(db, member=anna, key="reflect", reflection=ENOUGH_WORDS,
                            evidence_url=None)
    db.commit()


def download(client: TestClient, db: Session) -> dict[str, Any]:
    browser_signed_in(client, db, ANNA)
    response = client.get("/c/testcohort/badges/basics/credential.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    return response.json()  # type: ignore[no-any-return]


def checked(client: TestClient, document: dict[str, Any] | str) -> dict[str, Any]:
    """POST /api/v1/credentials/verify as anyone does: without the browser's session."""
    session = dict(client.cookies)
    client.cookies.clear()
    try:
        response = client.post("/api/v1/credentials/verify", json=document)
    finally:
        client.cookies.update(session)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def served(client: TestClient):  # type: ignore[no-untyped-def]
    """What a verifier fetches over the network, fetched from the test server instead."""
    def fetch(url: str, *args: Any, **kwargs: Any) -> bytes:
        return client.get(urlsplit(url).path).content
    return fetch


def test_a_downloaded_credential_fits_the_schema_and_loses_no_term(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    credential = download(client, db)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    errors = [f"{e.instance_path}: {e.message}" for e in SCHEMA.iter_errors(credential)]
    assert errors == []
    assert credential["credentialSubject"]["achievement"]["name"] == "The basics"
    identity = credential["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True and identity["identityHash"].startswith("sha256$")
    assert ANNA not in json.dumps(credential)  # the address only as a salted hash

    assert keys_in(credential) - {"@context"} <= proof.expanded_terms(credential)


def test_an_independent_verifier_checks_it_through_the_did_web_document(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    credential = download(client, db)
    did = credential["issuer"]["id"]
    assert did.startswith("did:web:")
    document = client.get("/.well-known/did.json").json()
    method = credential["proof"][0]["verificationMethod"]
    assert document["id"] == did and method in document["assertionMethod"]
    independent = OB3LdpVerifier.for_issuer_did(did).verify(credential, download=served(client))
    assert independent.issuer.id == did

    answer = checked(client, credential)
    assert answer["valid"] is True and answer["achievement"] == "The basics"


def test_a_changed_foreign_expired_or_revoked_credential_is_refused_with_the_reason(
    client: TestClient, db: Session, web: Any
) -> None:
    earn_basics(db)
    credential = download(client, db)

    def verdict(document: dict[str, Any]) -> dict[str, Any]:
        return checked(client, document)

    changed = json.loads(json.dumps(credential))
    changed["credentialSubject"]["achievement"]["name"] = "Everything, mastered"
    assert "does not match" in verdict(changed)["reason"]
    foreign = {**credential, "issuer": {**credential["issuer"], "id": "did:web:example.org"}}
    assert verdict(foreign)["valid"] is False and "not issued by this server" in verdict(foreign)["reason"]

    settings = web.state.settings
    issuer = Issuer(base_url=settings.base_url, key_file=settings.badge_key_file)
    key = keys.signing_key(db, key_file=None)
    past = datetime.now(UTC) - timedelta(days=1)
    expiring = proof.sign({**credential, "validUntil": past.strftime("%Y-%m-%dT%H:%M:%SZ")},
                          key=key.key, verification_method=f"{issuer.did}#{key.multibase}")
    assert "expired" in verdict(expiring)["reason"]

    award = db.exec(select(Award)).one()
    award.revoked_at, award.revoked_reason = datetime.now(UTC), "Shared another's work"
    db.commit()
    revoked = verdict(credential)
    assert revoked["valid"] is False and revoked["revoked"] is True
    assert "Shared another's work" in revoked["reason"]


def test_a_rotated_key_signs_from_then_on_and_the_old_one_still_verifies(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    before = download(client, db)
    keys.rotate(db, key_file=None)
    db.commit()
    after = client.get("/c/testcohort/badges/basics/credential.json").json()
    assert before["proof"][0]["verificationMethod"] != after["proof"][0]["verificationMethod"]
    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    assert [m["type"] for m in methods].count("Multikey") == 2
    for credential in (before, after):
        assert checked(client, credential)["valid"] is True


def test_keys_in_a_file_are_used_and_rotated_there(tmp_path: Path, db: Session) -> None:
    key_file = tmp_path / "badge-keys.pem"
    first = keys.signing_key(db, key_file=key_file)
    assert key_file.read_text().count("BEGIN PRIVATE KEY") == 1
    second, rsa = keys.rotate(db, key_file=key_file)
    assert [k.multibase for k in keys.all_keys(db, key_file=key_file)] == [first.multibase,
                                                                           second.multibase]
    assert [k.public_id for k in keys.jwt_keys(db, key_file=key_file)] == [rsa.public_id]
    assert keys.jwt_key(db, key_file=key_file).public_id == rsa.public_id
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_the_public_page_says_whether_it_is_valid_and_for_what(client: TestClient, db: Session) -> None:
    earn_basics(db)
    public_id = db.exec(select(Award)).one().public_id
    client.cookies.clear()
    page = client.get(f"/credentials/{public_id}")
    assert page.status_code == 200
    assert "This credential is valid." in page.text and "Anna" in page.text
    assert "<dt>Hours of learning</dt><dd>0.5</dd>" in page.text  # 15 minutes, in half hours
    assert client.get(f"/credentials/{public_id}.json").json()["id"].endswith(public_id)
    assert client.get("/credentials/nonesuch").status_code == 404
    browser_signed_in(client, db, BRAM)  # has not earned it
    assert client.get("/c/testcohort/badges/basics/credential.json").status_code == 404


@pytest.mark.parametrize("body", [{}, {"issuer": 5}, {"proof": "x"}, {"@context": 7, "issuer": {}},
                                  [], 5, None, "", "a.b.c"])
def test_any_posted_document_gets_a_reason_never_an_error(client: TestClient, db: Session,
                                                           body: Any) -> None:
    answer = client.post("/api/v1/credentials/verify", json=body)
    assert answer.status_code == 200 and answer.json()["valid"] is False


def test_the_api_lists_my_badges_and_gives_each_credential(client: TestClient, db: Session) -> None:
    earn_basics(db)
    headers = token_for(db, ANNA)
    listed = {b["key"]: b for b in client.get("/api/v1/cohorts/testcohort/badges",
                                             headers=headers).json()}
    assert listed["basics"]["awarded_at"] and listed["basics"]["credential"]
    assert listed["finisher"]["credential"] is None
    assert (listed["finisher"]["have"], listed["finisher"]["need"]) == (2, 3)
    got = client.get(urlsplit(listed["basics"]["credential"]).path, headers=headers)
    assert got.headers["content-type"] == "application/ld+json"
    assert checked(client, got.json())["valid"] is True
    assert client.get("/api/v1/cohorts/testcohort/badges/finisher/credential",
                      headers=headers).status_code == 404


def test_the_issuer_has_an_https_profile_that_the_did_document_names(client: TestClient,
                                                                      db: Session) -> None:
    profile = client.get("/issuer")
    assert profile.status_code == 200 and profile.headers["content-type"] == "application/ld+json"
    body = profile.json()
    assert list(PROFILE.iter_errors(body)) == []
    assert body["id"] == "http://testserver/issuer" and body["name"] == "testserver"
    document = client.get("/.well-known/did.json").json()
    assert document["alsoKnownAs"] == [body["id"]]
    assert body["otherIdentifier"][0]["identifier"] == document["id"]
    assert keys_in(body) - {"@context"} <= proof.expanded_terms(body)


def test_below_a_path_the_did_document_is_where_did_web_looks(client: TestClient) -> None:
    # did:web:host:path resolves to https://host/path/did.json; a proxy that passes /path on
    # without its prefix asks this server for /did.json
    assert Issuer(base_url="https://library.example/ting", key_file=None).did == (
        "did:web:library.example:ting")
    assert Issuer(base_url="http://127.0.0.1:8000", key_file=None).did == "did:web:127.0.0.1%3A8000"
    assert client.get("/did.json").json() == client.get("/.well-known/did.json").json()
