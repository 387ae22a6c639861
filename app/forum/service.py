"""The cohort forum: topics in the programme's categories, newest activity first, and replies;
and each group's private space, built of the same topics. Every cohort member may read and write
the forum; a group's space is its members', its resource person's and the cohort's trainers'
only. A topic anyone else may not see is not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.auth.models import Person, User
from app.cohorts import service as cohorts_service
from app.cohorts.models import Cohort, CohortGroup, Member, Membership, Role
from app.db import id_of
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.forum import subscriptions
from app.forum.models import ForumPost, ForumRead, ForumTopic
from app.i18n import _
from app.limits import POST_BODY_CHARS
from app.markdown import render_user_text

PAGE_SIZE = 20
TITLE_CHARS = 200


@dataclass(frozen=True)
class TopicRow:
    id: int
    category: str
    title: str
    author_name: str
    created_at: datetime
    last_activity_at: datetime
    replies: int
    unseen: int = 0  # posts the reader has not seen: all of them when never opened
    answered: bool = False
    pinned: bool = False
    locked: bool = False
    hidden: bool = False  # only trainers see hidden topics listed

    @property
    def is_new(self) -> bool:
        return self.unseen > self.replies  # never opened


@dataclass(frozen=True)
class TopicPage:
    """One page of a forum list (`category` None: every category)."""

    category: str | None
    unanswered: bool
    topics: list[TopicRow]
    page: int
    has_next: bool


@dataclass(frozen=True)
class PostEntry:
    post: ForumPost
    author_name: str
    redacted: bool = False  # hidden by a trainer, and the reader is not one: no text

    @property
    def hidden(self) -> bool:
        return self.post.hidden_at is not None

    @property
    def body(self) -> str:
        return "" if self.redacted else self.post.body

    @property
    def body_html(self) -> str:
        return "" if self.redacted else self.post.body_html


@dataclass(frozen=True)
class TopicDetail:
    topic: ForumTopic
    author_name: str
    opening: PostEntry
    replies: list[PostEntry]  # this page of them
    page: int
    has_next: bool
    answer: PostEntry | None  # the reply marked as the answer, shown first
    group: CohortGroup | None  # the group whose space it is in
    may_mark_answer: bool
    editable: frozenset[int]  # the posts shown that the caller may still edit
    may_moderate: bool


def categories(member: Member) -> list[str]:
    return list(member.program.forum_categories or [])


def require_forum(member: Member) -> list[str]:
    found = categories(member)
    if not found:
        raise NotFound(_("This programme has no forum."))
    return found


def may_enter(member: Member, group: CohortGroup) -> bool:
    """Whether the caller may read and write in a group's space: its members, its resource
    person and the cohort's trainers; not other groups, managers or site admins off the roster."""
    if member.is_admin_view or group.cohort_id != member.cohort.id:
        return False
    return (member.is_trainer or member.membership.group_id == group.id
            or group.resource_user_id == member.user.id)


def group_not_found() -> NotFound:
    return NotFound(_("This group is not in your cohort: the link may be out of date."))


def require_space(member: Member, group: CohortGroup | None) -> CohortGroup:
    if group is None or not may_enter(member, group):
        raise group_not_found()
    return group


def topic_not_found() -> NotFound:
    return NotFound(_("This topic is not in your cohort's forum: the link may be out of date."))


def check_text(body: str, field: str = "body") -> str:
    """Text people write (posts, updates): not empty, not over the limit."""
    if not body.strip():
        raise InvalidInput(_("Write something first: the text is empty."), field=field)
    if len(body) > POST_BODY_CHARS:
        raise InvalidInput(_("That text is too long: at most {limit} characters; it has {n}.")
                           .format(limit=f"{POST_BODY_CHARS:,}", n=f"{len(body):,}"), field=field)
    return body


