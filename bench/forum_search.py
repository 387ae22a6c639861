"""Benchmark: forum search over 50,000 posts (5,000 topics of ten posts each, from a cohort of
1,000 participants), through the API as a participant searches, on SQLite and on PostgreSQL
when BENCH_POSTGRES_URL names a server (a database `ting_bench` is made there).

The posts are written from a vocabulary of a few thousand words, some common and most rare, as
real text is; the queries mix common, rare, prefix and two-word searches. Requests go one at a
time; it prints the median and 95th percentile per query kind. Run it with `make bench`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text
from sqlmodel import Session

from app.auth import service as auth_service
from app.cohorts.models import Cohort, Membership
from app.config import ROOT
from app.db import make_engine, unit_of_work, upgrade
from app.forum.models import ForumPost, ForumTopic
from app.markdown import render_user_text
from app.sync import service as sync_service
from app.sync.validate import validate_texts
from bench.dashboard import postgres_database
from bench.my_things import SECRET, free_port, server

POSTS = int(os.environ.get("BENCH_FORUM_POSTS", "50000"))
PER_TOPIC = 10
PARTICIPANTS = 1000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
GOAL_MS = 50
CATEGORIES = ["Help desk", "Tips and tricks", "Ideas for our libraries", "Coffee break"]
COMMON = [
    "library", "loan", "book", "renew", "printer", "scanner", "patron", "app", "account",
    "card", "desk", "opening", "hours", "catalogue", "ebook", "audiobook", "wifi", "password",
    "chat", "reservation", "event", "children", "reading", "makerspace", "podcast", "video",
    "tablet", "phone", "digital", "help", "colleague", "training",
]


def vocabulary(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ter", "van", "sen", "ri", "bo", "ul", "den", "ja", "no"]
    rare = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
    return sorted(rare)


def sentence(rng: random.Random, rare: list[str], words: int) -> str:
    return " ".join(rng.choice(COMMON) if rng.random() < 0.35 else rng.choice(rare)
                    for _ in range(words)).capitalize() + "."


def cohort_text(starts: date) -> str:
    lines = ["kind: cohort", "id: bench-forum", "program: classic-23-things",
             "title: Forum benchmark", "timezone: Europe/Copenhagen",
             f"starts: {starts.isoformat()}", f"ends: {(starts + timedelta(days=150)).isoformat()}",
             "trainers: [trainer@bench.example.org]", "participants:"]
    lines += [f"  - {{email: f{i:04d}@bench.example.org, name: Reader {i}}}"
              for i in range(PARTICIPANTS)]
    return "\n".join(lines) + "\n"


def build(database_url: str) -> list[str]:
    """The cohort and its forum; the words the queries use."""
    engine = make_engine(database_url)
    upgrade(engine)
    program = (ROOT / "programs" / "classic-23-things.yaml").read_text()
    bundle = validate_texts([(ROOT / "programs" / "classic-23-things.yaml", "program.yaml", program),
                             (Path("cohort.yaml"), "cohort.yaml",
                              cohort_text(datetime.now(UTC).date() - timedelta(weeks=6)))])
    assert bundle.ok, bundle.problems
    rng = random.Random(50)
    rare = vocabulary(rng)
    t0 = time.perf_counter()
    with Session(engine) as session:
        sync_service.apply_bundle(session, bundle=bundle)
        session.commit()
        cohort = session.exec(select(Cohort)).scalars().one()  # type: ignore[call-overload]
        authors = session.exec(select(Membership.id).where(  # type: ignore[call-overload]
            Membership.role == "participant")).scalars().all()
        now = datetime.now(UTC)
        topics = [{"cohort_id": cohort.id, "category": CATEGORIES[i % len(CATEGORIES)],
                   "title": sentence(rng, rare, 5)[:-1], "author_id": rng.choice(authors),
                   "created_at": now - timedelta(minutes=i), "last_activity_at": now - timedelta(minutes=i),
                   "replies": PER_TOPIC - 1} for i in range(POSTS // PER_TOPIC)]
        session.execute(insert(ForumTopic), topics)
        topic_ids = session.exec(select(ForumTopic.id).order_by(ForumTopic.id)).scalars().all()  # type: ignore[call-overload]
        posts = []
        for topic_id, topic in zip(topic_ids, topics, strict=True):
            for n in range(PER_TOPIC):
                body = " ".join(sentence(rng, rare, rng.randint(8, 20))
                                for _ in range(rng.randint(1, 4)))
                posts.append({"topic_id": topic_id, "author_id": rng.choice(authors),
                              "title": topic["title"] if n == 0 else "", "body": body,
                              "body_html": render_user_text(body), "created_at": topic["created_at"]})
        for start in range(0, len(posts), 5000):
            session.execute(insert(ForumPost), posts[start:start + 5000])
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:  # what autovacuum would do after a bulk load
            connection.execute(text("ANALYZE"))
            connection.commit()
    print(f"{len(posts)} forum posts in {len(topics)} topics: {time.perf_counter() - t0:.1f} s")
    engine.dispose()
    return rare


def timings(client: httpx.Client, queries: list[str]) -> dict[str, float]:
    path = "/api/v1/cohorts/bench-forum/forum/search"
    for q in queries[:3]:
        assert client.get(path, params={"q": q}).status_code == 200
    ms = []
    for i in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path, params={"q": queries[i % len(queries)]})
        ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    ms.sort()
    return {"p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1),
            "hits": len(response.json()["hits"])}


def measure(database_url: str) -> dict[str, dict[str, float]]:
    rare = build(database_url)
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        _token, plain = auth_service.create_token(session, email="f0001@bench.example.org",
                                                  name="bench")
    engine.dispose()
    rng = random.Random(7)
    kinds = {
        "common word": [rng.choice(COMMON) for _ in range(20)],
        "rare word": [rng.choice(rare) for _ in range(20)],
        "prefix": [rng.choice(COMMON)[:3] for _ in range(20)],
        "two words": [f"{rng.choice(COMMON)} {rng.choice(COMMON)}" for _ in range(20)],
    }
    port = free_port()
    env = {**os.environ, "TING_DATABASE_URL": database_url, "TING_SECRET_KEY": SECRET,
           "TING_MAIL_SENDER": "false"}
    args = [str(Path(sys.executable).parent / "uvicorn"), "app.main:create_app", "--factory",
            "--port", str(port), "--log-level", "warning", "--no-access-log"]
    with server(args, env, port), httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=60,
            headers={"Authorization": f"Bearer {plain}"}) as client:
        return {kind: timings(client, queries) for kind, queries in kinds.items()}


def main() -> None:
    runs: dict[str, dict[str, dict[str, float]]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="ting-bench-forum-"))
    runs["sqlite"] = measure(f"sqlite:///{workdir / 'bench.db'}")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        runs["postgresql"] = measure(postgres_database(postgres))
    shutil.rmtree(workdir, ignore_errors=True)
    for database, figures in runs.items():
        for kind, row in figures.items():
            verdict = "met" if row["p95_ms"] < GOAL_MS else "NOT met"
            print(f"{database:10} {kind:12} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms"
                  f"  ({row['hits']} hits on the last page; goal: p95 under {GOAL_MS} ms: {verdict})")
    print(f"({POSTS} forum posts; searches one at a time through the API)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "forum_search.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
