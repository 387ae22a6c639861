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

from app.db import MAX_REQUESTS
from tests.fixtures.aio import run_async

PAGE = "/c/three-cities-2027/things/learning-blog"


async def _many_at_once(base_url: str, count: int) -> tuple[list[int], float, float]:
    """Statuses of `count` simultaneous requests, the seconds they took, and the seconds the
    same number would take one after another (estimated from 20), on this machine now."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        page = await client.get("/login")
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert token, "no CSRF token on the sign-in page"
        signed_in = await client.post(
            "/demo", data={"csrf_token": token.group(1), "email": "anne.sorensen@example.org"})
        assert signed_in.status_code == 303
        started = time.perf_counter()
        for _ in range(20):
            assert (await client.get(PAGE)).status_code == 200
        one_by_one = (time.perf_counter() - started) / 20 * count
        cookies = client.cookies
    # a client of its own for the burst: every request on a new connection of its own
    unlimited = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=unlimited,
                                 cookies=cookies) as burst:
        started = time.perf_counter()
        answers = await asyncio.gather(*(burst.get(PAGE) for _ in range(count)))
        return [a.status_code for a in answers], time.perf_counter() - started, one_by_one


def test_many_more_requests_than_connections_are_all_answered_quickly(live_server: str) -> None:
    count = MAX_REQUESTS * 20
    statuses, seconds, one_by_one = run_async(_many_at_once(live_server, count))
    assert statuses == [200] * count
    # a stalled server waits out the pool's 30 s timeout; a working one is about as fast
    # as answering the same requests one after another (slower machines are slower at both)
    limit = max(15.0, 3 * one_by_one)
    assert seconds < limit, f"{count} requests took {seconds:.1f} s (limit {limit:.1f} s): stalled"
