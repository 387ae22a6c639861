"""Every unsafe route, read from the application's own route table (so a new route cannot slip
by), refuses a request that rides on a browser session without the session's CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.deps import UNSAFE_METHODS
from app.main import create_app
from tests.fixtures.builders import ANNA, load_standard
from tests.fixtures.database import TEST_SECRET
from tests.fixtures.people import sign_in
from tests.fixtures.routes import api_routes

# The route table only; requests go to the test's own app.
_table_app = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET, demo=True,
                                 _env_file=None))  # type: ignore[call-arg]
UNSAFE = sorted((method, info.path) for info in api_routes(_table_app)
                for method in info.methods & UNSAFE_METHODS)
# Real values for path parameters, so a request would otherwise reach the route's work.
PATH_VALUES = {"cohort": "testcohort", "key": "reflect", "token_id": "1", "post_id": "1",
               "token": "nonesuch", "completion_id": "1", "comment_id": "1", "feed_key": "1-x",
               "thing": "intro", "topic_id": "1", "group": "team-1",
               "membership_id": "1", "forum_post_id": "1",
               "number": "1", "program": "testprog", "revision": "1",
               "badge": "finisher", "public_id": "nonesuch", "suffix": "svg"}
REFUSAL = "This form has expired or did not come from Ting"


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


def test_every_route_has_a_name_of_its_own() -> None:
    """Templates and redirects find routes by name: two routes with one name would send a
    form to the wrong one."""
    names = [info.route.name for info in api_routes(_table_app)]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_the_route_table_has_the_unsafe_routes_this_test_knows_of() -> None:
    paths = {path for _method, path in UNSAFE}
    assert {"/logout", "/demo", "/account/tokens", "/account/sign-out-everywhere",
            "/api/v1/cohorts/{cohort}/things/{key}/completion"} <= paths


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=[f"{m} {p}" for m, p in UNSAFE])
@pytest.mark.parametrize("token", [None, "forged"], ids=["no-token", "wrong-token"])
def test_an_unsafe_request_without_the_sessions_csrf_token_is_refused(
    client: TestClient, db: Session, method: str, path: str, token: str | None
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    url = concrete(path)
    if path.startswith("/api/"):
        headers = {} if token is None else {"X-CSRF-Token": token}
        response = client.request(method, url, headers=headers, json={})
        assert response.status_code == 403, response.text
        assert REFUSAL in response.json()["detail"]
    else:
        data = {"name": "x", "body": "x"} if token is None else {"csrf_token": token, "name": "x"}
        response = client.request(method, url, data=data)
        assert response.status_code == 403, response.text
        assert REFUSAL in response.text
    assert client.get("/api/v1/me").status_code == 200  # still signed in: nothing was changed
