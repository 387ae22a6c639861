"""A trainer's moderation of the forum: pin, lock, move to another category, hide a post (the
opening post hides the whole topic) and undo each; nothing is deleted, and every action joins
the topic's record with who did it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from app.auth.models import User
from app.cohorts.models import Member, require_trainer
from app.db import id_of
from app.errors import Conflict, InvalidInput
from app.forum import service as forum_service
from app.forum.models import ForumModeration, ForumPost, ForumTopic, ModerationAction
from app.i18n import _


@dataclass(frozen=True)
class RecordEntry:
    action: ModerationAction
    detail: str
    post_id: int | None
    by_name: str
    at: datetime

    @property
    def sentence(self) -> str:
        said = {ModerationAction.pin: _("{name} pinned the topic"),
                ModerationAction.unpin: _("{name} unpinned the topic"),
                ModerationAction.lock: _("{name} locked the topic"),
                ModerationAction.unlock: _("{name} unlocked the topic"),
                ModerationAction.move: _("{name} moved the topic"),
                ModerationAction.hide: _("{name} hid a post"),
                ModerationAction.unhide: _("{name} showed a post again")}
        return said[self.action].format(name=self.by_name)


def _trainer(member: Member) -> None:
    require_trainer(member, _("Only the cohort's trainers moderate the forum."))


def _record(session: Session, *, member: Member, topic: ForumTopic, action: ModerationAction,
            now: datetime, post_id: int | None = None, detail: str = "") -> None:
    session.add(ForumModeration(topic_id=id_of(topic), post_id=post_id, action=action,
                                detail=detail, by_user_id=id_of(member.user), at=now))


def moderate_topic(session: Session, *, member: Member, topic_id: int, action: ModerationAction,
                   category: str | None = None, now: datetime | None = None) -> ForumTopic:
    """Pin or unpin, lock or unlock, or move a topic to another of the forum's categories."""
    _trainer(member)
    topic, group = forum_service.topic_for_moderation(session, member=member, topic_id=topic_id)
    now = now or datetime.now(UTC)
    detail = ""
    if action in (ModerationAction.pin, ModerationAction.unpin):
        topic.pinned = action == ModerationAction.pin
    elif action == ModerationAction.lock:
        topic.locked_at = topic.locked_at or now
    elif action == ModerationAction.unlock:
        topic.locked_at = None
    elif action == ModerationAction.move:
        if group is not None:
            raise Conflict(_("A topic in a group's space stays there."))
        if category not in forum_service.require_forum(member):
            raise InvalidInput(_("Choose one of the forum's categories."), field="category")
        if category == topic.category:
            raise InvalidInput(_("The topic is in that category already."), field="category")
        detail = f"{topic.category} → {category}"
        topic.category = category
    else:
        raise InvalidInput(_("Hide and show posts one at a time."), field="action")
    session.add(topic)
    _record(session, member=member, topic=topic, action=action, now=now, detail=detail)
    session.flush()
    return topic


def set_hidden(session: Session, *, member: Member, post_id: int, hidden: bool,
               now: datetime | None = None) -> ForumPost:
    """Hide a post from everyone but the trainers, or show it again; hiding the opening post
    hides the topic."""
    _trainer(member)
    post, topic = forum_service.post_in(session, member=member, post_id=post_id)
    now = now or datetime.now(UTC)
    if (post.hidden_at is not None) == hidden:
        return post
    post.hidden_at = now if hidden else None
    if post.is_opening:
        topic.hidden_at = post.hidden_at
        session.add(topic)
    if hidden and topic.answer_post_id == post.id:
        topic.answer_post_id = topic.answered_by_id = None  # a hidden reply answers nothing
        session.add(topic)
    session.add(post)
    _record(session, member=member, topic=topic, post_id=post.id, now=now,
            action=ModerationAction.hide if hidden else ModerationAction.unhide)
    session.flush()
    return post


def record(session: Session, *, member: Member, topic_id: int) -> list[RecordEntry]:
    """The topic's moderation, oldest first: for trainers; others see nothing."""
    if not member.is_trainer:
        return []
    rows = session.connection().execute(
        sa.select(col(ForumModeration.action), col(ForumModeration.detail),
                  col(ForumModeration.post_id), col(User.name), col(ForumModeration.at))
        .join(User, col(User.id) == col(ForumModeration.by_user_id))
        .where(col(ForumModeration.topic_id) == topic_id)
        .order_by(col(ForumModeration.at), col(ForumModeration.id))).all()
    return [RecordEntry(action=ModerationAction(a), detail=d, post_id=p, by_name=n, at=at)
            for a, d, p, n, at in rows]
