"""Where the issuer's keys come from: the database, or a file (`TING_BADGE_KEY_FILE`) holding
one PEM private key after another, the newest last. `ting keys rotate` adds a key to whichever
is used; the newest signs, and all stay published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
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


@dataclass(frozen=True)
class SigningKey:
    key: Ed25519PrivateKey
    multibase: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.key.public_key()


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def _loaded(pem: str) -> SigningKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput("The badge key file holds a key that is not Ed25519.")
    return SigningKey(key, proof.multikey(key.public_key()))


def _from_file(path: Path) -> list[SigningKey]:
    text = path.read_text(encoding="ascii") if path.exists() else ""
    return [_loaded(block + PEM_END + "\n") for block in text.split(PEM_END) if block.strip()]


def all_keys(session: Session, *, key_file: Path | None) -> list[SigningKey]:
    """Every key, oldest first."""
    if key_file is not None:
        return _from_file(key_file)
    rows = session.exec(select(IssuerKey).order_by(col(IssuerKey.id)))
    return [_loaded(row.private_pem) for row in rows]


def signing_key(session: Session, *, key_file: Path | None) -> SigningKey:
    """The newest key; the first is made on first use."""
    found = all_keys(session, key_file=key_file)
    return found[-1] if found else rotate(session, key_file=key_file)


def rotate(session: Session, *, key_file: Path | None) -> SigningKey:
    """Add a new key, which signs from now on; the others stay published."""
    key = Ed25519PrivateKey.generate()
    made = SigningKey(key, proof.multikey(key.public_key()))
    if key_file is not None:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with key_file.open("a", encoding="ascii") as out:
            out.write(_pem(key))
        key_file.chmod(0o600)
    else:
        session.add(IssuerKey(public_multibase=made.multibase, private_pem=_pem(key)))
        session.flush()
    return made
