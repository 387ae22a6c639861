"""Reflection posts. The blog, comments, feeds and Markdown rendering of posts come later."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.models import Person, User
from app.cohorts.models import Cohort, Member, Membership, PostVisibility, Role, require_participant
from app.db import id_of
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.limits import POST_BODY_CHARS, POST_TITLE_CHARS
from app.posts.models import Post
from app.programs import service as programs_service
from app.programs.models import Thing, ThingFacts

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def plain_html(text: str) -> str:
    """Escaped text in paragraphs: how posts are shown until Markdown rendering arrives."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _check_body(body: str) -> None:
    """The one length rule for what people write, whichever face they write it in."""
    if len(body) > POST_BODY_CHARS:
        raise InvalidInput(_("That text is too long: at most {limit} characters; it has {n}.")
                           .format(limit=f"{POST_BODY_CHARS:,}", n=f"{len(body):,}"))


def create_post(
    session: Session, *, member: Member, title: str, body: str, thing_key: str | None = None,
    now: datetime | None = None,
) -> Post:
    require_participant(member)
    title = title.strip()
    if not title or not body.strip():
        raise InvalidInput(_("A post needs a title and some text."))
    if len(title) > POST_TITLE_CHARS:
        raise InvalidInput(_("The title is too long: at most {limit} characters.")
                           .format(limit=POST_TITLE_CHARS))
    _check_body(body)
    thing = (programs_service.get_thing(session, program=member.program, key=thing_key)
             if thing_key else None)
    now = now or datetime.now(UTC)
    post = Post(
        cohort_id=id_of(member.cohort), author_id=id_of(member.membership),
        thing_id=thing.id if thing else None, title=title, body=body,
        word_count=count_words(body), visibility=member.cohort.posts_default_visibility,
        created_at=now, updated_at=now,
    )
    session.add(post)
    session.flush()
    return post


def reflection_for(session: Session, *, member: Member, thing: ThingFacts) -> Post | None:
    """The participant's reflection on a Thing: their latest post tied to it."""
    return session.exec(
        select(Post).where(Post.author_id == member.membership.id, Post.thing_id == thing.id)
        .order_by(col(Post.updated_at).desc(), col(Post.id).desc())
    ).first()


def latest_reflections(
    session: Session, *, pairs: list[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """The latest reflection text for each (author's membership, Thing) pair, in one query."""
    if not pairs:
        return {}
    posts = session.exec(
        select(Post).where(col(Post.author_id).in_({m for m, _t in pairs}),
                           col(Post.thing_id).in_({t for _m, t in pairs}))
        .order_by(col(Post.updated_at), col(Post.id))
    ).all()
    wanted = set(pairs)
    latest: dict[tuple[int, int], str] = {}
    for post in posts:  # later posts overwrite earlier ones
        key = (post.author_id, post.thing_id)
        if key in wanted and post.thing_id is not None:
            latest[(post.author_id, post.thing_id)] = post.body
    return latest


def best_reflection_words(session: Session, *, member: Member, thing: ThingFacts) -> int:
    words = session.exec(
        select(func.max(Post.word_count)).where(
            Post.author_id == member.membership.id, Post.thing_id == thing.id)
    ).one()
    return int(words or 0)


def save_reflection(
    session: Session, *, member: Member, key: str, body: str, now: datetime | None = None
) -> Post | None:
    """Create or update the reflection on a Thing. Blank text leaves an existing one alone."""
    require_participant(member)
    thing = programs_service.get_thing(session, program=member.program, key=key)
    if not body.strip():
        return reflection_for(session, member=member, thing=thing)
    _check_body(body)
    now = now or datetime.now(UTC)
    post = reflection_for(session, member=member, thing=thing)
    if post is None:
        post = Post(
            cohort_id=id_of(member.cohort), author_id=id_of(member.membership), thing_id=thing.id,
            title=_("Reflection: {title}").format(title=thing.title)[:POST_TITLE_CHARS],
            body=body, word_count=count_words(body),
            visibility=member.cohort.posts_default_visibility, created_at=now, updated_at=now,
        )
        session.add(post)
    elif post.body != body:
        post.body = body
        post.word_count = count_words(body)
        post.updated_at = now
    session.flush()
    return post


def rewrite_reflection(
    session: Session, *, member: Member, key: str, body: str, now: datetime | None = None
) -> Post:
    """The API's reflection: the text given replaces the reflection; blank text is refused."""
    if not body.strip():
        raise InvalidInput(_("A reflection needs some text."))
    post = save_reflection(session, member=member, key=key, body=body, now=now)
    assert post is not None  # saved: the text is not blank
    return post


@dataclass
class Author:
    name: str
    email: str | None  # only for the author themself and the cohort's trainers


@dataclass
class PostDetail:
    """A post as one reader may see it."""

    post: Post
    author: Author
    cohort: Cohort
    thing: Thing | None

    @property
    def html(self) -> str:
        return plain_html(self.post.body)


def get_post(session: Session, *, user: Person, post_id: int) -> PostDetail:
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
    if not roles and user.is_admin:  # a site admin sees a cohort as its trainers do
        roles = {Role.trainer, Role.manager}
    if not roles:
        raise missing
    is_author, is_trainer = author.id == user.id, Role.trainer in roles
    if post.visibility == PostVisibility.private and not (is_author or is_trainer):
        raise missing
    thing = session.get(Thing, post.thing_id) if post.thing_id else None
    shown = Author(name=author.name, email=author.email if is_author or is_trainer else None)
    return PostDetail(post=post, author=shown, cohort=cohort, thing=thing)
