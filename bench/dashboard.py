"""Benchmark: a trainer's figures for a cohort of 10,000 participants x 23 Things: the
dashboard (JSON and page), the progress matrix and the CSV export, on SQLite, and on
PostgreSQL when BENCH_POSTGRES_URL names a server (a database `ting_bench` is made there).

Requests are sent one at a time to Ting served by uvicorn as `ting serve` does; it prints the
median and the 95th percentile of each. Run it with `make bench`.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.auth import service as auth_service
from app.config import ROOT
from app.db import make_engine, unit_of_work
from bench.my_things import PARTICIPANTS, SECRET, build, free_port, server

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
TARGETS = {  # what the figures must stay under (DESIGN: a trainer waits for nothing)
    "sqlite": {"dashboard": 300, "csv": 5000},
    "postgresql": {"dashboard": 200, "csv": 5000},
}


def postgres_database(server_url: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "ting_bench" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "ting_bench"'))
    admin.dispose()
    return make_url(server_url).set(database="ting_bench").render_as_string(hide_password=False)


def timings(client: httpx.Client, path: str, rounds: int) -> dict[str, float]:
    for _ in range(3):  # warm the caches a running server has
        assert client.get(path).status_code == 200
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    ms = sorted(s * 1000 for s in seconds)
    return {"p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1),
            "bytes": len(response.content)}


def measure(database_url: str) -> dict[str, dict[str, float]]:
    build(database_url)
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        _token, plain = auth_service.create_token(session, email="trainer@bench.example.org",
                                                  name="bench")
    engine.dispose()
    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "TING_DATABASE_URL": database_url, "TING_SECRET_KEY": SECRET,
           "TING_MAIL_SENDER": "false"}
    args = [str(bin_dir / "uvicorn"), "app.main:create_app", "--factory", "--port", str(port),
            "--log-level", "warning", "--no-access-log"]
    results = {}
    with server(args, env, port), httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=60,
            headers={"Authorization": f"Bearer {plain}"}) as client:
        cohort = "/api/v1/cohorts/bench-cohort"
        results["dashboard"] = timings(client, f"{cohort}/dashboard", ROUNDS)
        results["matrix"] = timings(client, f"{cohort}/matrix", ROUNDS)
        results["csv"] = timings(client, f"{cohort}/dashboard.csv", max(3, ROUNDS // 6))
    return results


def main() -> None:
    runs: dict[str, dict[str, dict[str, float]]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="ting-bench-dashboard-"))
    runs["sqlite"] = measure(f"sqlite:///{workdir / 'bench.db'}")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        runs["postgresql"] = measure(postgres_database(postgres))
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(runs, indent=2))
    for database, figures in runs.items():
        for what, row in figures.items():
            target = TARGETS[database].get(what)
            verdict = "" if target is None else (
                f" (goal: p95 under {target} ms: {'met' if row['p95_ms'] < target else 'NOT met'})")
            print(f"{database:10} {what:9} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                  f"{row['bytes'] / 1000:8.1f} kB{verdict}")
    print(f"({PARTICIPANTS} participants x 23 Things; requests one at a time)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