_TOPICS = (
    sa.select(col(ForumTopic.id), col(ForumTopic.category), col(ForumTopic.title),
              col(User.name), col(ForumTopic.created_at), col(ForumTopic.last_activity_at),
              col(ForumTopic.replies), col(ForumRead.seen_posts), col(ForumTopic.answer_post_id),
              col(ForumTopic.pinned), col(ForumTopic.locked_at), col(ForumTopic.hidden_at))
    .join(Membership, col(Membership.id) == col(ForumTopic.author_id))
    .join(User, col(User.id) == col(Membership.user_id))
    .outerjoin(ForumRead, sa.and_(col(ForumRead.topic_id) == col(ForumTopic.id),
                                  col(ForumRead.membership_id) == sa.bindparam("me")))
    .order_by(col(ForumTopic.pinned).desc(), col(ForumTopic.last_activity_at).desc(),
              col(ForumTopic.id).desc())
)


def topics(session: Session, *, member: Member, category: str | None = None,
           unanswered: bool = False, group: CohortGroup | None = None, page: int = 1) -> TopicPage:
    """A page of the forum's topics (or a group space's), newest activity first: one query."""
    statement = _TOPICS.where(col(ForumTopic.cohort_id) == member.cohort.id)
    if group is not None:
        require_space(member, group)
        statement = statement.where(col(ForumTopic.group_id) == group.id)
    else:
        names = require_forum(member)
        if category is not None and category not in names:
            raise NotFound(_("This forum has no such category."))
        statement = statement.where(col(ForumTopic.group_id).is_(None))
    if category is not None:
        statement = statement.where(col(ForumTopic.category) == category)
    if unanswered:
        statement = statement.where(col(ForumTopic.answer_post_id).is_(None))
    if not member.is_trainer:
        statement = statement.where(col(ForumTopic.hidden_at).is_(None))
    rows = session.connection().execute(
        statement.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE),
        {"me": member.membership.id}).all()
    found = [TopicRow(id=topic_id, category=name, title=title, author_name=author,
                      created_at=created, last_activity_at=active, replies=replies,
                      unseen=replies + 1 - (seen or 0), answered=answer is not None,
                      pinned=pinned, locked=locked is not None, hidden=hidden is not None)
             for topic_id, name, title, author, created, active, replies, seen, answer, pinned,
             locked, hidden in rows[:PAGE_SIZE] if topic_id is not None]
    return TopicPage(category=category, unanswered=unanswered, topics=found,
                     page=page, has_next=len(rows) > PAGE_SIZE)


def _require_writer(member: Member) -> None:
    if member.is_admin_view:
        raise Forbidden(_("Site admins can read this forum; to write in it, be on the cohort's "
                          "roster."))


def create_topic(session: Session, *, member: Member, category: str, title: str, body: str,
                 group: CohortGroup | None = None, now: datetime | None = None) -> ForumTopic:
    """A topic in one of the forum's categories, or (`group`) in a group's space."""
    if group is not None:
        require_space(member, group)
        category = ""
    else:
        _require_writer(member)
        if category not in require_forum(member):
            raise InvalidInput(_("Choose one of the forum's categories."), field="category")
    title = title.strip()
    if not title:
        raise InvalidInput(_("A topic needs a title."), field="title")
    if len(title) > TITLE_CHARS:
        raise InvalidInput(_("The title is too long: at most {limit} characters.")
                           .format(limit=TITLE_CHARS), field="title")
    check_text(body)
    now = now or datetime.now(UTC)
    topic = ForumTopic(cohort_id=id_of(member.cohort), category=category, title=title,
                       group_id=group.id if group else None, author_id=id_of(member.membership),
                       created_at=now, last_activity_at=now)
    session.add(topic)
    session.flush()
    session.add(ForumPost(topic_id=id_of(topic), author_id=id_of(member.membership), title=title,
                          body=body, body_html=render_user_text(body), created_at=now))
    # who asks hears of the answers: a daily digest unless they choose otherwise
    subscriptions.add(session, member=member, topic_id=topic.id, category="", each=False, now=now)
    return topic


