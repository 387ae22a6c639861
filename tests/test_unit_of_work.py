"""A request is one unit of work: committed once when the route returns, rolled back on any
error, and never written on the event loop. Run on the server's own engine (not the tests'
savepoint engine), in a database of its own."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.auth import service as auth_service
from app.auth.models import ApiToken
from app.db import make_engine, unit_of_work, upgrade
from app.deps import UNSAFE_METHODS, SessionDep
from app.errors import Conflict
from app.main import create_app
from tests.fixtures.builders import ANNA, PROGRAM, cohort_yaml, load
from tests.fixtures.database import settings_for, throwaway_database
from tests.fixtures.routes import api_routes


@pytest.fixture
def server_engine(tmp_path: Path) -> Iterator[Engine]:
    with throwaway_database("ting_uow", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        with unit_of_work(engine) as session:
            load(session, PROGRAM, cohort_yaml())
        yield engine
        engine.dispose()


def tokens(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(ApiToken)).one()


@pytest.fixture
def half_way(server_engine: Engine) -> Iterator[TestClient]:
    """The app with three routes that write a token and then go on differently."""
    app: FastAPI = create_app(settings_for(server_engine.url.render_as_string(hide_password=False)),
                              engine=server_engine)

    @app.post("/api/v1/probe/completes")
    def completes(db: SessionDep) -> dict[str, str]:
        auth_service.create_token(db, email=ANNA, name="kept")
        return {"status": "ok"}

    @app.post("/api/v1/probe/refused")
    def refused(db: SessionDep) -> dict[str, str]:
        auth_service.create_token(db, email=ANNA, name="half")
        raise Conflict("refused after writing")

    @app.post("/api/v1/probe/crashes")
    def crashes(db: SessionDep) -> dict[str, str]:
        auth_service.create_token(db, email=ANNA, name="half")
        raise RuntimeError("a bug after writing")

    @app.post("/api/v1/probe/on-the-loop")
    async def on_the_loop(db: SessionDep) -> dict[str, str]:
        auth_service.create_token(db, email=ANNA, name="blocking")
        return {"status": "ok"}

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_route_that_returns_has_its_writes_committed(
    half_way: TestClient, server_engine: Engine
) -> None:
    assert half_way.post("/api/v1/probe/completes").status_code == 200
    assert tokens(server_engine) == 1


def test_a_request_refused_half_way_leaves_nothing_written(
    half_way: TestClient, server_engine: Engine
) -> None:
    response = half_way.post("/api/v1/probe/refused")
    assert response.status_code == 409
    assert response.json() == {"detail": "refused after writing",
                               "request_id": response.headers["x-request-id"]}
    assert tokens(server_engine) == 0


def test_a_request_that_fails_half_way_leaves_nothing_written(
    half_way: TestClient, server_engine: Engine
) -> None:
    assert half_way.post("/api/v1/probe/crashes").status_code == 500
    assert tokens(server_engine) == 0


def test_a_write_on_the_event_loop_is_refused_and_rolled_back(
    half_way: TestClient, server_engine: Engine
) -> None:
    assert half_way.post("/api/v1/probe/on-the-loop").status_code == 500
    assert tokens(server_engine) == 0


def _dependency_calls(route: APIRoute) -> list[object]:
    calls, todo = [], list(route.dependant.dependencies)
    while todo:
        dependant = todo.pop()
        calls.append(dependant.call)
        todo.extend(dependant.dependencies)
    return calls


def test_every_route_that_writes_does_so_in_the_thread_pool_and_async_dependencies_only_read(
    web: FastAPI,
) -> None:
    """Writes may wait for a lock, so they run in the thread pool: the route is a plain def,
    or an async route hands its service call to the pool. The async dependencies are the
    known readers (the runtime check in app.db refuses a write on the loop in any case)."""
    readers = {"get_db", "request_rules", "optional_user", "current_user",
               "cohort_member", "cohort_participant",
               "publication_body"}  # reads the request's body (JSON or form), nothing else
    routes = api_routes(web)
    assert any(info.methods & UNSAFE_METHODS for info in routes)
    for info in routes:
        route = info.route
        if info.methods & UNSAFE_METHODS and inspect.iscoroutinefunction(route.endpoint):
            assert "await run_in_threadpool(" in inspect.getsource(route.endpoint), info.path
        for call in _dependency_calls(route):
            is_async = inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(
                type(call).__call__)  # a dependency object such as HTTPBearer
            name = getattr(call, "__name__", type(call).__name__)
            assert not is_async or name in readers, f"{info.path}: async dependency {name}"
