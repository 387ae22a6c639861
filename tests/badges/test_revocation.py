"""A trainer withdraws a badge with a reason: the participant is told by mail, the credential's
public page and every check say it was revoked, and the issuer's signed revocation list sets
its bit, which an independent verifier reads (it checks the signatures of JWT lists only, so
the list's own Data Integrity proof is checked here with Ting's verifier)."""

from __future__ import annotations

import base64
import gzip
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from sqlmodel import Session, select

from app.badges import proof
from app.mail.models import OutboxMail
from app.progress.models import Award
from tests.badges.test_credentials import checked, download, earn_basics, served
from tests.fixtures.builders import ANNA, MANAGER, TRAINER, member
from tests.fixtures.people import browser_signed_in, token_for


def revoke_page(client: TestClient, db: Session) -> tuple[str, str]:
    """The trainer's page about Anna, and its form's CSRF token."""
    client.cookies.clear()
    csrf = browser_signed_in(client, db, TRAINER)
    url = f"/c/testcohort/participants/{member(db, ANNA).membership.id}"
    return url, csrf


def bit(status_list: dict[str, Any], index: int) -> bool:
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def test_a_trainer_withdraws_a_badge_and_everything_says_so(client: TestClient, db: Session) -> None:
    earn_basics(db)
    credential = download(client, db)
    award = db.exec(select(Award)).one()
    status_url = credential["credentialStatus"]["statusListCredential"]
    assert not bit(client.get(status_url.removeprefix("http://testserver")).json(), award.id or 0)
    assert OB3LdpVerifier.for_issuer_did(credential["issuer"]["id"]).verify(
        credential, check_status=True, verify_status_list=False, download=served(client)) is not None

    url, csrf = revoke_page(client, db)
    page = client.get(url).text
    assert "Withdraw this badge" in page
    form = f"{url}/badges/basics/revoke"
    empty = client.post(form, data={"csrf_token": csrf, "reason": "  "})
    assert empty.status_code == 422 and "Say why the badge is withdrawn" in empty.text
    done = client.post(form, data={"csrf_token": csrf, "reason": "Copied a colleague's post"})
    assert done.status_code == 303

    mail = db.exec(select(OutboxMail)).all()[-1]
    assert mail.to_address == ANNA and "The basics" in mail.subject
    assert "Copied a colleague's post" in mail.body
    client.cookies.clear()
    public = client.get(f"/credentials/{award.public_id}").text
    assert "This credential is not valid." in public and "Copied a colleague" in public
    verdict = checked(client, credential)
    assert verdict["valid"] is False and verdict["revoked"] is True
    status_list = client.get(status_url.removeprefix("http://testserver")).json()
    assert bit(status_list, award.id or 0)
    keys = {m["id"]: proof.public_key_of(m["publicKeyMultibase"])
            for m in client.get("/.well-known/did.json").json()["verificationMethod"]}
    assert proof.verify(status_list, keys.get) is None  # the list itself is signed
    with pytest.raises(Exception, match="status 'revocation' is set"):
        OB3LdpVerifier.for_issuer_did(credential["issuer"]["id"]).verify(
            credential, check_status=True, verify_status_list=False, download=served(client))


def test_through_the_api_trainers_only_and_once(client: TestClient, db: Session) -> None:
    earn_basics(db)
    anna = member(db, ANNA).membership.id
    path = f"/api/v1/cohorts/testcohort/participants/{anna}/badges/basics/revocation"
    body = {"reason": "Entered by mistake"}
    assert client.post(path, json=body, headers=token_for(db, MANAGER)).status_code == 403
    assert client.post(path, json=body, headers=token_for(db, ANNA)).status_code == 403
    trainer = token_for(db, TRAINER)
    first = client.post(path, json=body, headers=trainer)
    assert first.status_code == 200 and first.json()["reason"] == "Entered by mistake"
    again = client.post(path, json=body, headers=trainer)
    assert again.status_code == 409 and "withdrawn already" in again.json()["detail"]
    missing = client.post(path.replace("basics", "finisher"), json=body, headers=trainer)
    assert missing.status_code == 404
    assert re.search(r"[Ww]ithdrawn", client.get(
        f"/c/testcohort/participants/{anna}", headers=trainer).text) is not None
