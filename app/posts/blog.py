"""The learning blog: who may read which post, a person's blog, the cohort stream, and what a
Thing's readers wrote. Every list is one query for the posts and one for their comment counts,
whatever their number."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import CohortGroup, Member, Membership, PostVisibility
from app.errors import NotFound
from app.i18n import _
from app.markdown import render_user_text
from app.posts.models import Comment, Post
from app.programs import service as programs_service
from app.programs.models import Thing, ThingFacts

PAGE_SIZE = 20


def readable_by(member: Member) -> sa.ColumnElement[bool]:
    """The posts of the member's cohort they may read: not deleted; private ones only their
    author's and the trainers'."""
    shown = sa.and_(col(Post.cohort_id) == member.cohort.id, col(Post.deleted_at).is_(None))
    if member.is_trainer:
        return shown
    return sa.and_(shown, sa.or_(col(Post.visibility) != PostVisibility.private,
                                 col(Post.author_id) == member.membership.id))


def may_read(post: Post, member: Member | None) -> bool:
    """The same rule for one post; without a member (nobody signed in, or not in the cohort),
    only a public post of a cohort that allows them."""
    if post.deleted_at is not None:
        return False
    if member is None or member.cohort.id != post.cohort_id:
        return False
    if post.visibility != PostVisibility.private:
        return True
    return member.is_trainer or post.author_id == member.membership.id


@dataclass(frozen=True)
class Entry:
    """A post in a list: who wrote it, on which Thing, how many comments."""

    post: Post
    author_name: str
    author_membership_id: int
    thing_key: str | None
    thing_title: str | None
    comments: int

    @property
    def html(self) -> str:
        return render_user_text(self.post.body)


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    next_after: int | None  # the post the next (older) page follows; None: this is the last


def _older_than(post_id: int) -> sa.ColumnElement[bool]:
    """Posts after post `post_id` in a newest-first list (the id breaks ties in time); the
    next page starts there, however many posts come before it."""
    anchor = select(Post.created_at).where(Post.id == post_id).scalar_subquery()
    return sa.or_(col(Post.created_at) < anchor,
                  sa.and_(col(Post.created_at) == anchor, col(Post.id) < post_id))


def listing(session: Session, *, where: list[sa.ColumnElement[bool]], after: int | None = None,
            limit: int = PAGE_SIZE) -> Listing:
    """Posts matching `where`, newest first, a page at a time: `after` is the last post of
    the page before."""
    conditions = [*where, *([_older_than(after)] if after else [])]
    rows = session.exec(
        select(Post, User.name, Thing.key, Thing.title)
        .join(Membership, col(Membership.id) == col(Post.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .outerjoin(Thing, col(Thing.id) == col(Post.thing_id))
        .where(*conditions)
        .order_by(col(Post.created_at).desc(), col(Post.id).desc())
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    counts = comment_counts(session, post_ids=[post.id for post, *_rest in page if post.id])
    entries = [Entry(post=post, author_name=name, author_membership_id=post.author_id,
                     thing_key=key, thing_title=title, comments=counts.get(post.id or 0, 0))
               for post, name, key, title in page]
    return Listing(entries=entries, next_after=page[-1][0].id if len(rows) > limit else None)


def comment_counts(session: Session, *, post_ids: list[int]) -> dict[int, int]:
    if not post_ids:
        return {}
    rows = session.exec(select(Comment.post_id, sa.func.count()).where(
        col(Comment.post_id).in_(post_ids), col(Comment.hidden_at).is_(None))
        .group_by(col(Comment.post_id))).all()
    return {post_id: int(n) for post_id, n in rows}


@dataclass(frozen=True)
class StreamChoice:
    """What the stream is narrowed to: a Thing, an organisation, a group, an author."""

    thing: ThingFacts | None = None
    organization: str | None = None
    group: CohortGroup | None = None
    author_id: int | None = None

    def filters(self, member: Member) -> list[sa.ColumnElement[bool]]:
        where = [readable_by(member)]
        if self.thing is not None:
            where.append(col(Post.thing_id) == self.thing.id)
        if self.author_id is not None:
            where.append(col(Post.author_id) == self.author_id)
        if self.organization is not None:
            where.append(col(Membership.organization) == self.organization)
        if self.group is not None:
            where.append(col(Membership.group_id) == self.group.id)
        return where

    @property
    def is_narrowed(self) -> bool:
        return any(v is not None for v in (self.thing, self.organization, self.group, self.author_id))


def stream_choice(session: Session, *, member: Member, thing: str = "", organization: str = "",
                  group: str = "", author_id: int | None = None) -> StreamChoice:
    """The stream's filters from what a person picked; an unknown one is refused, by name."""
    chosen_group = None
    if group:
        chosen_group = session.exec(select(CohortGroup).where(
            CohortGroup.cohort_id == member.cohort.id, CohortGroup.key == group)).first()
        if chosen_group is None:
            raise NotFound(_("No group '{key}' in this cohort.").format(key=group))
    if organization and organization not in member.cohort.organizations:
        raise NotFound(_("No organisation '{name}' in this cohort.").format(name=organization))
    return StreamChoice(
        thing=programs_service.get_thing(session, program=member.program, key=thing) if thing else None,
        organization=organization or None, group=chosen_group, author_id=author_id)


def questions(member: Member) -> list[sa.ColumnElement[bool]]:
    """The questions participants asked the trainers (what a trainer sees of them)."""
    return [readable_by(member), col(Post.is_question).is_(True)]


def not_by(member: Member) -> sa.ColumnElement[bool]:
    """Leaves out the member's own posts (what colleagues wrote)."""
    return col(Post.author_id) != member.membership.id


def posts_of(member: Member, author_id: int) -> list[sa.ColumnElement[bool]]:
    """One person's blog, as the member may see it."""
    return StreamChoice(author_id=author_id).filters(member)


def groups_of(session: Session, *, member: Member) -> list[CohortGroup]:
    return list(session.exec(select(CohortGroup).where(CohortGroup.cohort_id == member.cohort.id)
                             .order_by(col(CohortGroup.name))).all())
