"""Benchmark: a region's load. 10,000 participants in five cohorts, four of the classic
programme and one of VerdiepDingen in groups of five with its final vote open (half have
voted), with progress, reflections, comments and forum topics; then simulated participants
doing mixed work through the API (voting too, in that cohort) against `ting serve`, as an
operator runs it.

It reports:
- importing the 10,000 people (five cohort files), and importing the same files again (how long,
  and how many statements wrote anything: none is the goal);
- 200 participants at a person's pace (a pause of 0.5-1.5 s between requests) for 60 s: p50,
  p95 and p99 latency, errors, "database is locked" answers, on SQLite with one worker and on
  PostgreSQL with two (goal: p95 under 250 ms, no error);
- the same mix without pauses, on PostgreSQL with 1, 2 and 4 workers: requests per second (the
  curve), and a bare Starlette endpoint driven the same way, for the ratio;
- each worker's resident memory after the load.

Run it with `make bench` (or `python -m bench.load`; BENCH_LOAD_SECONDS, BENCH_USERS and
BENCH_PARTICIPANTS make it shorter or smaller). Figures go in docs/performance.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import httpx
from sqlalchemy import event, insert, select, text
from sqlmodel import Session

from app.auth import service as auth_service
from app.cohorts import service as cohorts_service
from app.cohorts.models import Cohort, Member, Membership
from app.config import ROOT
from app.db import make_engine, unit_of_work, upgrade
from app.forum.models import ForumPost, ForumTopic
from app.markdown import render_user_text
from app.pitches import voting
from app.pitches.models import VotingState
from app.posts.models import Comment, Post
from app.programs.models import Evidence, Thing
from app.programs.schedule import thing_window
from app.progress.models import Completion
from app.sync import service as sync_service
from app.sync.validate import validate_texts
from bench.dashboard import postgres_database
from bench.my_things import free_port
from tests.fixtures.serving import ting_serving

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "10000"))
COHORTS = 5
USERS = int(os.environ.get("BENCH_USERS", "200"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CURVE_SECONDS = float(os.environ.get("BENCH_CURVE_SECONDS", "20"))
CURVE_USERS = 48  # enough to keep 4 workers busy without pauses
PER_COHORT = PARTICIPANTS // COHORTS
VOTING_COHORT, GROUP_SIZE = COHORTS - 1, 5
GROUPS = -(-PER_COHORT // GROUP_SIZE)  # in the voting cohort: groups of five, the last smaller
ORGANIZATIONS = ["Randers", "Herning", "Silkeborg", "Viborg", "Skive"]
TEXT = ("I tried it at the desk today and it worked better than I expected. " * 8).strip()
TEXT_HTML = render_user_text(TEXT)


def cohort_text(number: int, starts: datetime) -> str:
    """A cohort of the classic programme; the last one follows VerdiepDingen, in groups of
    five, so that the load has a final vote in it."""
    grouped = number == VOTING_COHORT
    lines = [
        "kind: cohort", f"id: region-{number}",
        f"program: {'verdiepdingen' if grouped else 'classic-23-things'}",
        f"title: Region cohort {number}", "timezone: Europe/Copenhagen",
        f"starts: {starts.date().isoformat()}",
        f"ends: {(starts + timedelta(days=150)).date().isoformat()}",
        f"organizations: [{ORGANIZATIONS[number]}]",
        f"trainers: [trainer{number}@bench.example.org]", "participants:"]
    lines += [f"  - {{email: p{number}-{i:05d}@bench.example.org, name: Participant {number}-{i}, "
              f"organization: {ORGANIZATIONS[number]}"
              + (f", group: {group_key(i // GROUP_SIZE)}}}" if grouped else "}")
              for i in range(PER_COHORT)]
    if grouped:
        lines += ["groups:"] + [f"  - {{key: {group_key(g)}, name: Group {g}}}"
                                for g in range(GROUPS)]
    return "\n".join(lines) + "\n"


def group_key(number: int) -> str:
    return f"g{number:04d}"


def files(starts: datetime) -> list[tuple[Path, str, str]]:
    found = [(ROOT / "programs" / name, name, (ROOT / "programs" / name).read_text())
             for name in ("classic-23-things.yaml", "verdiepdingen.yaml")]
    found += [(Path(f"cohort-{n}.yaml"), f"cohort-{n}.yaml", cohort_text(n, starts))
              for n in range(COHORTS)]
    return found


def timed_import(database_url: str, starts: datetime) -> tuple[float, int]:
    """Validate and import the files; seconds, and statements that wrote."""
    engine = make_engine(database_url)
    writes = 0

    def count(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        nonlocal writes
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes += 1

    event.listen(engine, "before_cursor_execute", count)
    t0 = time.perf_counter()
    bundle = validate_texts(files(starts))
    assert bundle.ok, bundle.problems[:5]
    with unit_of_work(engine) as session:
        sync_service.apply_bundle(session, bundle=bundle)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return seconds, writes


@dataclass
class Person:
    cohort: str
    token: str
    things: list[str]  # the open Things
    with_link: list[str]  # those of them done with a link to the work (the Thing asks for one)
    posts: list[int] = field(default_factory=list)  # posts of their cohort to comment on
    ballot: list[str] = field(default_factory=list)  # groups they may vote for (not their own)


def build(database_url: str) -> tuple[dict[str, float], list[Person]]:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    starts = datetime.now(UTC) - timedelta(weeks=10)  # about half the Things are open
    figures: dict[str, float] = {}
    figures["import_seconds"], _ = timed_import(database_url, starts)
    figures["reimport_seconds"], figures["reimport_writes"] = timed_import(database_url, starts)
    print(f"  import of {PARTICIPANTS} people in {COHORTS} cohorts: "
          f"{figures['import_seconds']:.1f} s; again, unchanged: "
          f"{figures['reimport_seconds']:.1f} s and {figures['reimport_writes']} writes")

    rng = random.Random(14)
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    people: list[Person] = []
    with Session(engine) as session:
        things = session.execute(select(Thing).order_by(Thing.position)).scalars().all()  # type: ignore[arg-type]
        for cohort in session.execute(select(Cohort).order_by(Cohort.key)).scalars():  # type: ignore[arg-type]
            members = session.execute(select(Membership.id).where(  # type: ignore[call-overload]
                Membership.cohort_id == cohort.id, Membership.role == "participant")).scalars().all()
            open_things = [t for t in things if t.program_id == cohort.program_id and (thing_window(
                opens=t.opens, due=t.due, override=None, starts=cohort.starts_on,
                timezone=cohort.timezone).opens_at or now) <= now]
            completions, posts = [], []
            for membership_id in members:
                if rng.random() < 0.3:
                    continue
                for thing in open_things[:rng.randint(1, len(open_things))]:
                    when = now - timedelta(days=rng.randint(0, 60))
                    completions.append({"membership_id": membership_id, "thing_id": thing.id,
                                        "completed_at": when, "approval": "not_needed"})
                    posts.append({"cohort_id": cohort.id, "author_id": membership_id,
                                  "thing_id": thing.id, "title": f"Reflection: {thing.title}",
                                  "body": TEXT, "body_html": TEXT_HTML, "word_count": 96,
                                  "visibility": "cohort", "created_at": when, "updated_at": when})
            session.execute(insert(Completion), completions)
            post_ids = session.execute(insert(Post).returning(Post.id), posts).scalars().all()  # type: ignore[arg-type]
            comments = [{"post_id": post_id, "author_id": rng.choice(members),
                         "body": "Thank you, that helped me too.", "created_at": now}
                        for post_id in rng.sample(post_ids, len(post_ids) // 5)]
            session.execute(insert(Comment), comments)
            for n in range(100):
                topic = ForumTopic(cohort_id=cohort.id, category="General", title=f"Question {n}",
                                   author_id=rng.choice(members), created_at=now,
                                   last_activity_at=now, replies=1)
                session.add(topic)
                session.flush()
                for _ in range(2):
                    session.add(ForumPost(topic_id=topic.id, author_id=rng.choice(members),
                                          title="", body=TEXT, body_html=TEXT_HTML, created_at=now))
            for membership_id in rng.sample(list(members), USERS // COHORTS):
                email = session.execute(text(
                    "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id "
                    "WHERE m.id = :m"), {"m": membership_id}).scalar_one()
                token = auth_service.create_token(session, email=email, name="bench")[1]
                people.append(Person(cohort.key, token, [t.key for t in open_things],
                                     [t.key for t in open_things if t.evidence != Evidence.none],
                                     rng.sample(post_ids, 50),
                                     others_groups(session, membership_id)))
            print(f"  {cohort.key}: {len(completions)} completions, {len(posts)} reflections, "
                  f"{len(comments)} comments, 100 forum topics")
        cast = open_the_vote(session, rng)
        print(f"  region-{VOTING_COHORT}: the vote open, {cast} ballots cast")
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    engine.dispose()
    return figures, people


def others_groups(session: Session, membership_id: int) -> list[str]:
    """The groups of a member's cohort other than their own (none outside the voting cohort)."""
    return list(session.execute(text(
        "SELECT g.key FROM cohort_groups g JOIN memberships m ON m.cohort_id = g.cohort_id "
        "WHERE m.id = :m AND m.group_id IS NOT NULL AND g.id <> m.group_id ORDER BY g.key"),
        {"m": membership_id}).scalars())


