"""Reflection posts. The blog, comments, feeds and Markdown rendering of posts come later."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import Cohort, Membership, Role
from app.cohorts.service import Member, require_participant
from app.db import id_of
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.posts.models import Post
from app.programs import service as programs_service
from app.programs.models import Thing

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def plain_html(text: str) -> str:
    """Escaped text in paragraphs: how posts are shown until Markdown rendering arrives."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def find_thing(session: Session, *, member: Member, key: str) -> Thing:
    return programs_service.get_thing(session, program=member.program, key=key)


def create_post(
    session: Session, *, member: Member, title: str, body: str, thing_key: str | None = None,
    now: datetime | None = None,
) -> Post:
    require_participant(member)
    title = title.strip()
    if not title or not body.strip():
        raise InvalidInput(_("A post needs a title and some text."))
    thing = find_thing(session, member=member, key=thing_key) if thing_key else None
    now = now or datetime.now(UTC)
    post = Post(
        cohort_id=id_of(member.cohort), author_id=id_of(member.membership),
        thing_id=thing.id if thing else None, title=title, body=body,
        word_count=count_words(body), visibility=member.cohort.posts_default_visibility,
        created_at=now, updated_at=now,
    )
    session.add(post)
    session.commit()
    return post


def reflection_for(session: Session, *, member: Member, thing: Thing) -> Post | None:
    """The participant's reflection on a Thing: their latest post tied to it."""
    return session.exec(
        select(Post).where(Post.author_id == member.membership.id, Post.thing_id == thing.id)
        .order_by(col(Post.updated_at).desc(), col(Post.id).desc())
    ).first()


def best_reflection_words(session: Session, *, member: Member, thing: Thing) -> int:
    words = session.exec(
        select(func.max(Post.word_count)).where(
            Post.author_id == member.membership.id, Post.thing_id == thing.id)
    ).one()
    return int(words or 0)


def save_reflection(
    session: Session, *, member: Member, thing: Thing, body: str, now: datetime | None = None
) -> Post | None:
    """Create or update the reflection on a Thing. Blank text leaves an existing one alone."""
    require_participant(member)
    if not body.strip():
        return reflection_for(session, member=member, thing=thing)
    now = now or datetime.now(UTC)
    post = reflection_for(session, member=member, thing=thing)
    if post is None:
        post = Post(
            cohort_id=id_of(member.cohort), author_id=id_of(member.membership), thing_id=thing.id,
            title=_("Reflection: {title}").format(title=thing.title)[:300], body=body,
            word_count=count_words(body), visibility=member.cohort.posts_default_visibility,
            created_at=now, updated_at=now,
        )
        session.add(post)
    elif post.body != body:
        post.body = body
        post.word_count = count_words(body)
        post.updated_at = now
    session.commit()
    return post


@dataclass
class PostDetail:
    post: Post
    author: User
    cohort: Cohort
    thing: Thing | None


def get_post(session: Session, *, user: User, post_id: int) -> PostDetail:
    """A post for a member of its cohort; private posts only for their author and trainers."""
    row = session.exec(
        select(Post, Membership, User, Cohort)
        .join(Membership, col(Membership.id) == col(Post.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .join(Cohort, col(Cohort.id) == col(Post.cohort_id))
        .where(Post.id == post_id)
    ).first()
    missing = NotFound(_("No post {id} that you can see.").format(id=post_id))
    if row is None:
        raise missing
    post, _author_membership, author, cohort = row
    roles = set(session.exec(
        select(Membership.role).where(Membership.cohort_id == cohort.id,
                                      Membership.user_id == user.id, col(Membership.is_active))
    ).all())
    if not roles:
        raise missing
    if post.visibility == "private" and author.id != user.id and Role.trainer not in roles:
        raise missing
    thing = session.get(Thing, post.thing_id) if post.thing_id else None
    return PostDetail(post=post, author=author, cohort=cohort, thing=thing)
