"""Every page of the demo, as each kind of person sees it, links only to pages that exist:
URLs come from route names, so a moved route cannot leave a broken link behind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import ROOT
from app.db import make_engine, upgrade
from app.demo import load_demo
from app.main import create_app
from tests.fixtures.database import settings_for, throwaway_database
from tests.fixtures.people import csrf_from

LINK = re.compile(r'(?:href|src)="([^"]+)"')
POST_FORM = re.compile(r'<form method="post" action="([^"]+)"')
MAX_PAGES = 400


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with throwaway_database("ting_links", tmp_path_factory.mktemp("links")) as url:
        engine = make_engine(url)
        upgrade(engine)
        load_demo(engine, ROOT / "programs")
        yield engine
        engine.dispose()


def _demo_people(client: TestClient) -> dict[str, str]:
    """One e-mail address per kind of person on the demo login (participant, trainer, ...)."""
    page = client.get("/demo").text
    people: dict[str, str] = {}
    for email, roles in re.findall(
            r'name="email" value="([^"]+)">.*?class="person-roles">([^<]*)<', page, re.S):
        people.setdefault(roles.split(" ·")[0].strip(), email)
    return people


def _walk(client: TestClient, start: str, forms: set[str]) -> dict[str, int]:
    """Visit every same-site page reachable from `start` by GET; each address's status. The
    addresses forms post to are gathered in `forms`."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        forms.update(POST_FORM.findall(response.text))
        for link in LINK.findall(response.text):
            target = urldefrag(urljoin(url, link.replace("&amp;", "&")))[0]
            if target.startswith("/") and not target.startswith("//") and target not in seen:
                queue.append(target)
    return seen


def test_every_internal_link_on_every_demo_page_leads_somewhere(
    demo_engine: Engine, tmp_path: Path
) -> None:
    url = demo_engine.url.render_as_string(hide_password=False)
    app = create_app(settings_for(url), engine=demo_engine)
    with TestClient(app, follow_redirects=True) as anonymous:
        people = _demo_people(anonymous)
        assert {"participant", "trainer", "manager"} <= set(people), people
        forms: set[str] = set()
        visited = _walk(anonymous, "/", forms)
    for email in people.values():
        with TestClient(app, follow_redirects=True) as client:
            login = client.get("/demo").text
            client.post("/demo", data={"email": email, "csrf_token": csrf_from(login)})
            visited.update(_walk(client, "/", forms))
    broken = {url: status for url, status in visited.items() if status >= 400}
    assert not broken, broken
    # a form posts to an address that exists (asked with GET it says 405, or shows a page)
    with TestClient(app) as client:
        missing = [url for url in forms if client.get(url).status_code == 404]
    assert forms and not missing, missing
    assert len(visited) > 20  # the walk really went through the cohorts and their Things
