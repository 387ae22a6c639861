"""Benchmark: My Things for a cohort of 10,000 participants x 23 Things, as a page and
through the API.

It builds the data (programme and cohort through the real import, progress in bulk), runs
the app with uvicorn as `ting serve` does and a bare Starlette app with the same settings,
signs in a few hundred participants through the demo login (and gives as many a personal
access token), and drives each with wrk. It prints requests per second and the ratios to the
bare Starlette endpoint; run it with `make bench`.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text
from sqlmodel import Session

from app.auth import service as auth_service
from app.cohorts.models import Cohort, Membership
from app.config import ROOT
from app.db import make_engine, unit_of_work, upgrade
from app.markdown import render_user_text
from app.posts.models import Post
from app.programs.models import Thing
from app.programs.schedule import thing_window
from app.progress.models import Completion
from app.sync import service as sync_service
from app.sync.validate import validate_texts

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "10000"))
SIGNED_IN = int(os.environ.get("BENCH_SIGNED_IN", "300"))
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
SECRET = "bench-secret-" + "b" * 40
ORGANIZATIONS = ["Randers", "Herning", "Copenhagen", "Aarhus", "Odense"]
REFLECTION = ("I tried it at the desk today and it worked better than I expected. " * 8).strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cohort_text(starts: date) -> str:
    lines = [
        "kind: cohort", "id: bench-cohort", "program: classic-23-things",
        "title: Benchmark cohort", "timezone: Europe/Copenhagen",
        f"starts: {starts.isoformat()}", f"ends: {(starts + timedelta(days=150)).isoformat()}",
        f"organizations: [{', '.join(ORGANIZATIONS)}]", "trainers: [trainer@bench.example.org]",
        "participants:",
    ]
    for i in range(PARTICIPANTS):
        org = ORGANIZATIONS[i % len(ORGANIZATIONS)]
        lines.append(f"  - {{email: p{i:05d}@bench.example.org, name: Participant {i}, "
                     f"organization: {org}}}")
    return "\n".join(lines) + "\n"


REFLECTION_HTML = render_user_text(REFLECTION)  # as the app keeps it when a post is written


def build(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    program = (ROOT / "programs" / "classic-23-things.yaml").read_text()
    starts = datetime.now(UTC).date() - timedelta(weeks=10)  # about half the Things are open
    t0 = time.perf_counter()
    bundle = validate_texts([(ROOT / "programs" / "classic-23-things.yaml", "program.yaml", program),
                             (Path("cohort.yaml"), "cohort.yaml", cohort_text(starts))])
    assert bundle.ok, bundle.problems
    with Session(engine) as session:
        sync_service.apply_bundle(session, bundle=bundle)
        session.commit()
    print(f"import of {PARTICIPANTS} participants: {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    rng = random.Random(23)
    now = datetime.now(UTC)
    with Session(engine) as session:
        cohort = session.exec(select(Cohort)).scalars().one()  # type: ignore[call-overload]
        things = session.exec(select(Thing).order_by(Thing.position)).scalars().all()  # type: ignore[call-overload]
        members = session.exec(select(Membership.id).where(Membership.role == "participant")).scalars().all()  # type: ignore[call-overload]
        available = [t for t in things if (thing_window(
            opens=t.opens, due=t.due, override=None, starts=cohort.starts_on,
            timezone=cohort.timezone).opens_at or now) <= now]
        completions, posts = [], []
        for membership_id in members:
            if rng.random() < 0.3:  # about 70% take part, as in the Danish programme
                continue
            done = rng.randint(1, len(available))
            for thing in available[:done]:
                when = now - timedelta(days=rng.randint(0, 60))
                completions.append({"membership_id": membership_id, "thing_id": thing.id,
                                    "completed_at": when, "approval": "not_needed"})
                posts.append({"cohort_id": cohort.id, "author_id": membership_id,
                              "thing_id": thing.id, "title": f"Reflection: {thing.title}",
                              "body": REFLECTION, "body_html": REFLECTION_HTML,
                              "word_count": len(REFLECTION.split()),
                              "visibility": "cohort", "created_at": when, "updated_at": when})
        session.execute(insert(Completion), completions)
        session.execute(insert(Post), posts)
        session.commit()
    print(f"progress: {len(completions)} completions and {len(posts)} reflections in "
          f"{time.perf_counter() - t0:.1f} s")
    if engine.dialect.name == "postgresql":
        # A server's autovacuum gathers the planner's statistics after a bulk load like this
        # one; a test server may run without it, so the benchmark does what it would.
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    engine.dispose()


@contextmanager
def server(args: list[str], env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    output = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(output) from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_many(base: str, count: int) -> list[str]:
    """Sign participants in through the demo login; lines of 'path cookie' for wrk."""
    lines = []
    for i in range(0, PARTICIPANTS, max(1, PARTICIPANTS // count)):
        with httpx.Client(base_url=base) as client:
            page = client.get("/login")  # small page; the session's CSRF token is on every page
            token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
            assert token, "no CSRF token on the sign-in page"
            response = client.post("/demo", data={
                "csrf_token": token.group(1), "email": f"p{i:05d}@bench.example.org"})
            assert response.status_code == 303, response.text
            check = client.get("/c/bench-cohort/things")
            assert check.status_code == 200 and "My Things" in check.text
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            lines.append(f"/c/bench-cohort/things {cookie}")
        if len(lines) >= count:
            break
    return lines


def tokens_for_many(database_url: str, count: int) -> list[str]:
    """Personal access tokens for as many participants; lines of 'path<TAB>header' for wrk."""
    engine = make_engine(database_url)
    lines = []
    with unit_of_work(engine) as session:
        for i in range(0, PARTICIPANTS, max(1, PARTICIPANTS // count)):
            _token, plain = auth_service.create_token(
                session, email=f"p{i:05d}@bench.example.org", name="bench")
            lines.append(f"/api/v1/cohorts/bench-cohort/things\tAuthorization: Bearer {plain}")
            if len(lines) >= count:
                break
    engine.dispose()
    return lines


def wrk(url: str, script: Path | None = None, script_args: list[str] | None = None) -> dict[str, float]:
    args = ["wrk", "-t", "2", "-c", CONNECTIONS, "-d", DURATION, "--latency"]
    if script:
        args += ["-s", str(script)]
    args.append(url)
    if script_args:
        args += ["--", *script_args]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses\n{out}")
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return {"rps": rps, "p50_ms": _ms(p50), "p99_ms": _ms(p99)}


def _ms(match: re.Match[str] | None) -> float:
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("make bench needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="ting-bench-"))
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    build(database_url)

    env = {**os.environ, "TING_DATABASE_URL": database_url, "TING_SECRET_KEY": SECRET}
    bin_dir = Path(sys.executable).parent
    uvicorn_flags = ["--log-level", "warning", "--no-access-log"]
    ting_port, bare_port = free_port(), free_port()
    ting = [str(bin_dir / "uvicorn"), "app.main:create_app", "--factory", "--port",
            str(ting_port), *uvicorn_flags]
    bare = [str(bin_dir / "uvicorn"), "bench.bare_app:app", "--port", str(bare_port),
            *uvicorn_flags]

    results: dict[str, object] = {"participants": PARTICIPANTS, "duration": DURATION,
                                  "connections": CONNECTIONS}
    with server(bare, env, bare_port):
        results["bare"] = wrk(f"http://127.0.0.1:{bare_port}/")
    with server(ting, {**env, "TING_DEMO": "true"}, ting_port):
        # the same app doing no work: what the framework and middleware cost on their own
        results["ting_healthz"] = wrk(f"http://127.0.0.1:{ting_port}/healthz")
        cookies = workdir / "cookies.txt"
        cookies.write_text("\n".join(sign_in_many(f"http://127.0.0.1:{ting_port}", SIGNED_IN)))
        rotate = Path(__file__).parent / "rotate.lua"
        results["my_things"] = wrk(f"http://127.0.0.1:{ting_port}", rotate, [str(cookies)])
        tokens = workdir / "tokens.txt"
        tokens.write_text("\n".join(tokens_for_many(database_url, SIGNED_IN)))
        results["api_things"] = wrk(f"http://127.0.0.1:{ting_port}", rotate, [str(tokens)])
        # the cohort stream, newest first, of a cohort with some 55,000 reflections
        streams = workdir / "streams.txt"
        streams.write_text(cookies.read_text().replace("/c/bench-cohort/things ",
                                                       "/c/bench-cohort/stream "))
        results["stream"] = wrk(f"http://127.0.0.1:{ting_port}", rotate, [str(streams)])
    bare_rps = results["bare"]["rps"]  # type: ignore[index]
    mine_rps = results["my_things"]["rps"]  # type: ignore[index]
    floor_rps = results["ting_healthz"]["rps"]  # type: ignore[index]
    api_rps = results["api_things"]["rps"]  # type: ignore[index]
    results["ratio"] = round(mine_rps / bare_rps, 3)
    results["api_ratio"] = round(api_rps / bare_rps, 3)
    results["floor_ratio"] = round(floor_rps / bare_rps, 3)
    stream_rps = results["stream"]["rps"]  # type: ignore[index]
    results["stream_ratio"] = round(stream_rps / bare_rps, 3)
    print(json.dumps(results, indent=2))
    print(f"Bare Starlette: {bare_rps:.0f} req/s")
    print(f"My Things page: {mine_rps:.0f} req/s, {results['ratio']:.1%} (goal: at least 10%)")
    print(f"My Things API:  {api_rps:.0f} req/s, {results['api_ratio']:.1%} (goal: at least 15%)")
    print(f"Stream page:    {stream_rps:.0f} req/s, {results['stream_ratio']:.1%} (goal: at least 5%)")
    print(f"Same app, /healthz (no work): {floor_rps:.0f} req/s, {results['floor_ratio']:.1%} "
          "of bare Starlette: the ceiling for any page of this stack")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "my_things.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
