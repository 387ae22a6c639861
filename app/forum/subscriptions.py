"""Following the forum by mail: a topic or a category, each new reply at once or at most one
digest a day. Mail goes through the outbox, in each reader's language; nobody is told of their
own posts, of hidden ones, or of a group's space they may not enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import Cohort, CohortGroup, Member, Membership, Role
from app.db import id_of, insert_or_ignore
from app.forum.models import ForumDigest, ForumPost, ForumSubscription, ForumTopic
from app.i18n import _, ngettext, speaking
from app.mail import service as mail_service
from app.programs.models import Program

# The full address of a topic, for mails (built by the caller, which knows the routes).
TopicLink = Callable[[str, int], str]
DIGEST_EVERY = timedelta(days=1)
DIGEST_TOPICS = 20  # a digest lists at most this many topics (the busiest first)


@dataclass(frozen=True)
class Following:
    """What the caller follows on a page: the topic or category shown, and how."""

    subscribed: bool
    each: bool


def following(session: Session, *, member: Member, topic_id: int | None = None,
              category: str | None = None) -> Following | None:
    """Whether the caller follows this topic or category; None where they cannot."""
    if member.is_admin_view or (topic_id is None and not category):
        return None
    found = _find(session, member, topic_id, category)
    return Following(subscribed=found is not None, each=bool(found and found.each))


def _find(session: Session, member: Member, topic_id: int | None,
          category: str | None) -> ForumSubscription | None:
    return session.exec(select(ForumSubscription).where(
        ForumSubscription.membership_id == member.membership.id,
        ForumSubscription.topic_id == topic_id if topic_id is not None
        else col(ForumSubscription.topic_id).is_(None),
        ForumSubscription.category == ("" if topic_id is not None else category or ""))).first()


def add(session: Session, *, member: Member, topic_id: int | None, category: str,
        each: bool, now: datetime | None = None) -> ForumSubscription:
    """Follow a topic or a category (the caller has checked that they may read it)."""
    found = _find(session, member, topic_id, category)
    if found is None:
        found = ForumSubscription(membership_id=id_of(member.membership),
                                  cohort_id=id_of(member.cohort), topic_id=topic_id,
                                  category=category, created_at=now or datetime.now(UTC))
    found.each = each
    session.add(found)
    session.flush()
    return found


def remove(session: Session, *, member: Member, topic_id: int | None, category: str) -> None:
    found = _find(session, member, topic_id, category)
    if found is not None:
        session.delete(found)
        session.flush()


def _matching(topic: ForumTopic) -> sa.ColumnElement[bool]:
    """Subscriptions that cover a post in `topic`: the topic's own, or its category's (a group
    space's topics have no category to follow)."""
    own = col(ForumSubscription.topic_id) == topic.id
    if topic.group_id is not None:
        return own
    return sa.or_(own, sa.and_(col(ForumSubscription.cohort_id) == topic.cohort_id,
                               col(ForumSubscription.topic_id).is_(None),
                               col(ForumSubscription.category) == topic.category))


def notify_reply(session: Session, *, topic: ForumTopic, post: ForumPost,
                 link_for: TopicLink) -> int:
    """Mail the reply at once to whoever asked for each reply; how many mails were queued."""
    if topic.hidden_at is not None or post.hidden_at is not None:
        return 0  # hidden: for trainers only, who read it on the page
    rows = session.connection().execute(
        sa.select(col(User.email), col(User.name), col(User.language)).distinct()
        .select_from(ForumSubscription)
        .join(Membership, col(Membership.id) == col(ForumSubscription.membership_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(_matching(topic), col(ForumSubscription.each).is_(True),
               col(Membership.is_active).is_(True), col(Membership.id) != post.author_id,
               *_may_read(topic))).all()
    if not rows:
        return 0
    cohort = session.get(Cohort, topic.cohort_id)
    program = session.get(Program, cohort.program_id) if cohort else None
    author = session.connection().execute(
        sa.select(col(User.name)).join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.id) == post.author_id)).scalar_one()
    for email, name, language in rows:
        with speaking(language, cohort.language if cohort else None,
                      program.language if program else None):
            body = "\n".join([
                _("Hello {name},").format(name=name), "",
                _("{author} replied to “{title}”:").format(author=author, title=topic.title), "",
                post.body, "", link_for(cohort.key if cohort else "", id_of(topic)), "",
                _("You get each reply because you follow this by mail; change that on the "
                  "topic's page.")])
            mail_service.queue(session, to=email, body=body, subject=_(
                "Ting forum: a reply to “{title}”").format(title=topic.title))
    return len(rows)


def _may_read(topic: ForumTopic) -> list[sa.ColumnElement[bool]]:
    """In a group's space, only its members (and trainers, who read every space)."""
    if topic.group_id is None:
        return []
    resource = sa.select(col(CohortGroup.resource_user_id)).where(
        col(CohortGroup.id) == topic.group_id).scalar_subquery()
    return [sa.or_(col(Membership.group_id) == topic.group_id,
                   col(Membership.role) == Role.trainer, col(Membership.user_id) == resource)]


def send_digests(session: Session, *, link_for: TopicLink, now: datetime | None = None) -> int:
    """One digest to each person who follows something in digest mode, has had none for a day
    and has something new to read; how many were queued. Safe to run from several processes:
    each person's digest is claimed with one conditional write before it is queued."""
    now = now or datetime.now(UTC)
    people = session.connection().execute(
        sa.select(col(ForumSubscription.membership_id)).distinct()
        .join(Membership, col(Membership.id) == col(ForumSubscription.membership_id))
        .outerjoin(ForumDigest, col(ForumDigest.membership_id) == col(ForumSubscription.membership_id))
        .where(col(ForumSubscription.each).is_(False), col(Membership.is_active).is_(True),
               sa.or_(col(ForumDigest.sent_at).is_(None),
                      col(ForumDigest.sent_at) <= now - DIGEST_EVERY))
        .order_by(col(ForumSubscription.membership_id))).scalars().all()
    sent = 0
    for membership_id in people:
        sent += _digest_for(session, membership_id=membership_id, link_for=link_for, now=now)
    return sent


def _digest_for(session: Session, *, membership_id: int, link_for: TopicLink,
                now: datetime) -> int:
    last = session.get(ForumDigest, membership_id)
    reader = session.get(Membership, membership_id)
    if reader is None:
        return 0
    # a group's space only while they may enter it (members, its resource person, trainers)
    spaces = sa.or_(col(ForumTopic.group_id).is_(None),
                    col(ForumTopic.group_id) == reader.group_id,
                    sa.literal(reader.role == Role.trainer),
                    col(ForumTopic.group_id).in_(sa.select(col(CohortGroup.id)).where(
                        col(CohortGroup.resource_user_id) == reader.user_id)))
    subscriptions = session.exec(select(ForumSubscription).where(
        ForumSubscription.membership_id == membership_id, col(ForumSubscription.each).is_(False))).all()
    news: dict[int, tuple[ForumTopic, int]] = {}
    for subscription in subscriptions:
        since = max(subscription.created_at, last.sent_at) if last else subscription.created_at
        covered = (col(ForumTopic.id) == subscription.topic_id if subscription.topic_id
                   else sa.and_(col(ForumTopic.cohort_id) == subscription.cohort_id,
                                col(ForumTopic.group_id).is_(None),
                                col(ForumTopic.category) == subscription.category))
        for topic, count in session.exec(
            select(ForumTopic, sa.func.count(col(ForumPost.id)))
            .join(ForumPost, col(ForumPost.topic_id) == col(ForumTopic.id))
            .where(covered, spaces, col(ForumPost.created_at) > since,
                   col(ForumPost.hidden_at).is_(None),
                   col(ForumTopic.hidden_at).is_(None), col(ForumPost.author_id) != membership_id)
            .group_by(col(ForumTopic.id))).all():
            news[id_of(topic)] = (topic, max(count, news.get(id_of(topic), (topic, 0))[1]))
    if not news or not _claim(session, membership_id=membership_id, last=last, now=now):
        return 0
    user = session.get(User, reader.user_id)
    cohort = session.get(Cohort, reader.cohort_id)
    if user is None or cohort is None:
        return 0
    program = session.get(Program, cohort.program_id)
    busiest = sorted(news.values(), key=lambda item: (-item[1], item[0].title))[:DIGEST_TOPICS]
    with speaking(user.language, cohort.language, program.language if program else None):
        lines = [_("Hello {name},").format(name=user.name), "",
                 _("New in the forum of {cohort} since your last digest:").format(
                     cohort=cohort.text("title")), ""]
        lines += [f"- {topic.title} ({_new_posts(count)}): {link_for(cohort.key, id_of(topic))}"
                  for topic, count in busiest]
        lines += ["", _("At most one digest a day. To get each reply at once, or none, change "
                        "how you follow on the topic's or category's page.")]
        mail_service.queue(session, to=user.email, body="\n".join(lines),
                           subject=_("Ting forum digest: {count} topics with news").format(
                               count=len(news)))
    return 1


def _new_posts(count: int) -> str:
    return ngettext("%(num)d new post", "%(num)d new posts", count) % {"num": count}


def _claim(session: Session, *, membership_id: int, last: ForumDigest | None,
           now: datetime) -> bool:
    """Take this person's digest for now: whoever changes the row first sends it."""
    if last is None:
        return insert_or_ignore(session, ForumDigest(membership_id=membership_id, sent_at=now))
    # still a day old now: another process may have sent one since the list was read
    claimed = session.execute(
        sa.update(ForumDigest).where(col(ForumDigest.membership_id) == membership_id,
                                     col(ForumDigest.sent_at) <= now - DIGEST_EVERY)
        .values(sent_at=now).execution_options(synchronize_session=False))
    return bool(claimed.rowcount)  # type: ignore[attr-defined]
