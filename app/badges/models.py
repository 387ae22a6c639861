"""The issuer's signing keys, Ed25519 and RSA: the newest of a kind signs, and every one stays
listed in the issuer's DID document so that credentials signed before a rotation still verify."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class IssuerKey(SQLModel, table=True):
    __tablename__ = "issuer_keys"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # how the DID document names it: the Multikey (z6Mk...) or the RSA key's JWK thumbprint
    public_id: str = Field(max_length=100, unique=True)
    private_pem: str = Field(max_length=4000)  # PKCS#8, in the database only, never in the files
