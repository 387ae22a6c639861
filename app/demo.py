"""Demo mode: the example programmes and their demo cohorts, dated around today, with some
progress already made, so every status shows up on the first visit."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import Cohort, Membership, Role
from app.cohorts.service import get_member
from app.db import unit_of_work
from app.errors import DomainError
from app.posts import service as posts_service
from app.programs.models import Program
from app.programs.schedule import parse_rule
from app.progress import service as progress_service
from app.progress.models import ThingStatus
from app.sync import service as sync_service
from app.sync.cohorts import CohortSpec
from app.sync.validate import validate_paths

DEMO_WEEKS_IN = 3  # the demo cohorts started this many weeks ago

SAMPLE_REFLECTION = (
    "I tried this out at the service desk and at home. Setting it up took longer than I "
    "expected, mostly because the help pages assume you already know the words they use. "
    "Once it worked I could see how it would help our patrons, especially people who come "
    "to us for help with their phones. I want to show two colleagues next week and write a "
    "short guide for the desk, so that we answer questions the same way. Next time I will "
    "start with the simplest option and only then look at the settings."
)


class DemoError(RuntimeError):
    pass


def shift_cohort(spec: CohortSpec, starts: date) -> CohortSpec:
    """The same cohort moved in time so that it starts on `starts`."""
    delta = starts - spec.starts
    overrides = {
        key: (str(parse_rule(rule).on + delta) if parse_rule(rule).on else rule)  # type: ignore[operator]
        for key, rule in spec.due_overrides.items()
    }
    return replace(
        spec, starts=spec.starts + delta, ends=spec.ends + delta,
        final_session=spec.final_session + delta if spec.final_session else None,
        pitch_due=spec.pitch_due + delta if spec.pitch_due else None, due_overrides=overrides,
    )


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(Program.id).limit(1)).first() is None


def foreign_cohorts(engine: Engine, programs_dir: Path) -> list[str]:
    """Cohorts in the database that the demo files do not define: real people's data.
    The demo login would let anyone sign in as them, so demo mode refuses such a database."""
    bundle = validate_paths([programs_dir])
    demo_keys = {c.key for c in bundle.cohorts}
    with Session(engine) as session:
        keys = session.exec(select(Cohort.key)).all()
    return sorted(k for k in keys if k not in demo_keys)


def load_demo(engine: Engine, programs_dir: Path, *, today: date | None = None) -> list[str]:
    """Import the demo data; returns what was imported, one line per change."""
    today = today or datetime.now(UTC).date()
    bundle = validate_paths([programs_dir])
    if not bundle.ok:
        raise DemoError("the demo programmes are not valid:\n" +
                        "\n".join(str(p) for p in bundle.problems))
    starts = today - timedelta(weeks=DEMO_WEEKS_IN)
    bundle.cohorts = [shift_cohort(c, starts) for c in bundle.cohorts]
    with unit_of_work(engine) as session:
        changes = sync_service.apply_bundle(session, bundle=bundle)
        _make_progress(session)
    return sync_service.summarise(changes)


def _make_progress(session: Session) -> None:
    """Each participant has done some of what is open to them, more or less by chance."""
    rows = session.exec(
        select(Membership).where(Membership.role == Role.participant, col(Membership.is_active))
    ).all()
    for membership in rows:
        user = session.get(User, membership.user_id)
        cohort = session.get(Cohort, membership.cohort_id)
        assert user is not None and cohort is not None
        member = get_member(session, user=user, cohort_key=cohort.key)
        eagerness = int(hashlib.sha256(user.email.encode()).hexdigest(), 16) % 100 / 100
        overview = progress_service.my_things(session, member=member)
        available = [v for v in overview.things if v.status != ThingStatus.locked]
        for view in available[: round(len(available) * eagerness)]:
            if view.needs_approval:
                continue  # left for the trainer's desk
            try:
                if view.takes_reflection:
                    posts_service.save_reflection(session, member=member, key=view.thing.key,
                                                  body=SAMPLE_REFLECTION)
                evidence = ("https://example.org/work/" + view.thing.key
                            if view.asks_for_link else None)
                progress_service.complete_thing(session, member=member, key=view.thing.key,
                                                evidence_url=evidence)
            except DomainError:
                continue