def open_the_vote(session: Session, rng: random.Random) -> int:
    """The voting cohort's trainer opens the vote, and half its participants have voted
    (through the service, as the API would)."""
    cohort_key = f"region-{VOTING_COHORT}"

    def member(email: str) -> Member:
        person = cohorts_service.rostered_person(session, email=email)
        assert person is not None
        return cohorts_service.get_member(session, user=person, cohort_key=cohort_key)

    voting.set_state(session, member=member(f"trainer{VOTING_COHORT}@bench.example.org"),
                     state=VotingState.open)
    voters = rng.sample(range(PER_COHORT), PER_COHORT // 2)
    for i in voters:
        choice = (i // GROUP_SIZE + rng.randrange(1, GROUPS)) % GROUPS  # never their own
        voting.cast_ballot(session, member=member(f"p{VOTING_COHORT}-{i:05d}@bench.example.org"),
                           group_keys=[group_key(choice)])
    return len(voters)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    locked: int = 0
    ballots: int = 0  # votes recorded (200)

    def summary(self, seconds: float) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]

        def at(share: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

        return {"requests": len(self.latencies), "per_second": round(len(self.latencies) / seconds, 1),
                "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
                "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
                "errors": sum(self.errors.values()), "locked": self.locked, "ballots": self.ballots}


Request = tuple[str, str, dict[str, object] | None]


def step(person: Person, rng: random.Random) -> list[Request]:
    """One thing a participant does: mostly reading, some writing."""
    base = f"/api/v1/cohorts/{person.cohort}"
    roll = rng.random()
    if roll < 0.30:
        return [("GET", f"{base}/things", None)]
    if roll < 0.45:
        return [("GET", f"{base}/things/{rng.choice(person.things)}", None)]
    if roll < 0.60:
        return [("GET", f"{base}/posts", None)]
    if roll < 0.70:
        return [("GET", f"{base}/forum/topics", None)]
    if roll < 0.80:  # a Thing done: the reflection it asks for, then "done"
        key = rng.choice(person.things)
        link = {"evidence_url": f"https://example.org/{key}"} if key in person.with_link else None
        return [("PUT", f"{base}/things/{key}/reflection", {"body": TEXT}),
                ("PUT", f"{base}/things/{key}/completion", link)]
    if roll < 0.90:
        return [("POST", f"{base}/posts", {"title": "A thought", "body": TEXT})]
    if person.ballot and roll < 0.95:  # the voting cohort: a vote, cast or changed
        return [("PUT", f"{base}/ballot", {"groups": [rng.choice(person.ballot)]})]
    return [("POST", f"/api/v1/posts/{rng.choice(person.posts)}/comments",
             {"body": "Good idea!"})]


async def participant(base: str, person: Person, until: float, tally: Tally,
                      rng: random.Random, pause: tuple[float, float] | None) -> None:
    """One person with a browser of their own: one keep-alive connection."""
    headers = {"Authorization": f"Bearer {person.token}"}
    if pause:
        await asyncio.sleep(rng.uniform(0, pause[1]))  # not all at the same moment
    async with client_for(base) as client:
        while time.monotonic() < until:
            for method, path, body in step(person, rng):
                t0 = time.monotonic()
                try:
                    async with client.request(method, path, json=body, headers=headers) as answer:
                        text = await answer.text()
                    if path.endswith("/ballot") and answer.status == 200:
                        tally.ballots += 1
                    if "database is locked" in text:
                        tally.locked += 1
                    if answer.status >= 400:
                        what = "/".join(path.split("/")[5:7])  # things/KEY, posts, forum/topics
                        tally.errors[f"{method} {what} {answer.status}"] += 1
                except (aiohttp.ClientError, TimeoutError) as exc:
                    tally.errors[type(exc).__name__] += 1
                tally.latencies.append(time.monotonic() - t0)
            if pause:
                await asyncio.sleep(rng.uniform(*pause))


def client_for(base: str, connections: int = 1) -> aiohttp.ClientSession:
    """The driver's HTTP client. aiohttp, not httpx: on the same cores as the server, the
    driver's own CPU per request is taken from the server's, and aiohttp's (with its parser
    in C) is a sixth of httpx's here (0.5 ms against 3.0 ms for a small answer)."""
    return aiohttp.ClientSession(base_url=base, timeout=aiohttp.ClientTimeout(total=30),
                                 connector=aiohttp.TCPConnector(limit=connections))


async def drive(base: str, people: list[Person], seconds: float,
                pause: tuple[float, float] | None) -> dict[str, float]:
    tally = Tally()
    until = time.monotonic() + seconds
    await asyncio.gather(*(participant(base, p, until, tally, random.Random(i), pause)
                           for i, p in enumerate(people)))
    found = tally.summary(seconds)
    if tally.errors:
        found["error_kinds"] = dict(tally.errors)  # type: ignore[assignment]
    return found


async def drive_bare(base: str, users: int, seconds: float) -> float:
    count = 0
    async with client_for(base, connections=users) as client:
        until = time.monotonic() + seconds

        async def one() -> None:
            nonlocal count
            while time.monotonic() < until:
                async with client.get("/") as answer:
                    await answer.read()
                count += 1

        await asyncio.gather(*(one() for _ in range(users)))
    return count / seconds


def worker_memory(parent: int) -> list[float]:
    """Resident memory (MB) of the server's worker processes (the process itself, if alone)."""
    children = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True)
    pids = [int(p) for p in children.stdout.split()] or [parent]
    sizes = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def bare_rate(seconds: float) -> float:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    process = subprocess.Popen([str(bin_dir / "uvicorn"), "bench.bare_app:app", "--port",
                                str(port), "--log-level", "warning", "--no-access-log"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        return asyncio.run(drive_bare(f"http://127.0.0.1:{port}", CURVE_USERS, seconds))
    finally:
        process.terminate()
        process.wait(timeout=10)


def paced_run(database_url: str, workers: int) -> tuple[dict[str, object], list[Person]]:
    """Import the region into a new database, then a minute (SECONDS) of paced participants
    against `workers` workers: the import's figures, the load's, and the workers' memory."""
    imported, people = build(database_url)
    with ting_serving(database_url, "--workers", str(workers), ready_within=120,
                      TING_MAIL_SENDER="false") as (base, process):
        paced = asyncio.run(drive(base, people, SECONDS, (0.5, 1.5)))
        memory = worker_memory(process.pid)
    print(f"  {workers} worker(s), paced: {paced}")
    return {"import": imported, "paced": paced, "rss_mb": memory}, people


def main() -> None:
    results: dict[str, object] = {"participants": PARTICIPANTS, "cohorts": COHORTS,
                                  "users": USERS, "seconds": SECONDS, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="ting-load-") as folder:
        print("SQLite:")
        results["sqlite_1_worker"], _ = paced_run(f"sqlite:///{Path(folder) / 'region.db'}", 1)
    server = os.environ.get("BENCH_POSTGRES_URL")
    if server:
        print("PostgreSQL:")
        postgres_url = postgres_database(server)
        results["postgres_2_workers"], people = paced_run(postgres_url, 2)
        curve = {}
        for workers in (1, 2, 4):
            with ting_serving(postgres_url, "--workers", str(workers), ready_within=120,
                              TING_MAIL_SENDER="false") as (base, _process):
                found = asyncio.run(drive(base, people[:CURVE_USERS], CURVE_SECONDS, None))
            curve[workers] = found
            print(f"  {workers} worker(s), no pauses: {found['per_second']} req/s, "
                  f"p95 {found['p95_ms']} ms, errors {found['errors']}")
        results["postgres_curve"] = curve
        bare = bare_rate(CURVE_SECONDS)
        results["bare_starlette_per_second"] = round(bare, 1)
        results["curve_ratios"] = {w: round(c["per_second"] / bare, 3) for w, c in curve.items()}
        print(f"  bare Starlette, same driver: {bare:.0f} req/s")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
