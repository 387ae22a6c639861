"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa), as Open Badges
3.0 signs credentials: the document and the proof's options are canonicalised as RDF (RDFC-1.0),
each hashed with SHA-256, and the two hashes (options first) signed with Ed25519.

JSON-LD contexts are never fetched: the loader serves the pinned copies the openbadgeslib
package ships (the VC 2.0 and OB 3.0.x contexts, with their recorded provenance) and refuses
every other address, so what a signature covers cannot change with a web server's answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openbadgeslib.ob3.contexts import bundled_contexts
from pyld import jsonld

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_V2, OB_V3]
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
_ED25519_PUBLIC = b"\xed\x01"  # the multicodec prefix of an Ed25519 public key
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class ContextRefused(ValueError):
    """A document names a JSON-LD context Ting does not hold; nothing is fetched."""


@cache
def _contexts() -> dict[str, Any]:
    return dict(bundled_contexts())


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    document = _contexts().get(url)
    if document is None:
        raise jsonld.JsonLdError(f"Ting does not fetch JSON-LD contexts; {url} is not one it holds",
                                 "jsonld.LoadDocumentError", {"url": url},
                                 code="loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": document}


def canonical(document: dict[str, Any]) -> str:
    """The document as canonical N-Quads (RDFC-1.0)."""
    try:
        text: str = jsonld.normalize(document, {"algorithm": "URDNA2015",
                                                "format": "application/n-quads",
                                                "documentLoader": document_loader})
    except jsonld.JsonLdError as error:
        raise ContextRefused(_innermost(error)) from None
    return text


def _innermost(error: BaseException) -> str:
    """pyld wraps the loader's refusal in errors of its own: the first message is the one that
    says what happened."""
    while isinstance(error.__cause__ or error.__context__, jsonld.JsonLdError):
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return str(error.args[0]) if error.args else str(error)


def expanded_terms(document: dict[str, Any]) -> set[str]:
    """The keys a document still has after JSON-LD expansion and compaction with its own
    context: a key missing here would be silently left out of what a signature covers."""
    compacted = jsonld.compact(jsonld.expand(document, {"documentLoader": document_loader}),
                               document["@context"], {"documentLoader": document_loader})

    def keys(node: Any) -> set[str]:
        if isinstance(node, dict):
            return set(node) | {k for value in node.values() for k in keys(value)}
        if isinstance(node, list):
            return {k for item in node for k in keys(item)}
        return set()

    return keys(compacted)


def _to_sign(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return (hashlib.sha256(canonical(options).encode()).digest()
            + hashlib.sha256(canonical(document).encode()).digest())


def sign(document: dict[str, Any], *, key: Ed25519PrivateKey, verification_method: str,
         created: datetime | None = None) -> dict[str, Any]:
    """The document with a proof (in a list, as the Open Badges schema asks)."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    moment = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    options = {"@context": unsigned["@context"], "type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE,
               "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = key.sign(_to_sign(unsigned, options))
    proof = {k: v for k, v in options.items() if k != "@context"} | {
        "proofValue": "z" + b58encode(signature)}
    return {**unsigned, "proof": [proof]}


def verify(document: dict[str, Any],
           public_key: Callable[[str], Ed25519PublicKey | None]) -> str | None:
    """None when the document's proof holds, else why not, in a sentence. `public_key` gives
    the key a verification method names (None: an unknown key)."""
    proofs = document.get("proof")
    proof = (proofs[0] if isinstance(proofs, list) and proofs else proofs)
    if not isinstance(proof, dict):
        return "The credential has no proof."
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"The proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite."
    if proof.get("proofPurpose") != "assertionMethod":
        return "The proof was not made to assert the credential."
    value = str(proof.get("proofValue", ""))
    method = str(proof.get("verificationMethod", ""))
    key = public_key(method)
    if key is None:
        return f"The key {method or '(none)'} is not one of the issuer's."
    try:
        signature = b58decode(value[1:]) if value.startswith("z") else b""
        options = {"@context": document.get("@context")} | {
            k: v for k, v in proof.items() if k != "proofValue"}
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        key.verify(signature, _to_sign(unsigned, options))
    except ContextRefused as refused:
        return f"The credential names a context Ting does not hold: {refused}"
    except (InvalidSignature, ValueError, jsonld.JsonLdError, TypeError, KeyError,
            AttributeError):  # whatever a posted document holds, the answer is a reason
        return "The signature does not match the credential: it was changed, or signed by another key."
    return None


def multikey(public: Ed25519PublicKey) -> str:
    """An Ed25519 public key as a Multikey's publicKeyMultibase (z6Mk...)."""
    return "z" + b58encode(_ED25519_PUBLIC + public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_of(multibase: str) -> Ed25519PublicKey | None:
    try:
        raw = b58decode(multibase[1:]) if multibase.startswith("z") else b""
    except ValueError:
        return None
    if not raw.startswith(_ED25519_PUBLIC) or len(raw) != 34:
        return None
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin's alphabet), as multibase's 'z' form uses."""
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = _ALPHABET[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        digit = _ALPHABET.find(char)
        if digit < 0:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body
