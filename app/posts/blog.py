"""The learning blog: who may read which post, a person's blog, the cohort stream, and what a
Thing's readers wrote. Every list is one query, whatever the number of posts and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import Cohort, CohortGroup, Member, Membership, PostVisibility
from app.errors import NotFound
from app.i18n import _
from app.markdown import render_user_text
from app.posts.models import Comment, Post
from app.programs import service as programs_service
from app.programs.models import Thing, ThingFacts

PAGE_SIZE = 20


def may_read(post: Post, member: Member | None, *, cohort: Cohort | None = None) -> bool:
    """Whether a post is there for this reader: not deleted; for the members of its cohort
    (private ones only for their author and the trainers); and, given its cohort, for anyone
    when it is public and the cohort allows that."""
    if post.deleted_at is not None:
        return False
    if (cohort is not None and cohort.posts_allow_public
            and post.visibility == PostVisibility.public):
        return True
    if member is None or member.cohort.id != post.cohort_id:
        return False
    if post.visibility != PostVisibility.private:
        return True
    return member.is_trainer or post.author_id == member.membership.id


@dataclass(frozen=True, slots=True)
class PostRow:
    """What a list shows of a post, read without the ORM (lists are the busiest pages)."""

    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    visibility: PostVisibility
    word_count: int
    html: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A post in a list: who wrote it, on which Thing, how many comments."""

    post: PostRow
    author_name: str
    author_membership_id: int
    thing_key: str | None
    thing_title: str | None
    comments: int

    @property
    def html(self) -> str:
        return self.post.html


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    next_after: int | None  # the post the next (older) page follows; None: this is the last


@dataclass(frozen=True)
class StreamChoice:
    """Which posts a list holds: the stream narrowed to a Thing, an organisation, a group or
    an author; only questions to the trainers; or all but the reader's own."""

    thing: ThingFacts | None = None
    organization: str | None = None
    group: CohortGroup | None = None
    author_id: int | None = None
    questions_only: bool = False
    others_only: bool = False

    @property
    def is_narrowed(self) -> bool:
        return any(v is not None for v in (self.thing, self.organization, self.group, self.author_id))


_COMMENTS = (sa.select(sa.func.count()).select_from(Comment)
             .where(col(Comment.post_id) == col(Post.id), col(Comment.hidden_at).is_(None))
             .correlate(Post).scalar_subquery())
_COLUMNS = (col(Post.id), col(Post.title), col(Post.created_at), col(Post.updated_at),
            col(Post.visibility), col(Post.word_count), col(Post.body_html),
            # the Markdown only where no HTML was kept (posts written before it was)
            sa.case((col(Post.body_html) == "", col(Post.body)), else_=None),
            col(Post.author_id), col(User.name), col(Thing.key), col(Thing.title), _COMMENTS)
_SHAPES = ("trainer", "thing", "organization", "group", "author", "after", "questions", "others")


@lru_cache(maxsize=256)
def _statement(shape: tuple[bool, ...]) -> sa.Select[Any]:
    """The listing's query for one combination of filters, built once; the values are bound
    at each use."""
    on = dict(zip(_SHAPES, shape, strict=True))
    where = [col(Post.cohort_id) == sa.bindparam("cohort_id"), col(Post.deleted_at).is_(None)]
    if not on["trainer"]:  # private posts: their author's and the trainers' only
        where.append(sa.or_(col(Post.visibility) != PostVisibility.private,
                            col(Post.author_id) == sa.bindparam("me")))
    if on["thing"]:
        where.append(col(Post.thing_id) == sa.bindparam("thing_id"))
    if on["organization"]:
        where.append(col(Membership.organization) == sa.bindparam("organization"))
    if on["group"]:
        where.append(col(Membership.group_id) == sa.bindparam("group_id"))
    if on["author"]:
        where.append(col(Post.author_id) == sa.bindparam("author_id"))
    if on["questions"]:
        where.append(col(Post.is_question).is_(True))
    if on["others"]:
        where.append(col(Post.author_id) != sa.bindparam("me"))
    if on["after"]:  # older than the last post of the page before (the id breaks ties)
        anchor = sa.select(col(Post.created_at)).where(col(Post.id) == sa.bindparam("after"))
        anchor_at = anchor.scalar_subquery()
        where.append(sa.or_(col(Post.created_at) < anchor_at,
                            sa.and_(col(Post.created_at) == anchor_at,
                                    col(Post.id) < sa.bindparam("after"))))
    return (sa.select(*_COLUMNS)
            .join(Membership, col(Membership.id) == col(Post.author_id))
            .join(User, col(User.id) == col(Membership.user_id))
            .outerjoin(Thing, col(Thing.id) == col(Post.thing_id))
            .where(*where)
            .order_by(col(Post.created_at).desc(), col(Post.id).desc())
            .limit(sa.bindparam("limit")))


def listing(session: Session, *, member: Member, choice: StreamChoice | None = None,
            after: int | None = None, limit: int = PAGE_SIZE) -> Listing:
    """The posts the member may read that `choice` picks, newest first, a page at a time
    (`after`: the last post of the page before), with their comment counts: one query."""
    choice = choice or StreamChoice()
    shape = (member.is_trainer, choice.thing is not None, choice.organization is not None,
             choice.group is not None, choice.author_id is not None, after is not None,
             choice.questions_only, choice.others_only)
    params = {"cohort_id": member.cohort.id, "me": member.membership.id, "limit": limit + 1,
              "thing_id": choice.thing.id if choice.thing else None,
              "organization": choice.organization, "author_id": choice.author_id,
              "group_id": choice.group.id if choice.group else None, "after": after}
    rows = session.connection().execute(_statement(shape), params).all()
    # Things by their title in the reader's language (the row holds the programme's own)
    titles = {t.key: t.title for t in
              programs_service.curriculum(session, program=member.program).things}
    entries = [
        Entry(post=PostRow(id=post_id, title=title, created_at=created_at, updated_at=updated_at,
                           visibility=visibility, word_count=words,
                           html=body_html or render_user_text(body or "")),
              author_name=name, author_membership_id=author_id, thing_key=key,
              thing_title=titles.get(key or "", thing_title),
              comments=int(comments))
        for (post_id, title, created_at, updated_at, visibility, words, body_html, body, author_id,
             name, key, thing_title, comments) in rows[:limit]]
    return Listing(entries=entries, next_after=entries[-1].post.id if len(rows) > limit else None)


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


def groups_of(session: Session, *, member: Member) -> list[CohortGroup]:
    """The cohort's groups, to filter by; none to look up when its programme has no groups (a
    cohort file cannot then name any)."""
    if member.program.groups_max_size is None:
        return []
    return list(session.exec(select(CohortGroup).where(CohortGroup.cohort_id == member.cohort.id)
                             .order_by(col(CohortGroup.name))).all())
