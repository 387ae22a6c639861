"""`make screenshots`: the main pages at desktop and phone size, in English and Danish, as a
new user sees them on the demo data, written to docs/screenshots/."""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db import make_engine, upgrade  # noqa: E402
from app.demo import load_demo  # noqa: E402
from app.main import create_app  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 860}},
         "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                   "is_mobile": True, "has_touch": True}}
PARTICIPANT, TRAINER = "Anne Sørensen", "Mette Kjær"
COHORT = "/c/three-cities-2027"


def _serve(url_holder: list[str], database: Path) -> uvicorn.Server:
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    load_demo(engine, ROOT / "programs")
    settings = Settings(database_url=f"sqlite:///{database}", secret_key="s" * 48, demo=True,
                        mail_sender=False, _env_file=None)  # type: ignore[call-arg]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url_holder.append(f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine=engine),
                                           log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    for _ in range(200):
        try:
            urllib.request.urlopen(url_holder[0] + "/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the demo server did not start")


def _sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/demo")
    page.locator("button.person-button", has_text=name).first.click()
    page.wait_for_load_state()


def _language(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/cohorts")
    page.locator("#language-choice").select_option(code)
    page.locator(".language-switcher button").click()
    page.wait_for_load_state()


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=OUT / f"{name}.png", full_page=False)
    print(f"docs/screenshots/{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        holder: list[str] = []
        server = _serve(holder, Path(folder) / "screens.db")
        base = holder[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for size, options in SIZES.items():
                context = browser.new_context(locale="en-GB", **options)  # type: ignore[arg-type]
                page = context.new_page()
                page.goto(f"{base}/demo")
                _shoot(page, f"{size}-demo-sign-in")
                _sign_in(page, base, PARTICIPANT)
                _language(page, base, "en")
                _shoot(page, f"{size}-my-cohorts")
                page.goto(f"{base}{COHORT}/things")
                _shoot(page, f"{size}-my-things")
                page.locator(".next-up a.button").first.click()
                _shoot(page, f"{size}-thing")
                page.goto(f"{base}{COHORT}/stream")
                _shoot(page, f"{size}-stream")
                _language(page, base, "da")
                page.goto(f"{base}{COHORT}/things")
                _shoot(page, f"{size}-my-things-danish")
                _language(page, base, "en")
                context.close()
                context = browser.new_context(locale="en-GB", **options)  # type: ignore[arg-type]
                page = context.new_page()
                _sign_in(page, base, TRAINER)
                page.goto(f"{base}{COHORT}/desk")
                _shoot(page, f"{size}-trainer-desk")
                context.close()
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main()
