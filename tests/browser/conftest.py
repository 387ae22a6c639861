"""A live Ting server with the demo data, and Playwright pointed at Debian's Chromium.

The browser tests get a database of their own (a separate SQLite file, or a separate
PostgreSQL database when TING_TEST_DATABASE_URL is set), so the `db` fixture of the other
tests, which empties every table after each test, never touches what the browser sees.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import ROOT, Settings
from app.db import make_engine, unit_of_work, upgrade
from app.demo import load_demo
from app.main import create_app
from tests.fixtures.database import throwaway_database

CHROMIUM = Path("/usr/bin/chromium")
LIVE_SECRET = "browser-test-secret-" + "y" * 40


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium; never `playwright install` (it downloads a browser and fails here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: "
                    "apt-get install -y chromium (make test does). Not skipping on purpose.")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for the browser tests only, apart from the one other tests empty."""
    with throwaway_database("ting_browser", tmp_path_factory.mktemp("browser-db")) as url:
        yield url


def _wait_until_up(url: str, thread: threading.Thread, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("The live server thread stopped while starting; see the log above.")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"The live server did not answer at {url} within {timeout} s.")


def free_socket() -> socket.socket:
    """A listening address taken before the app exists, so its URL can be given out first
    (the OpenID provider must know the app's callback address when it starts)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(app: Any, sock: socket.socket) -> Iterator[str]:
    """Serve `app` with uvicorn on `sock` in a thread until the block ends."""
    url = url_of(sock)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="ting-live-server", daemon=True)
    thread.start()
    try:
        _wait_until_up(url, thread)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serving_data(folder: Path, name: str, fill: Callable[[Session], None]) -> Iterator[str]:
    """A demo-mode Ting of its own on a fresh database (`name`), filled by `fill` in one unit
    of work, for a module of browser tests that need data the demo lacks."""
    with throwaway_database(name, folder) as url:
        engine = make_engine(url)
        upgrade(engine)
        with unit_of_work(engine) as session:
            fill(session)
        settings = Settings(database_url=url, secret_key=LIVE_SECRET, demo=True,
                            mail_sender=False, _env_file=None)  # type: ignore[call-arg]
        with serving(create_app(settings, engine=engine), free_socket()) as base:
            yield base
        engine.dispose()


@pytest.fixture(scope="session")
def live_engine(live_database_url: str) -> Iterator[Engine]:
    """The browser tests' database, migrated, with the demo data."""
    engine = make_engine(live_database_url)
    upgrade(engine)
    load_demo(engine, ROOT / "programs")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_database_url: str, live_engine: Engine) -> Iterator[str]:
    """Ting in demo mode with the demo data, served by uvicorn on a free local port."""
    settings = Settings(database_url=live_database_url, secret_key=LIVE_SECRET, demo=True,
                        _env_file=None)  # type: ignore[call-arg]
    with serving(create_app(settings, engine=live_engine), free_socket()) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright gives every context this base URL, so pages can goto("/demo")."""
    return live_server