def _topic_in(
    session: Session, member: Member, topic_id: int
) -> tuple[ForumTopic, CohortGroup | None]:
    """The topic and, when it is in a group's space, that group; not found unless the caller
    may read it."""
    topic = session.get(ForumTopic, topic_id)
    if topic is None or topic.cohort_id != member.cohort.id or (
            topic.hidden_at is not None and not member.is_trainer):
        raise topic_not_found()
    if topic.group_id is None:
        require_forum(member)
        return topic, None
    group = session.get(CohortGroup, topic.group_id)
    if group is None or not may_enter(member, group):
        raise topic_not_found()
    return topic, group


_POSTS = (
    sa.select(ForumPost, col(User.name))
    .join(Membership, col(Membership.id) == col(ForumPost.author_id))
    .join(User, col(User.id) == col(Membership.user_id))
    .order_by(col(ForumPost.id))
)


def topic_detail(session: Session, *, member: Member, topic_id: int, page: int = 1) -> TopicDetail:
    """A topic: its opening post and a page of replies, oldest first, the answer first of all;
    a constant number of queries however long it grows."""
    topic, group = _topic_in(session, member, topic_id)
    rows = session.exec(  # type: ignore[call-overload]
        _POSTS.where(col(ForumPost.topic_id) == topic_id)
        .limit(PAGE_SIZE + 2).offset((page - 1) * PAGE_SIZE + (1 if page > 1 else 0))).all()
    if page == 1:
        opening_row, reply_rows = rows[0], rows[1:]
    else:
        first = session.exec(  # type: ignore[call-overload]
            _POSTS.where(col(ForumPost.topic_id) == topic_id).limit(1)).one()
        opening_row, reply_rows = first, rows
    def entry(post: ForumPost, name: str) -> PostEntry:
        return PostEntry(post=post, author_name=name,
                         redacted=post.hidden_at is not None and not member.is_trainer)

    opening = entry(opening_row[0], opening_row[1])
    replies = [entry(p, name) for p, name in reply_rows[:PAGE_SIZE]]
    answer = None
    if topic.answer_post_id is not None:
        found = next((r for r in replies if r.post.id == topic.answer_post_id), None)
        if found is None:
            row = session.exec(  # type: ignore[call-overload]
                _POSTS.where(col(ForumPost.id) == topic.answer_post_id)).first()
            found = entry(row[0], row[1]) if row else None
        answer = found
    _mark_read(session, member, topic)
    return TopicDetail(topic=topic, author_name=opening.author_name, opening=opening,
                       replies=replies, page=page, has_next=len(reply_rows) > PAGE_SIZE,
                       answer=answer, group=group, may_mark_answer=_may_mark_answer(member, topic),
                       editable=frozenset(e.post.id for e in (opening, *replies)
                                          if e.post.id and may_edit(member, e.post)),
                       may_moderate=member.is_trainer)


def _may_mark_answer(member: Member, topic: ForumTopic) -> bool:
    return not member.is_admin_view and (
        member.is_trainer or topic.author_id == member.membership.id)


def mark_answer(session: Session, *, member: Member, topic_id: int,
                post_id: int | None) -> ForumTopic:
    """Mark a reply as the topic's answer, or (`post_id` None) unmark it: the topic's author or
    a trainer."""
    topic, _group = _topic_in(session, member, topic_id)
    if not _may_mark_answer(member, topic):
        raise Forbidden(_("Only the person who asked and the cohort's trainers can mark the "
                          "answer."))
    if post_id is not None:
        post = session.get(ForumPost, post_id)
        if post is None or post.topic_id != topic.id or post.is_opening or post.hidden_at:
            raise InvalidInput(_("Choose one of this topic's replies as its answer."), field="post")
    topic.answer_post_id = post_id
    topic.answered_by_id = id_of(member.membership) if post_id is not None else None
    session.add(topic)
    session.flush()
    return topic


def _mark_read(session: Session, member: Member, topic: ForumTopic) -> None:
    """The reader has now seen every post of the topic (lists stop marking it new)."""
    if member.is_admin_view:
        return  # no membership to keep it with
    seen = topic.replies + 1
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(ForumRead).values(membership_id=member.membership.id,
                                              topic_id=topic.id, seen_posts=seen)
    # one statement whether or not they read it before; never back to fewer posts
    session.execute(insert.on_conflict_do_update(
        index_elements=["membership_id", "topic_id"], set_={"seen_posts": seen},
        where=col(ForumRead.seen_posts) < seen))


