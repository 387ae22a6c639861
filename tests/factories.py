"""Build test data the way trainers do: YAML through the validator and the import service."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User
from app.cohorts import service as cohorts_service
from app.cohorts.service import Member
from app.sync import service as sync_service
from app.sync.validate import Bundle, validate_texts

PROGRAM = """\
kind: program
id: testprog
title: Test programme
language: en
completion: {must: all, can: 1}
themes:
  - {key: basics, title: The basics}
  - {key: deeper, title: Going deeper}
things:
  - key: intro
    title: Introduce yourself
    kind: must
    theme: basics
    due: week 1
    minutes: 15
    body: |
      Say **hello** in the forum.
    links: [{title: Guide, url: "https://example.org/guide"}]
  - key: reflect
    title: Write a reflection
    kind: must
    theme: basics
    due: week 2
    reflection: {prompt: What did you learn?, required: true, min_words: 5}
  - key: screencast
    title: Make a screencast
    kind: can
    theme: deeper
    evidence: url
  - key: plan
    title: Action plan
    kind: can
    theme: deeper
    evidence: approval
  - key: later
    title: Opens later
    kind: can
    theme: deeper
    opens: week 5
    due: week 6
  - key: extra
    title: Something extra
    kind: optional
"""


def cohort_yaml(
    *, key: str = "testcohort", starts: date | None = None, participants: list[str] | None = None,
    program: str = "testprog", timezone: str = "Europe/Amsterdam",
) -> str:
    """A cohort that started a few days ago, so statuses are open / locked as described."""
    starts = starts or date.today() - timedelta(days=3)
    ends = starts + timedelta(days=120)
    people = participants if participants is not None else ["anna@example.org", "bram@example.org"]
    lines = "\n".join(
        f"  - {{email: {email}, name: {email.split('@')[0].title()}, organization: Lib}}"
        for email in people
    )
    return textwrap.dedent(f"""\
        kind: cohort
        id: {key}
        program: {program}
        title: Cohort {key}
        timezone: {timezone}
        starts: {starts.isoformat()}
        ends: {ends.isoformat()}
        organizations: [Lib]
        trainers: [trainer@example.org]
        managers: [manager@example.org]
        participants:
        """) + lines + "\n"


def validate(*texts: str, lookup=None) -> Bundle:  # type: ignore[no-untyped-def]
    sources = [(Path(f"file{i}.yaml"), f"file{i}.yaml", t) for i, t in enumerate(texts)]
    return validate_texts(sources, lookup=lookup)


def load(db: Session, *texts: str) -> list[sync_service.Change]:
    """Validate and import YAML texts; fails the test if they are not valid."""
    bundle = validate(*texts, lookup=lambda key: sync_service.program_facts(db, key))
    assert bundle.ok, "\n".join(str(p) for p in bundle.problems)
    changes = sync_service.apply_bundle(db, bundle=bundle)
    db.commit()
    return changes


def load_standard(db: Session, **cohort_options: object) -> None:
    load(db, PROGRAM, cohort_yaml(**cohort_options))  # type: ignore[arg-type]


def user(db: Session, email: str) -> User:
    found = auth_service.get_user_by_email(db, email=email)
    assert found is not None, email
    return found


def member(db: Session, email: str, cohort: str = "testcohort") -> Member:
    return cohorts_service.get_member(db, user=user(db, email), cohort_key=cohort)


def token_for(db: Session, email: str) -> dict[str, str]:
    """Authorization headers with a fresh personal access token."""
    _token, plain = auth_service.create_token(db, email=email, name="test")
    return {"Authorization": f"Bearer {plain}"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: TestClient, email: str) -> str:
    """Sign in through the demo login as a browser would; returns the session's CSRF token."""
    page = client.get("/demo")
    response = client.post("/demo", data={"email": email, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/cohorts").text)
