"""A badge's certificate: a one-page PDF whose text holds the earner's name, the badge, the
Things done, the signatory, the credential's id and address, and whose QR code is, module for
module, segno's code of that address; in the reader's language; only for its earner."""

from __future__ import annotations

import io
import re

import pypdf
import segno
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.progress.models import Award
from tests.badges.test_credentials import earn_basics
from tests.fixtures.builders import ANNA, BRAM
from tests.fixtures.people import browser_signed_in

SIGNED = "Signe Hansen, head of learning"


def certificate(client: TestClient, db: Session, **headers: str) -> pypdf.PdfReader:
    browser_signed_in(client, db, ANNA)
    response = client.get("/c/testcohort/badges/basics/certificate.pdf", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def qr_matrix(page: pypdf.PageObject) -> list[list[bool]]:
    """The QR code as drawn: the filled squares of the page, back on their grid."""
    squares = [tuple(float(n) for n in m.groups()) for m in re.finditer(
        rb"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", page.get_contents().get_data())]
    size = min(abs(w) for _x, _y, w, _h in squares)
    xs = sorted({round(x / size) for x, _y, _w, _h in squares})
    ys = sorted({round(y / size) for _x, y, _w, _h in squares})
    width = max(xs) - min(xs) + 1
    grid = [[False] * width for _ in range(max(ys) - min(ys) + 1)]
    for x, y, _w, _h in squares:
        grid[round(y / size) - min(ys)][round(x / size) - min(xs)] = True
    return grid


def test_the_certificate_says_who_earned_what_and_its_qr_code_is_the_address(
    client: TestClient, db: Session
) -> None:
    earn_basics(db, signatory=SIGNED)
    public_id = db.exec(select(Award)).one().public_id
    reader = certificate(client, db)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    url = f"http://testserver/credentials/{public_id}"
    for expected in ("Certificate", "Anna", "The basics", "Introduce yourself",
                     "Write a reflection", SIGNED, public_id, url):
        assert expected in text, (expected, text)
    drawn = qr_matrix(reader.pages[0])
    made = [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    # PDF space counts upwards: the drawn rows come bottom first
    trimmed = [row for row in made if any(row)]
    assert drawn[::-1] == [row[min(i for r in trimmed for i, v in enumerate(r) if v):
                               max(i for r in trimmed for i, v in enumerate(r) if v) + 1]
                           for row in trimmed]


def test_the_certificate_is_in_the_readers_language_and_only_for_the_earner(
    client: TestClient, db: Session
) -> None:
    earn_basics(db)
    browser_signed_in(client, db, ANNA)
    client.post("/language", data={"language": "da", "csrf_token": _csrf(client)})
    text = certificate(client, db).pages[0].extract_text()
    assert "Certifikat" in text and "har opnået badget" in text, text
    client.cookies.clear()
    browser_signed_in(client, db, BRAM)
    assert client.get("/c/testcohort/badges/basics/certificate.pdf").status_code == 404


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").text)
    assert match is not None
    return match.group(1)
