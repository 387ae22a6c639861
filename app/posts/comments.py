"""Comments on posts: adding, hiding (kept for the record), and what is new on my posts.

Each participant's membership counts the comments on their posts since they last looked, so
the navigation shows the count without a query of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import Person, User
from app.cohorts.models import Member, Membership, require_participant
from app.db import id_of
from app.errors import Forbidden, InvalidInput, NotFound
from app.i18n import _
from app.posts.models import Comment, Post
from app.posts.service import check_body, open_post


def add_comment(session: Session, *, user: Person, post_id: int, body: str,
                now: datetime | None = None) -> Comment:
    detail = open_post(session, user=user, post_id=post_id)
    if not detail.may_comment or detail.reader is None:
        raise Forbidden(_("Only members of this post's cohort can comment on it."))
    if not body.strip():
        raise InvalidInput(_("A comment needs some text."))
    check_body(body)
    comment = Comment(post_id=post_id, author_id=id_of(detail.reader.membership), body=body,
                      created_at=now or datetime.now(UTC))
    session.add(comment)
    if comment.author_id != detail.post.author_id:
        _count_unread(session, author_id=detail.post.author_id, change=1)
    session.flush()
    return comment


def hide_comment(session: Session, *, user: Person, comment_id: int,
                 now: datetime | None = None) -> Comment:
    """The post's author and the cohort's trainers may hide a comment; it is kept."""
    comment = session.get(Comment, comment_id)
    missing = NotFound(_("No comment {id} that you can see.").format(id=comment_id))
    if comment is None or comment.hidden_at is not None:
        raise missing
    try:
        detail = open_post(session, user=user, post_id=comment.post_id)
    except NotFound:
        raise missing from None
    if not detail.may_hide_comments or detail.reader is None:
        raise Forbidden(_("Only the post's author and the cohort's trainers can hide a comment."))
    comment.hidden_at = now or datetime.now(UTC)
    comment.hidden_by_id = detail.reader.membership.id or None  # a site admin holds none
    author = session.get_one(Membership, detail.post.author_id)
    if comment.author_id != author.id and (author.comments_seen_at is None
                                           or comment.created_at > author.comments_seen_at):
        _count_unread(session, author_id=id_of(author), change=-1)  # it was still new to them
    session.flush()
    return comment


def _count_unread(session: Session, *, author_id: int, change: int) -> None:
    counter = col(Membership.comments_unread)
    session.execute(sa.update(Membership).where(col(Membership.id) == author_id)
                    .values(comments_unread=sa.case((counter + change < 0, 0), else_=counter + change)))


def _comments_for_me(member: Member) -> sa.ColumnElement[bool]:
    return sa.and_(col(Post.author_id) == member.membership.id, col(Post.deleted_at).is_(None),
                   col(Comment.hidden_at).is_(None), col(Comment.author_id) != member.membership.id)


@dataclass(frozen=True)
class CommentOnMine:
    comment: Comment
    author_name: str
    post_id: int
    post_title: str
    is_new: bool


def comments_on_my_posts(session: Session, *, member: Member, limit: int = 20,
                         now: datetime | None = None) -> list[CommentOnMine]:
    """The latest comments on my posts, newest first; looking at them makes them no longer new."""
    require_participant(member)
    membership = session.get_one(Membership, member.membership.id)
    rows = session.exec(
        select(Comment, User.name, Post.id, Post.title)
        .join(Post, col(Post.id) == col(Comment.post_id))
        .join(Membership, col(Membership.id) == col(Comment.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(_comments_for_me(member))
        .order_by(col(Comment.created_at).desc(), col(Comment.id).desc()).limit(limit)
    ).all()
    seen_at = membership.comments_seen_at
    found = [CommentOnMine(comment=c, author_name=name, post_id=cast(int, pid), post_title=title,
                           is_new=seen_at is None or c.created_at > seen_at)
             for c, name, pid, title in rows]
    if membership.comments_unread or any(c.is_new for c in found):  # else nothing to write
        membership.comments_seen_at, membership.comments_unread = now or datetime.now(UTC), 0
        session.flush()
    return found
