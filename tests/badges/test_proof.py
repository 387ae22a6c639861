"""eddsa-rdfc-2022 as Open Badges 3.0 uses it: 1EdTech's test vector reproduced byte for byte
(with the reference contexts in the shared folder, never the network), and a round trip that
refuses a changed field or a wrong key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from app.badges import proof

SHARED = Path(__file__).resolve().parents[3] / "shared" / "openbadges"
VECTORS = SHARED / "1edtech-ob-v3p0" / "test-vectors"
REFERENCE = {proof.VC_V2: SHARED / "w3c-credentials-v2.jsonld",
             proof.OB_V3: SHARED / "1edtech-ob-v3p0" / "context-3.0.3.json"}
SECRET = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
METHOD = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
CREDENTIAL: dict[str, Any] = {
    "@context": proof.CONTEXT,
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://example.edu/issuers/565049", "type": ["Profile"],
               "url": "https://www.imsglobal.org", "name": "Example Corp"},
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {"narrative": "Team members are nominated for this badge by their peers "
                                      "and recognized upon review by Example Corp management."},
            "description": "This badge recognizes the development of the capacity to "
                           "collaborate within a group environment.",
            "name": "Teamwork"}}}


def reference_loader(url: str, options: Any = None) -> dict[str, Any]:
    """The reference contexts from the shared folder; anything else is refused."""
    if url not in REFERENCE:
        raise jsonld.JsonLdError("refused", "jsonld.LoadDocumentError", {"url": url},
                                 code="loading document failed")
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(REFERENCE[url].read_text())}


@pytest.fixture
def reference_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proof, "document_loader", reference_loader)


def test_the_test_vector_is_reproduced_byte_for_byte(reference_contexts: None) -> None:
    key = Ed25519PrivateKey.from_private_bytes(SECRET)
    assert proof.multikey(key.public_key()) == METHOD.split("#")[1]
    options = {"@context": proof.CONTEXT, "type": "DataIntegrityProof",
               "created": "2010-01-01T19:23:24Z", "verificationMethod": METHOD,
               "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod"}
    assert proof.canonical(CREDENTIAL) == (VECTORS / "document-canon.txt").read_text()
    assert proof.canonical(options) == (VECTORS / "proof-canon.txt").read_text()
    signed = proof.sign(CREDENTIAL, key=key, verification_method=METHOD,
                        created=proof_time("2010-01-01T19:23:24Z"))
    assert signed["proof"][0]["proofValue"] == (
        "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr")


def test_the_pinned_contexts_mean_what_the_reference_ones_mean() -> None:
    """What Ting signs with its own copies canonicalises exactly as with the reference files."""
    ours = proof.canonical(CREDENTIAL)
    original = proof.document_loader
    try:
        proof.document_loader = reference_loader  # type: ignore[assignment]
        theirs = proof.canonical(CREDENTIAL)
    finally:
        proof.document_loader = original  # type: ignore[assignment]
    assert ours == theirs


def test_no_context_is_fetched() -> None:
    with pytest.raises(proof.ContextRefused, match="does not fetch"):
        proof.canonical({**CREDENTIAL, "@context": [*proof.CONTEXT, "https://example.org/ctx"]})


def test_a_signed_credential_verifies_and_a_change_or_another_key_does_not() -> None:
    key = Ed25519PrivateKey.generate()
    method = "did:web:example.org#" + proof.multikey(key.public_key())
    signed = proof.sign(CREDENTIAL, key=key, verification_method=method)
    keys = {method: key.public_key()}
    assert proof.verify(signed, keys.get) is None
    changed = json.loads(json.dumps(signed))
    changed["credentialSubject"]["achievement"]["name"] = "Teamwork, with honours"
    assert "does not match" in (proof.verify(changed, keys.get) or "")
    other = Ed25519PrivateKey.generate().public_key()
    assert "does not match" in (proof.verify(signed, {method: other}.get) or "")
    assert "not one of the issuer's" in (proof.verify(signed, {}.get) or "")
    assert proof.verify({k: v for k, v in signed.items() if k != "proof"}, keys.get) == (
        "The credential has no proof.")


def test_base58_round_trips_leading_zeros() -> None:
    for data in (b"", b"\0", b"\0\0\x01\x02", bytes(range(40))):
        assert proof.b58decode(proof.b58encode(data)) == data


def proof_time(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