def reply(session: Session, *, member: Member, topic_id: int, body: str,
          link_for: subscriptions.TopicLink | None = None, now: datetime | None = None) -> ForumPost:
    """A reply; those who follow the topic or its category and asked for each reply are mailed
    at once (`link_for` gives the topic's address for the mail)."""
    topic, group = _topic_in(session, member, topic_id)
    if group is None:
        _require_writer(member)
    if topic.locked_at is not None:
        raise Conflict(_("This topic is locked: it takes no more replies."))
    check_text(body)
    now = now or datetime.now(UTC)
    post = ForumPost(topic_id=topic_id, author_id=id_of(member.membership), body=body,
                     body_html=render_user_text(body), created_at=now)
    session.add(post)
    # counted in the database: two people replying at once both count
    session.execute(sa.update(ForumTopic).where(col(ForumTopic.id) == topic_id)
                    .values(replies=col(ForumTopic.replies) + 1, last_activity_at=now))
    session.flush()
    if link_for is not None:
        subscriptions.notify_reply(session, topic=topic, post=post, link_for=link_for)
    return post


def topic_for_moderation(
    session: Session, *, member: Member, topic_id: int
) -> tuple[ForumTopic, CohortGroup | None]:
    return _topic_in(session, member, topic_id)


def member_for_post(session: Session, *, user: Person, post_id: int) -> Member:
    post = session.get(ForumPost, post_id)
    if post is None:
        raise NotFound(_("This post is not in your cohort's forum: the link may be out of date."))
    return member_for_topic(session, user=user, topic_id=post.topic_id)


def member_for_topic(session: Session, *, user: Person, topic_id: int) -> Member:
    """The caller as a member of the topic's cohort; someone outside it does not find it."""
    topic = session.get(ForumTopic, topic_id)
    cohort = session.get(Cohort, topic.cohort_id) if topic is not None else None
    member = (cohorts_service.member_or_admin_view(session, user=user, cohort_key=cohort.key)
              if cohort is not None else None)
    if member is None:
        raise topic_not_found()
    return member


def page_of_reply(session: Session, *, topic_id: int, post_id: int) -> int:
    """Which page of its topic a reply is on (the opening post is not on a reply page)."""
    before = session.connection().execute(
        sa.select(sa.func.count()).select_from(ForumPost)
        .where(col(ForumPost.topic_id) == topic_id, col(ForumPost.id) < post_id)).scalar_one()
    return max(int(before) - 1, 0) // PAGE_SIZE + 1


def place_of_post(session: Session, *, member: Member, post_id: int) -> tuple[int, int]:
    """The topic a post is in and the page of it that shows the post; not found unless the
    caller may read that topic."""
    post = session.get(ForumPost, post_id)
    if post is None:
        raise NotFound(_("This post is not in your cohort's forum: the link may be out of date."))
    _topic_in(session, member, post.topic_id)
    return post.topic_id, page_of_reply(session, topic_id=post.topic_id, post_id=post_id)


EDIT_MINUTES = 30


def may_edit(member: Member, post: ForumPost, now: datetime | None = None) -> bool:
    """Authors edit their own posts for a while after writing them (not once hidden)."""
    now = now or datetime.now(UTC)
    return (not member.is_admin_view and post.author_id == member.membership.id
            and post.hidden_at is None and now - post.created_at < timedelta(minutes=EDIT_MINUTES))


def post_in(session: Session, *, member: Member, post_id: int) -> tuple[ForumPost, ForumTopic]:
    """A post and its topic, when the caller may read them."""
    post = session.get(ForumPost, post_id)
    if post is None:
        raise NotFound(_("This post is not in your cohort's forum: the link may be out of date."))
    topic, _group = _topic_in(session, member, post.topic_id)
    return post, topic


