"""Benchmark: the final session's burst. 400 participants vote within about two seconds
through the API of `ting serve`, as an operator runs it: one worker on SQLite, and on
PostgreSQL when BENCH_POSTGRES_URL names a server (a database `ting_bench` is made there), one
worker and then two, as a region runs it. Each twice: on a server just started ("cold": its
database connections, and PostgreSQL's processes behind them, are opened by the ballots), and
"warmed", after each voter has opened the vote, as the room does while the pitches end.

It prints how long the burst took, the median and 95th percentile of the ballots' latency,
errors, and whether every ballot was recorded exactly once. Run it with `make bench`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, make_url, select
from sqlmodel import Session

from app.auth import service as auth_service
from app.cohorts import service as cohorts_service
from app.config import ROOT
from app.db import make_engine, unit_of_work, upgrade
from app.pitches import voting
from app.pitches.models import Ballot, BallotChoice, VotingState
from app.sync import service as sync_service
from app.sync.validate import validate_texts
from bench.dashboard import postgres_database
from tests.fixtures.serving import ting_serving

VOTERS = int(os.environ.get("BENCH_VOTERS", "400"))
WINDOW_S = 2.0  # the burst is spread over this long, as people press "vote" after the pitches
GOAL_MS = 300
GROUPS = 8
VOTING = "/api/v1/cohorts/bench-final/voting"
BALLOT = "/api/v1/cohorts/bench-final/ballot"


def texts() -> list[tuple[Path, str, str]]:
    program = (ROOT / "programs" / "verdiepdingen.yaml").read_text()
    program = program.replace("groups: {max_size: 5, self_select: true}",
                              f"groups: {{max_size: {VOTERS}, self_select: true}}")
    lines = ["kind: cohort", "id: bench-final", "program: verdiepdingen",
             "title: Final session benchmark", "timezone: Europe/Amsterdam",
             "starts: 2027-01-11", "ends: 2027-04-02", "trainers: [trainer@bench.example.org]",
             "participants:"]
    lines += [f"  - {{email: v{i:04d}@bench.example.org, name: Voter {i}, group: g{i % GROUPS}}}"
              for i in range(VOTERS)]
    lines += ["groups:"] + [f"  - {{key: g{g}, name: Group {g}}}" for g in range(GROUPS)]
    return [(Path("program.yaml"), "program.yaml", program),
            (Path("cohort.yaml"), "cohort.yaml", "\n".join(lines) + "\n")]


def build(database_url: str) -> list[tuple[str, str]]:
    """The cohort with its groups, the vote open, and each voter's token and choice."""
    engine = make_engine(database_url)
    upgrade(engine)
    bundle = validate_texts(texts())
    assert bundle.ok, bundle.problems
    voters = []
    with unit_of_work(engine) as session:
        sync_service.apply_bundle(session, bundle=bundle)
    with unit_of_work(engine) as session:
        person = cohorts_service.rostered_person(session, email="trainer@bench.example.org")
        assert person is not None
        trainer = cohorts_service.get_member(session, user=person, cohort_key="bench-final")
        voting.set_state(session, member=trainer, state=VotingState.open)
        for i in range(VOTERS):
            _token, plain = auth_service.create_token(
                session, email=f"v{i:04d}@bench.example.org", name="bench")
            voters.append((plain, f"g{(i + 1) % GROUPS}"))  # never their own group
    engine.dispose()
    return voters


class Connections:
    """Keep-alive HTTP/1.1 connections to the server, written and read by hand: the load
    generator shares the machine's two cores with the server (and PostgreSQL), so it must
    cost as little as it can (a full HTTP client took about half a core at this rate)."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue())
        self.size = size

    async def open(self) -> None:
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))

    async def request(self, method: str, path: str, token: str, body: bytes = b"") -> int:
        reader, writer = await self.idle.get()
        try:
            writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            return status
        finally:
            self.idle.put_nowait((reader, writer))

    async def close(self) -> None:
        while not self.idle.empty():
            _reader, writer = self.idle.get_nowait()
            writer.close()


async def burst(port: int, voters: list[tuple[str, str]],
                warmed: bool) -> tuple[float, list[float], int]:
    """The ballots, spread over WINDOW_S; `warmed`: first the room opens the vote (each voter
    reads its state once), as people do while the pitches end, on a server that is serving."""
    connections = Connections(port, size=100)
    await connections.open()
    latencies: list[float] = []
    errors = 0
    if warmed:
        opened = await asyncio.gather(*(connections.request("GET", VOTING, token)
                                        for token, _group in voters))
        assert set(opened) == {200}, opened
        await asyncio.sleep(1)

    async def vote(i: int, token: str, group: str) -> None:
        nonlocal errors
        await asyncio.sleep(WINDOW_S * i / len(voters))
        started = time.perf_counter()
        status = await connections.request("PUT", BALLOT, token,
                                           json.dumps({"groups": [group]}).encode())
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(vote(i, token, group) for i, (token, group) in enumerate(voters)))
    seconds = time.perf_counter() - started
    await connections.close()
    return seconds, latencies, errors


def measure(database_url: str, workers: int, warmed: bool) -> dict[str, float | str]:
    voters = build(database_url)
    with ting_serving(database_url, "--workers", str(workers), TING_MAIL_SENDER="false") as (
            base, _process):
        port = int(base.rsplit(":", 1)[1])
        time.sleep(2)  # with two workers, the first to answer may not be the last to start
        seconds, latencies, errors = asyncio.run(burst(port, voters, warmed))
    engine = make_engine(database_url)
    with Session(engine) as session:
        ballots = session.execute(select(func.count()).select_from(Ballot)).scalar_one()
        choices = session.execute(select(func.count()).select_from(BallotChoice)).scalar_one()
    engine.dispose()
    latencies.sort()
    return {"database": make_url(database_url).get_backend_name(), "workers": workers,
            "when": "warmed" if warmed else "cold", "voters": len(voters),
            "seconds": round(seconds, 2), "errors": errors,
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1),
            "ballots": ballots, "choices": choices}


def main() -> None:
    runs: list[dict[str, float | str]] = []
    workdir = Path(tempfile.mkdtemp(prefix="ting-bench-final-"))
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    for warmed in (False, True):  # each on a new database, the vote just opened
        runs.append(measure(f"sqlite:///{workdir / f'{warmed}.db'}", 1, warmed))
        if postgres:
            runs += [measure(postgres_database(postgres), workers, warmed) for workers in (1, 2)]
    shutil.rmtree(workdir, ignore_errors=True)
    for row in runs:
        once = row["ballots"] == row["voters"] == row["choices"]
        workers = f"{row['workers']} worker{'s' if row['workers'] != 1 else ''}"
        database = f"{row['database']}, {workers}, {row['when']}"
        print(f"{database:30} {row['voters']} ballots in {row['seconds']} s: p50 {row['p50_ms']} ms, "
              f"p95 {row['p95_ms']} ms, {row['errors']} errors, each recorded once: {once} "
              f"(goal: p95 under {GOAL_MS} ms: {'met' if row['p95_ms'] < GOAL_MS else 'NOT met'})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "final_session.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
