"""`ting publish PATH... --server URL` from a trainer's own computer: against a served Ting, it
prints what the local `ting validate` and `ting import` print."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.auth import service as auth_service
from tests.badges.test_earning import WITH_BADGES
from tests.badges.test_images import png
from tests.browser.conftest import serving_data
from tests.fixtures.builders import PROGRAM, cohort_yaml

TING = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "ting"
AUTHOR = "author@example.org"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    tokens: list[str] = []

    def fill(session: Session) -> None:
        auth_service.grant_author(session, email=AUTHOR)
        tokens.append(auth_service.create_token(session, email=AUTHOR, name="laptop")[1])

    with serving_data(tmp_path_factory.mktemp("remote-db"), "ting_remote", fill) as base:
        yield base, tokens[0]


def ting(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TING_")}
    return subprocess.run([str(TING), *args], cwd=folder, capture_output=True, text=True,
                          timeout=120, env={**clean, "TING_DATABASE_URL": "sqlite://", **env})


def test_publish_prints_what_validate_and_import_print(served: tuple[str, str], tmp_path: Path) -> None:
    base, token = served
    (tmp_path / "programs").mkdir()
    broken = PROGRAM.replace("kind: must", "kind: mustt", 1)
    (tmp_path / "programs" / "testprog.yaml").write_text(broken)
    cohort = cohort_yaml(participants=[]).replace("participants:\n", "participants_csv: roster.csv\n")
    (tmp_path / "programs" / "cohort.yaml").write_text(cohort)
    (tmp_path / "programs" / "roster.csv").write_text("email,name\nanna@example.org,Anna\n")

    remote = ting(tmp_path, "publish", "programs", "--server", base, "--token", token)
    local = ting(tmp_path, "validate", "programs")
    assert remote.returncode == local.returncode == 1
    assert remote.stderr.splitlines()[:-1] == local.stderr.splitlines()[:-1]  # the same lines
    assert "nothing was imported" in remote.stderr.splitlines()[-1]

    (tmp_path / "programs" / "testprog.yaml").write_text(WITH_BADGES.replace(
        "    for: {theme: basics}\n", "    for: {theme: basics}\n    image: 'basics.png'  # ours\n"))
    (tmp_path / "programs" / "basics.png").write_bytes(png())
    dry = ting(tmp_path, "publish", "programs", "--dry-run", "--server", base, TING_TOKEN=token)
    assert dry.returncode == 0, dry.stderr
    assert "add programme testprog: 6 Things" in dry.stdout
    assert "add participant anna@example.org in testcohort" in dry.stdout  # from roster.csv
    assert dry.stdout.strip().splitlines()[-1].startswith("Dry run:")

    done = ting(tmp_path, "publish", "programs", "--server", base, TING_TOKEN=token)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("Imported:")
    assert httpx.get(f"{base}/badges/testprog/basics.png").content == png()  # sent beside it
    again = ting(tmp_path, "publish", "programs", "--server", base, TING_TOKEN=token)
    assert again.stdout.strip() == "No changes: the database already matches these files."
    refused = ting(tmp_path, "publish", "programs", "--server", base, TING_TOKEN="ting_wrong")
    assert refused.returncode == 1
    assert refused.stderr.startswith("That access token is not valid.")
