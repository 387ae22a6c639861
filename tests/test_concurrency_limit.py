"""The app never lets more requests run at once than it has database connections."""

from __future__ import annotations

import asyncio
from typing import Any

from app.db import MAX_CONNECTIONS
from app.main import ConcurrencyLimit
from tests.fixtures.aio import run_async


def test_no_more_requests_run_at_once_than_there_are_connections() -> None:
    running = 0
    most = 0

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)  # a request holding its connection for a while
        running -= 1

    limited = ConcurrencyLimit(inner, limit=MAX_CONNECTIONS)

    async def burst() -> None:
        scope = {"type": "http", "path": "/c/x/things"}
        await asyncio.gather(*(limited(scope, None, None) for _ in range(MAX_CONNECTIONS * 5)))

    run_async(burst())
    assert most == MAX_CONNECTIONS


def test_the_app_is_built_with_the_limit_sized_to_its_connection_pool(web: Any) -> None:
    limits = [m for m in web.user_middleware if m.cls is ConcurrencyLimit]
    assert len(limits) == 1 and limits[0].kwargs["limit"] == MAX_CONNECTIONS
