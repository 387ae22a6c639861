"""The app never lets more requests run at once than its pool keeps connections for them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy.pool import QueuePool

from app.db import BACKGROUND_CONNECTIONS, MAX_REQUESTS, make_engine
from app.main import ConcurrencyLimit
from tests.fixtures.aio import run_async
from tests.fixtures.database import postgres_url


def test_no_more_requests_run_at_once_than_there_are_connections() -> None:
    running = 0
    most = 0

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)  # a request holding its connection for a while
        running -= 1

    limited = ConcurrencyLimit(inner, limit=MAX_REQUESTS)

    async def burst() -> None:
        scope = {"type": "http", "path": "/c/x/things"}
        await asyncio.gather(*(limited(scope, None, None) for _ in range(MAX_REQUESTS * 5)))

    run_async(burst())
    assert most == MAX_REQUESTS


def test_the_app_is_built_with_the_limit_sized_to_its_connection_pool(web: Any) -> None:
    limits = [m for m in web.user_middleware if m.cls is ConcurrencyLimit]
    assert len(limits) == 1 and limits[0].kwargs["limit"] == MAX_REQUESTS


def test_the_pool_holds_a_connection_for_every_request_and_one_for_the_mail_sender(
    tmp_path: Path,
) -> None:
    """The sender's loop takes its connection from the same pool; were the requests admitted
    to need them all, one of them would wait for a connection on the event loop."""
    urls = [f"sqlite:///{tmp_path / 'pool.db'}", *filter(None, [postgres_url()])]
    for url in urls:
        engine = make_engine(url)
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() + pool._max_overflow == MAX_REQUESTS + BACKGROUND_CONNECTIONS
        engine.dispose()
