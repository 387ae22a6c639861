"""Who issues badges here: the server's address and the keys its configuration names."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from app.badges.credentials import Issuer


def issuer_of(request: Request) -> Issuer:
    settings = request.app.state.settings
    return Issuer(base_url=settings.base_url, key_file=settings.badge_key_file,
                  name=settings.issuer_name)


IssuerDep = Annotated[Issuer, Depends(issuer_of)]


def certificate_font(request: Request) -> Path | None:
    font: Path | None = request.app.state.settings.certificate_font
    return font


FontDep = Annotated[Path | None, Depends(certificate_font)]