def edit_post(session: Session, *, member: Member, post_id: int, body: str,
              now: datetime | None = None) -> ForumPost:
    post, topic = post_in(session, member=member, post_id=post_id)
    now = now or datetime.now(UTC)
    if post.author_id != member.membership.id or member.is_admin_view:
        raise Forbidden(_("Only the person who wrote a post can edit it."))
    if not may_edit(member, post, now):
        raise Conflict(_("A post can be edited for {minutes} minutes after it is written; "
                         "reply to add to it.").format(minutes=EDIT_MINUTES))
    if topic.locked_at is not None:
        raise Conflict(_("This topic is locked: it takes no more replies."))
    post.body = check_text(body)
    post.body_html = render_user_text(body)
    post.edited_at = now
    session.add(post)
    session.flush()
    return post


def quote_of(session: Session, *, member: Member, topic_id: int, post_id: int) -> str:
    """A post as a Markdown quote to reply with; nothing for a post not in the topic."""
    post = session.get(ForumPost, post_id)
    if post is None or post.topic_id != topic_id or post.hidden_at is not None:
        return ""
    name = session.connection().execute(
        sa.select(col(User.name)).join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.id) == post.author_id)).scalar_one()
    lines = "\n".join(f"> {line}".rstrip() for line in post.body.splitlines())
    return _("{name} wrote:").format(name=f"> **{name}**") + "\n>\n" + lines + "\n\n"


@dataclass(frozen=True)
class ThingForum:
    """Where a Thing is talked about: its category, or its topic (found, or to be started);
    for trainers, who has posted there."""

    category: str
    topic_title: str | None
    topic_id: int | None  # the topic named, once someone has started it
    posters: list[str] | None  # participants who posted there (trainers only)
    participants: int


def thing_forum(session: Session, *, member: Member, category: str | None,
                topic: str | None) -> ThingForum | None:
    names = categories(member)
    if not names or (category is None and topic is None):
        return None
    category = category if category in names else names[0]
    visible = sa.and_(col(ForumTopic.cohort_id) == member.cohort.id,
                      col(ForumTopic.group_id).is_(None), col(ForumTopic.hidden_at).is_(None))
    where = (col(ForumTopic.title) == topic) if topic else (col(ForumTopic.category) == category)
    topic_id = session.connection().execute(
        sa.select(col(ForumTopic.id)).where(visible, where).order_by(col(ForumTopic.id)).limit(1)
    ).scalar() if topic else None
    posters = participants = None
    if member.is_trainer:
        posters = list(session.connection().execute(
            sa.select(col(User.name)).distinct()
            .select_from(ForumPost).join(ForumTopic, col(ForumTopic.id) == col(ForumPost.topic_id))
            .join(Membership, col(Membership.id) == col(ForumPost.author_id))
            .join(User, col(User.id) == col(Membership.user_id))
            .where(visible, where, col(Membership.role) == Role.participant)
            .order_by(col(User.name))).scalars())
        participants = session.connection().execute(
            sa.select(sa.func.count()).select_from(Membership)
            .where(col(Membership.cohort_id) == member.cohort.id,
                   col(Membership.role) == Role.participant, col(Membership.is_active).is_(True))
        ).scalar_one()
    return ThingForum(category=category, topic_title=topic, topic_id=topic_id, posters=posters,
                      participants=participants or 0)


def follow(session: Session, *, member: Member, topic_id: int | None = None,
           category: str | None = None, each: bool = False) -> subscriptions.Following:
    """Follow a topic the caller may read, or one of the forum's categories, by mail."""
    if member.is_admin_view:
        raise Forbidden(_("Be on the cohort's roster to follow its forum by mail."))
    if topic_id is not None:
        _topic_in(session, member, topic_id)
        category = ""
    elif category not in require_forum(member):
        raise InvalidInput(_("Choose one of the forum's categories."), field="category")
    subscriptions.add(session, member=member, topic_id=topic_id, category=category or "",
                      each=each)
    return subscriptions.Following(subscribed=True, each=each)


def unfollow(session: Session, *, member: Member, topic_id: int | None = None,
             category: str | None = None) -> None:
    subscriptions.remove(session, member=member, topic_id=topic_id,
                         category="" if topic_id is not None else category or "")
