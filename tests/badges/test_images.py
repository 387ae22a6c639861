"""A badge's picture shipped beside the programme YAML: an SVG or PNG in the programme's folder,
checked (a picture and nothing more, of sensible size, inside the folder), stored at import,
served at the address the credential names; without one, a picture drawn from the name."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import limits
from app.sync import service as sync_service
from app.sync.validate import validate_paths
from tests.badges.test_credentials import download, earn_basics
from tests.badges.test_earning import WITH_BADGES

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG: signature, IHDR, one IDAT of grey pixels, IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def programme_with_image(folder: Path, image: str) -> Path:
    text = WITH_BADGES.replace("    for: {theme: basics}\n",
                               f"    for: {{theme: basics}}\n    image: {image}\n")
    path = folder / "program.yaml"
    path.write_text(text)
    return path


def problems_for(folder: Path, image: str) -> list[str]:
    path = programme_with_image(folder, image)
    bundle = validate_paths([path])
    return [str(p) for p in bundle.problems]


def image_line(folder: Path) -> int:
    text = (folder / "program.yaml").read_text()
    return next(n for n, line in enumerate(text.splitlines(), 1) if "image:" in line)


def test_a_shipped_svg_is_imported_served_and_named_by_the_credential(
    tmp_path: Path, client: TestClient, db: Session
) -> None:
    (tmp_path / "badges").mkdir()
    (tmp_path / "badges" / "basics.svg").write_bytes(SVG)
    path = programme_with_image(tmp_path, "badges/basics.svg")
    bundle = validate_paths([path])
    assert bundle.ok, bundle.problems
    sync_service.apply_bundle(db, bundle=bundle)
    db.commit()
    served = client.get("/badges/testprog/basics.svg")
    assert served.status_code == 200 and served.content == SVG
    assert served.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in served.headers["content-security-policy"]
    drawn = client.get("/badges/testprog/finisher.svg")  # no picture shipped: one drawn
    assert drawn.status_code == 200 and b"Finisher" in drawn.content


def test_a_shipped_png_is_served_as_png_and_the_credential_points_there(
    tmp_path: Path, client: TestClient, db: Session
) -> None:
    earn_basics(db)
    (tmp_path / "basics.png").write_bytes(png())
    changes = sync_service.apply_bundle(
        db, bundle=validate_paths([programme_with_image(tmp_path, "basics.png")]))
    db.commit()
    assert [str(c) for c in changes if "basics" in str(c)] == ["update badge testprog/basics: image"]
    served = client.get("/badges/testprog/basics.png")
    assert served.headers["content-type"] == "image/png" and served.content == png()
    credential = download(client, db)
    image = credential["credentialSubject"]["achievement"]["image"]["id"]
    assert image.endswith("/badges/testprog/basics.png")
    page = client.get("/c/testcohort/badges")
    assert 'src="/badges/testprog/basics.png"' in page.text
    assert client.get("/badges/testprog/finisher.png").status_code == 404  # none shipped

    again = sync_service.apply_bundle(
        db, bundle=validate_paths([programme_with_image(tmp_path, "basics.png")]))
    assert again == []  # the same picture: nothing to write
    (tmp_path / "basics.png").write_bytes(png(4, 4))
    changed = sync_service.apply_bundle(
        db, bundle=validate_paths([programme_with_image(tmp_path, "basics.png")]))
    db.commit()
    assert [str(c) for c in changed] == ["update badge testprog/basics: image"]
    assert client.get("/badges/testprog/basics.png").content == png(4, 4)


def test_a_picture_taken_out_of_the_file_gives_way_to_the_drawn_one(
    tmp_path: Path, client: TestClient, db: Session
) -> None:
    (tmp_path / "basics.png").write_bytes(png())
    sync_service.apply_bundle(db, bundle=validate_paths([programme_with_image(tmp_path,
                                                                              "basics.png")]))
    db.commit()
    (tmp_path / "program.yaml").write_text(WITH_BADGES)
    sync_service.apply_bundle(db, bundle=validate_paths([tmp_path / "program.yaml"]))
    db.commit()
    assert client.get("/badges/testprog/basics.png").status_code == 404
    assert b"The basics" in client.get("/badges/testprog/basics.svg").content


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("basics.gif", b"GIF89a", "expected an .svg or .png file; got 'basics.gif'"),
    ("nothing.svg", None, "no such file next to this programme"),
    ("/etc/passwd.svg", None, "expected a file in this programme's folder"),
    ("../up.svg", None, "expected a file in this programme's folder"),
    ("fake.png", b"<svg/>", "not a PNG image"),
    ("huge.png", png(5000, 2), "5000×2 pixels; at most 4096"),
    ("broken.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
     "not well-formed SVG (XML) at its line 1"),
    ("html.svg", b"<html><body/></html>", "not an SVG image"),
    ("script.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "may not hold <script>"),
    ("onload.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "may not hold event attributes like 'onload'"),
    ("entities.svg", b"<!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>",
     "may not declare a DOCTYPE or entities"),
    ("big.svg", SVG[:-6] + b"<!--" + b"x" * limits.BADGE_IMAGE_BYTES + b"--></svg>",
     "too large: at most 0.256 MB"),
])
def test_a_picture_that_is_not_one_is_refused_at_its_line(
    tmp_path: Path, name: str, data: bytes | None, expected: str
) -> None:
    if data is not None:
        (tmp_path / name).write_bytes(data)
    found = problems_for(tmp_path, name)
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'program.yaml'}:{image_line(tmp_path)}:12: "
                               "badges[1].image: "), found
    assert expected in found[0]


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.svg").write_bytes(SVG)
    inside = tmp_path / "programme"
    inside.mkdir()
    (inside / "link.svg").symlink_to(outside / "secret.svg")
    (found,) = problems_for(inside, "link.svg")
    assert "expected a file in this programme's folder" in found
