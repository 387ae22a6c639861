"""Many people at once: the live server (real uvicorn, real pool) answers a burst of many more
simultaneous requests than it has connections, all of them, quickly.

Without app.main.ConcurrencyLimit such a burst stalls the server: requests wait for a pooled
connection on the event loop that the requests holding connections need to give them back
(this test then fails on the pool's 30 s timeout).
"""

from __future__ import annotations

import asyncio
import re
import time

import httpx

from app.db import MAX_CONNECTIONS
from tests.support import run_async


async def _many_at_once(base_url: str, count: int) -> tuple[list[int], float]:
    unlimited = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=unlimited) as client:
        page = await client.get("/login")
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert token, "no CSRF token on the sign-in page"
        signed_in = await client.post(
            "/demo", data={"csrf_token": token.group(1), "email": "anne.sorensen@example.org"})
        assert signed_in.status_code == 303
        started = time.perf_counter()
        answers = await asyncio.gather(*(
            client.get("/c/three-cities-2027/things/learning-blog") for _ in range(count)))
        return [a.status_code for a in answers], time.perf_counter() - started


def test_many_more_requests_than_connections_are_all_answered_quickly(live_server: str) -> None:
    count = MAX_CONNECTIONS * 20
    statuses, seconds = run_async(_many_at_once(live_server, count))
    assert statuses == [200] * count
    assert seconds < 15, f"{count} requests took {seconds:.1f} s: the server stalled"
