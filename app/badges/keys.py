"""Where the issuer's keys come from: the database, or a file (`TING_BADGE_KEY_FILE`) holding
one PEM private key after another, the newest last. Two kinds: Ed25519 keys sign the embedded
Data Integrity proofs, RSA keys sign the VC-JWT form (RS256). `ting keys rotate` adds one of
each to whichever store is used; the newest of a kind signs, and all stay published."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import (
    RSAPrivateKey,
    RSAPublicKey,
    generate_private_key,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlmodel import Session, col, select

from app.badges import proof
from app.badges.models import IssuerKey
from app.errors import InvalidInput

PEM_END = "-----END PRIVATE KEY-----"
RSA_BITS = 2048  # what RS256 asks for at the least


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key, named in the DID document by its Multikey (`z6Mk...`)."""

    key: Ed25519PrivateKey
    multibase: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.key.public_key()

    @property
    def public_id(self) -> str:
        return self.multibase


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class JwtKey:
    """An RSA key, named in the DID document by its JWK thumbprint (RFC 7638)."""

    key: RSAPrivateKey

    @property
    def public(self) -> RSAPublicKey:
        return self.key.public_key()

    @property
    def jwk(self) -> dict[str, str]:
        numbers = self.public.public_numbers()
        return {"kty": "RSA",
                "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big"))}

    @property
    def public_id(self) -> str:
        required = json.dumps(self.jwk, sort_keys=True, separators=(",", ":"))
        return _b64url(hashlib.sha256(required.encode()).digest())


AnyKey = SigningKey | JwtKey


def _pem(key: Ed25519PrivateKey | RSAPrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def _loaded(pem: str) -> AnyKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, Ed25519PrivateKey):
        return SigningKey(key, proof.multikey(key.public_key()))
    if isinstance(key, RSAPrivateKey):
        return JwtKey(key)
    raise InvalidInput("The badge key file holds a key that is neither Ed25519 nor RSA.")


def _stored(session: Session, *, key_file: Path | None) -> list[AnyKey]:
    """Every key of both kinds, oldest first."""
    if key_file is not None:
        text = key_file.read_text(encoding="ascii") if key_file.exists() else ""
        return [_loaded(block + PEM_END + "\n") for block in text.split(PEM_END) if block.strip()]
    rows = session.exec(select(IssuerKey).order_by(col(IssuerKey.id)))
    return [_loaded(row.private_pem) for row in rows]


def all_keys(session: Session, *, key_file: Path | None) -> list[SigningKey]:
    """Every Ed25519 key, oldest first."""
    return [k for k in _stored(session, key_file=key_file) if isinstance(k, SigningKey)]


def jwt_keys(session: Session, *, key_file: Path | None) -> list[JwtKey]:
    """Every RSA key, oldest first."""
    return [k for k in _stored(session, key_file=key_file) if isinstance(k, JwtKey)]


def signing_key(session: Session, *, key_file: Path | None) -> SigningKey:
    """The newest Ed25519 key; the first is made on first use."""
    found = all_keys(session, key_file=key_file)
    if found:
        return found[-1]
    made = _add(session, key_file=key_file, key=Ed25519PrivateKey.generate())
    assert isinstance(made, SigningKey)
    return made


def jwt_key(session: Session, *, key_file: Path | None) -> JwtKey:
    """The newest RSA key; the first is made on first use."""
    found = jwt_keys(session, key_file=key_file)
    if found:
        return found[-1]
    made = _add(session, key_file=key_file, key=_new_rsa())
    assert isinstance(made, JwtKey)
    return made


def _new_rsa() -> RSAPrivateKey:
    return generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def rotate(session: Session, *, key_file: Path | None) -> tuple[SigningKey, JwtKey]:
    """Add a new key of each kind, which sign from now on; the others stay published."""
    signing = _add(session, key_file=key_file, key=Ed25519PrivateKey.generate())
    jwt = _add(session, key_file=key_file, key=_new_rsa())
    assert isinstance(signing, SigningKey) and isinstance(jwt, JwtKey)
    return signing, jwt


def _add(session: Session, *, key_file: Path | None,
         key: Ed25519PrivateKey | RSAPrivateKey) -> AnyKey:
    pem = _pem(key)
    made = _loaded(pem)
    if key_file is not None:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with key_file.open("a", encoding="ascii") as out:
            out.write(pem)
        key_file.chmod(0o600)
    else:
        session.add(IssuerKey(public_id=made.public_id, private_pem=pem))
        session.flush()
    return made

