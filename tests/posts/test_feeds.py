"""Atom feeds of posts and the iCalendar feed of deadlines, read back with real parsers, at
private addresses that can be renewed."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from tests.fixtures.builders import ANNA, BRAM, PROGRAM, cohort_yaml, load, today_in
from tests.fixtures.people import sign_in, token_for

POSTS = "/api/v1/cohorts/testcohort/posts"


def feed_addresses(client: TestClient) -> list[str]:
    """The private feed addresses on the signed-in person's account page, as paths."""
    page = client.get("/account").text
    return [re.sub(r"^https?://[^/]+", "", url)
            for url in re.findall(r'<code class="token">(https?://[^<]+/feeds/[^<]+)</code>', page)]


def test_the_stream_feed_holds_what_its_reader_may_read(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna, bram = token_for(db, ANNA), token_for(db, BRAM)
    client.post(POSTS, headers=bram, json={"title": "Bram's open post", "body": "For *all*",
                                           "thing": "intro"})
    client.post(POSTS, headers=bram, json={"title": "Bram's private post", "body": "Secret",
                                           "visibility": "private"})
    client.post(POSTS, headers=anna, json={"title": "Anna's own private post", "body": "Mine",
                                           "visibility": "private"})
    sign_in(client, ANNA)
    stream = next(a for a in feed_addresses(client) if a.endswith("/stream.atom"))
    client.cookies.clear()  # a feed reader sends no cookies
    response = client.get(stream)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert sorted(e.title for e in feed.entries) == ["Anna's own private post", "Bram's open post"]
    bram_entry = next(e for e in feed.entries if e.title == "Bram's open post")
    assert bram_entry.author == "Bram"
    assert "<em>all</em>" in bram_entry.content[0].value
    assert bram_entry.link.startswith("http") and "/posts/" in bram_entry.link


def test_blog_and_thing_feeds(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    bram = token_for(db, BRAM)
    client.post(POSTS, headers=bram, json={"title": "On intro", "body": "x", "thing": "intro"})
    client.post(POSTS, headers=bram, json={"title": "Elsewhere", "body": "y"})
    sign_in(client, BRAM)
    blog = next(a for a in feed_addresses(client) if "/blog/" in a)
    key = blog.split("/")[2]
    client.cookies.clear()
    titles = [e.title for e in feedparser.parse(client.get(blog).content).entries]
    assert titles == ["Elsewhere", "On intro"]
    on_intro = feedparser.parse(client.get(f"/feeds/{key}/c/testcohort/things/intro.atom").content)
    assert on_intro.bozo == 0 and [e.title for e in on_intro.entries] == ["On intro"]
    assert client.get(f"/feeds/{key}/c/testcohort/things/nope.atom").status_code == 404


def test_a_wrong_or_renewed_key_finds_nothing(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    csrf = sign_in(client, ANNA)
    old = feed_addresses(client)
    assert len(old) == 3  # deadlines; the cohort's stream; my blog
    key = old[0].split("/")[2]
    assert client.get(old[0].replace(key, key[:-1] + ("0" if key[-1] != "0" else "1"))).status_code == 404
    assert client.get(old[0].replace(key, "1-nonsense")).status_code == 404
    renewed = client.post("/account/feeds/renew", data={"csrf_token": csrf})
    assert renewed.status_code == 303
    new = feed_addresses(client)
    assert new != old
    assert [client.get(a).status_code for a in old] == [404, 404, 404]
    assert [client.get(a).status_code for a in new] == [200, 200, 200]
    # another cohort's feed with my key: not mine, not found
    assert client.get(new[1].replace("testcohort", "other")).status_code == 404


def test_the_deadlines_calendar(client: TestClient, db: Session) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load(db, PROGRAM, cohort_yaml(starts=starts))
    sign_in(client, ANNA)
    deadlines = next(a for a in feed_addresses(client) if a.endswith(".ics"))
    client.cookies.clear()
    response = client.get(deadlines)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Due: Introduce yourself (Cohort testcohort)", "Due: Write a reflection (Cohort testcohort)",
        "Opens: Opens later (Cohort testcohort)", "Due: Opens later (Cohort testcohort)"}
    intro = events["Due: Introduce yourself (Cohort testcohort)"]
    assert intro.decoded("dtstart") == starts + timedelta(days=6)  # "week 1": the last day of it
    assert str(intro["url"]).endswith("/c/testcohort/things/intro")
    assert events["Opens: Opens later (Cohort testcohort)"].decoded("dtstart") == starts + timedelta(weeks=4)
