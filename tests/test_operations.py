"""What an operator relies on: a request id on every answer and in every error (so a person can
quote it), one structured log line per request, /readyz saying what is wrong, and Prometheus
metrics when switched on."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import db as ting_db
from app import health
from app.db import SessionFactory
from app.mail.models import OutboxMail
from app.main import create_app
from app.observability import configure_logging
from tests.fixtures.database import settings_for


def test_every_answer_carries_a_request_id_and_a_proxys_sane_one_is_kept(client: TestClient) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    given = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a9c01"})
    assert given.headers["x-request-id"] == "proxy-7f3a9c01"
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert odd.headers["x-request-id"] != "<script>" and len(odd.headers["x-request-id"]) == 32


def test_an_error_names_its_request_id_in_the_api_and_on_the_page(client: TestClient) -> None:
    api = client.get("/api/v1/cohorts/nonesuch/things", headers={"Authorization": "Bearer x"})
    assert api.status_code == 401
    assert api.json()["request_id"] == api.headers["x-request-id"]
    page = client.get("/nonesuch")
    assert page.status_code == 404
    assert f"Reference: {page.headers['x-request-id']}" in page.text


def test_an_unexpected_failure_still_names_its_request_id(settings_engine: tuple) -> None:  # type: ignore[type-arg]
    settings, engine, sessions = settings_engine
    app = create_app(settings, engine=engine, sessions=sessions)

    @app.get("/api/v1/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/broken", headers={"X-Request-ID": "quoted-by-anna-1"})
    assert answer.status_code == 500
    assert answer.headers["x-request-id"] == "quoted-by-anna-1"
    assert answer.json()["request_id"] == "quoted-by-anna-1"


@pytest.fixture
def settings_engine(database_url: str, engine: Engine, sessions: SessionFactory) -> tuple:  # type: ignore[type-arg]
    return settings_for(database_url), engine, sessions


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    configure_logging(json_lines=True)
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "ting")
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:  # the process's logging as it was, for the tests that follow
        root = logging.getLogger()
        root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        logging.captureWarnings(False)
        logging.getLogger("uvicorn.access").disabled = False


def test_each_request_is_one_json_log_line_with_its_route_and_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    answer = client.get("/c/nonesuch/things")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    (line,) = [entry for entry in lines if entry["logger"] == "ting.access"]
    assert line["request_id"] == answer.headers["x-request-id"]
    assert line["route"] == "/c/{cohort}/things"  # the template, never a cohort's name
    assert line["status"] == answer.status_code and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["level"] == "info"


def test_readyz_is_ready_on_a_current_database(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready" and body["failing"] == []
    assert set(body["checks"]) == {"database", "schema", "outbox"}
    assert "the newest" in body["checks"]["schema"]


def test_readyz_names_an_old_schema_and_a_stuck_outbox(
    db: Session, sessions: SessionFactory, engine: Engine
) -> None:
    head = ting_db.head_revision()
    old = health.readiness(sessions, head="9999", mail_sending=False)
    assert old.failing == ["schema"] and "run ting db upgrade" in old.checks["schema"]

    db.add(OutboxMail(to_address="anna@example.org", subject="Hello", body="Hi",
                      send_after=datetime.now(UTC) - timedelta(hours=1)))
    db.commit()
    stuck = health.readiness(sessions, head=head, mail_sending=True)
    assert stuck.failing == ["outbox"] and "1 of 1 waiting" in stuck.checks["outbox"]
    unsent = health.readiness(sessions, head=head, mail_sending=False)
    assert unsent.ready and "no mail server is set" in unsent.checks["outbox"]


def test_metrics_count_requests_by_route_and_read_the_outbox(
    database_url: str, engine: Engine, sessions: SessionFactory
) -> None:
    app = create_app(settings_for(database_url, metrics=True), engine=engine, sessions=sessions)
    with TestClient(app) as client:
        for _ in range(3):
            client.get("/healthz")
        client.get("/c/nonesuch/things")
        text = client.get("/metrics").text
    assert 'ting_requests_total{method="GET",route="/healthz",status="200"} 3.0' in text
    assert 'route="/c/{cohort}/things"' in text and "nonesuch" not in text
    assert 'ting_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}' in text
    assert "ting_outbox_depth 0.0" in text and "ting_db_connections_in_use" in text


def test_metrics_are_off_unless_switched_on(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404
