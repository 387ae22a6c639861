"""The API answers as its OpenAPI document says, for a participant and for a trainer:
schemathesis generates requests from the document and checks every answer against it (no
server error, status codes and bodies as documented). Bounded and repeatable."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from tests.fixtures.builders import ANNA, TRAINER, load_standard
from tests.fixtures.database import TEST_SECRET
from tests.fixtures.people import token_for

# The document only: the app that serves it needs no database for that.
_document_app = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET,
                                    _env_file=None))  # type: ignore[call-arg]
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _document_app)
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
# a real cohort and an open Thing, so requests reach past the 404 for strangers
schema.config.parameters.update({"path.cohort": "testcohort", "path.key": "intro"})


@pytest.fixture(params=[ANNA, TRAINER], ids=["participant", "trainer"])
def caller(request: pytest.FixtureRequest, db: Session) -> dict[str, str]:
    load_standard(db)
    return token_for(db, request.param)


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_every_api_answer_matches_the_openapi_document(
    case: schemathesis.Case, web: FastAPI, caller: dict[str, str]
) -> None:
    # a generous timeout: this checks what the answers say, and a hung request still fails it;
    # a collection of garbage in the test process once held a request past 10 s
    case.call_and_validate(app=web, headers=caller, timeout=60)
