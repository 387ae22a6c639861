"""Reflection posts and the learning blog: writing, editing and deleting posts, and reading
one with its comments (adding and hiding comments: app.posts.comments)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.models import Person, User
from app.cohorts import service as cohorts_service
from app.cohorts.models import Cohort, Member, Membership, PostVisibility, require_participant
from app.db import id_of
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import _
from app.limits import POST_BODY_CHARS, POST_TITLE_CHARS, URL_CHARS
from app.markdown import render_user_text
from app.posts import blog
from app.posts.models import Comment, Post
from app.programs import service as programs_service
from app.programs.models import Thing, ThingFacts

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


_TAG = re.compile(r"<[^>]*>")


def count_words(text: str) -> int:
    """Words of the text as a reader sees it: a link's address, an image's and the Markdown
    marks are not words."""
    return _words_in(render_user_text(text))


def _words_in(rendered: str) -> int:
    return len(_WORD.findall(html.unescape(_TAG.sub(" ", rendered))))


def _write_body(post: Post, body: str) -> None:
    """The text, its safe HTML and its words, always together."""
    post.body, post.body_html = body, render_user_text(body)
    post.word_count = _words_in(post.body_html)


def check_body(body: str) -> None:
    """The one length rule for what people write, whichever face they write it in."""
    if len(body) > POST_BODY_CHARS:
        raise InvalidInput(_("That text is too long: at most {limit} characters; it has {n}.")
                           .format(limit=f"{POST_BODY_CHARS:,}", n=f"{len(body):,}"))


def create_post(
    session: Session, *, member: Member, title: str, body: str, thing_key: str | None = None,
    visibility: PostVisibility | None = None, is_question: bool = False, now: datetime | None = None,
) -> Post:
    """A new post on the member's blog; a question goes to the cohort's trainers only."""
    require_participant(member)
    title = _check_title(title)
    if not body.strip():
        raise InvalidInput(_("A post needs a title and some text."))
    check_body(body)
    thing = (programs_service.get_thing(session, program=member.program, key=thing_key)
             if thing_key else None)
    now = now or datetime.now(UTC)
    post = Post(
        cohort_id=id_of(member.cohort), author_id=id_of(member.membership),
        thing_id=thing.id if thing else None, title=title, body=body, is_question=is_question,
        visibility=PostVisibility.private if is_question else _choose_visibility(member, visibility),
        created_at=now, updated_at=now,
    )
    _write_body(post, body)
    session.add(post)
    session.flush()
    return post


def ask_trainers(session: Session, *, member: Member, body: str, thing_key: str | None = None,
                 now: datetime | None = None) -> Post:
    """A participant's question to the cohort's trainers: a private post they answer in a
    comment."""
    thing = (programs_service.get_thing(session, program=member.program, key=thing_key)
             if thing_key else None)
    title = (_("Question about “{title}”").format(title=thing.title) if thing
             else _("Question to the trainers"))
    return create_post(session, member=member, title=title[:POST_TITLE_CHARS], body=body,
                       thing_key=thing_key, is_question=True, now=now)


def reflection_for(session: Session, *, member: Member, thing: ThingFacts) -> Post | None:
    """The participant's reflection on a Thing: their latest post tied to it."""
    return session.exec(
        select(Post).where(Post.author_id == member.membership.id, Post.thing_id == thing.id,
                           col(Post.deleted_at).is_(None))
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
                           col(Post.thing_id).in_({t for _m, t in pairs}), col(Post.deleted_at).is_(None))
        .order_by(col(Post.updated_at), col(Post.id))
    ).all()
    wanted = set(pairs)
    latest: dict[tuple[int, int], str] = {}
    for post in posts:  # later posts overwrite earlier ones
        key = (post.author_id, post.thing_id)
        if key in wanted and post.thing_id is not None:
            latest[(post.author_id, post.thing_id)] = post.body
    return latest


def best_reflection_words(session: Session, *, member: Member, thing: ThingFacts,
                          excluding: int | None = None) -> int:
    """The most words any of the member's posts on a Thing has (but the post `excluding`)."""
    words = session.exec(
        select(func.max(Post.word_count)).where(
            Post.author_id == member.membership.id, Post.thing_id == thing.id,
            col(Post.deleted_at).is_(None), col(Post.id) != (excluding or 0))
    ).one()
    return int(words or 0)


def save_reflection(
    session: Session, *, member: Member, key: str, body: str, now: datetime | None = None,
    draft_link: str | None = None,
) -> Post | None:
    """Create or update the reflection on a Thing. Blank text leaves an existing one alone.
    `draft_link`: the link to the work typed beside it, kept until the Thing is marked done."""
    require_participant(member)
    thing = programs_service.get_thing(session, program=member.program, key=key)
    link = (draft_link or "").strip() or None
    if link is not None and len(link) > URL_CHARS:
        raise InvalidInput(_("The link to your work is too long: at most {n} characters.")
                           .format(n=URL_CHARS), field="evidence_url")
    if not body.strip():
        post = reflection_for(session, member=member, thing=thing)
        if post is not None and draft_link is not None and post.draft_link != link:
            post.draft_link = link
            session.flush()
        return post
    check_body(body)
    now = now or datetime.now(UTC)
    post = reflection_for(session, member=member, thing=thing)
    if post is None:
        post = Post(
            cohort_id=id_of(member.cohort), author_id=id_of(member.membership), thing_id=thing.id,
            title=_("Reflection: {title}").format(title=thing.title)[:POST_TITLE_CHARS], body=body,
            visibility=member.cohort.posts_default_visibility, created_at=now, updated_at=now,
        )
        _write_body(post, body)
        session.add(post)
    elif post.body != body:
        _write_body(post, body)
        post.updated_at = now
    if draft_link is not None:
        post.draft_link = link
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


def visibilities_for(member: Member) -> list[PostVisibility]:
    """What a participant may choose for a post in their cohort."""
    return [v for v in PostVisibility
            if v != PostVisibility.public or member.cohort.posts_allow_public]


def _choose_visibility(member: Member, visibility: PostVisibility | None) -> PostVisibility:
    chosen = visibility or member.cohort.posts_default_visibility
    if chosen == PostVisibility.public and not member.cohort.posts_allow_public:
        raise Conflict(_("This cohort keeps posts inside the cohort: choose 'Only me and "
                             "the trainers' or 'Everyone in the cohort'."))
    return chosen


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput(_("A post needs a title and some text."))
    if len(title) > POST_TITLE_CHARS:
        raise InvalidInput(_("The title is too long: at most {limit} characters.")
                           .format(limit=POST_TITLE_CHARS))
    return title


def own_post(session: Session, *, member: Member, post_id: int) -> Post:
    """A post the caller wrote (to edit or delete); anyone else's is refused, and one they
    cannot read is not found."""
    post = session.get(Post, post_id)
    if post is None or not blog.may_read(post, member):
        raise post_not_found(post_id)
    if not member.is_participant or post.author_id != member.membership.id:
        raise Forbidden(_("Only the author can change or delete a post."))
    return post


def edit_post(
    session: Session, *, member: Member, post_id: int, title: str | None = None,
    body: str | None = None, visibility: PostVisibility | None = None, now: datetime | None = None,
) -> Post:
    """Change my post; what is not given (None) stays as it is. Every rule is checked before
    anything changes: a refused edit (shown again in the form) leaves the post as it was."""
    post = own_post(session, member=member, post_id=post_id)
    new_title = _check_title(post.title if title is None else title)
    body = post.body if body is None else body
    if not body.strip():
        raise InvalidInput(_("A post needs a title and some text."))
    check_body(body)
    new_visibility = (_choose_visibility(member, visibility)
                      if visibility is not None and not post.is_question else post.visibility)
    post.title, post.visibility = new_title, new_visibility
    _write_body(post, body)
    post.updated_at = now or datetime.now(UTC)
    session.flush()
    return post


def delete_post(session: Session, *, member: Member, post_id: int, now: datetime | None = None) -> Post:
    """The post leaves every view; the row stays, for the record."""
    post = own_post(session, member=member, post_id=post_id)
    post.deleted_at = now or datetime.now(UTC)
    session.flush()
    return post


# -- reading one post, and its comments ---------------------------------------------------------

@dataclass
class Author:
    name: str
    email: str | None  # only for the author themself and the cohort's trainers
    membership_id: int


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    author_name: str

    @property
    def html(self) -> str:
        return render_user_text(self.comment.body)


@dataclass
class PostAccess:
    """A post, and what one reader may do with it."""

    post: Post
    author: Author
    cohort: Cohort
    reader: Member | None  # None: a public post read by someone outside the cohort

    @property
    def is_mine(self) -> bool:
        return (self.reader is not None and self.reader.is_participant
                and self.reader.membership.id == self.post.author_id)

    @property
    def may_comment(self) -> bool:
        return self.reader is not None and not self.reader.is_admin_view

    @property
    def may_hide_comments(self) -> bool:
        return self.is_mine or (self.reader is not None and self.reader.is_trainer)


@dataclass
class PostDetail(PostAccess):
    """A post as one reader sees it: with its Thing and its comments."""

    thing: Thing | None = None
    comments: list[CommentView] = field(default_factory=list)

    @property
    def html(self) -> str:
        return self.post.body_html or render_user_text(self.post.body)


def post_not_found(post_id: int) -> NotFound:
    return NotFound(_("No post {id} that you can see.").format(id=post_id))


def open_post(session: Session, *, user: Person | None, post_id: int) -> PostAccess:
    """A post for whoever may read it: its cohort's members (private posts: the author and
    the trainers), and anyone at all when it is public and its cohort allows that. Others do
    not find it."""
    row = session.exec(
        select(Post, User, Cohort)
        .join(Membership, col(Membership.id) == col(Post.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .join(Cohort, col(Cohort.id) == col(Post.cohort_id))
        .where(Post.id == post_id)
    ).first()
    if row is None:
        raise post_not_found(post_id)
    post, author, cohort = row
    reader = _reader(session, user=user, cohort=cohort)
    if not blog.may_read(post, reader, cohort=cohort):
        raise post_not_found(post_id)
    staff_view = reader is not None and (reader.is_trainer or author.id == reader.user.id)
    return PostAccess(post=post, cohort=cohort, reader=reader,
                      author=Author(name=author.name, email=author.email if staff_view else None,
                                    membership_id=post.author_id))


def read_post(session: Session, *, user: Person | None, post_id: int) -> PostDetail:
    """The post with its Thing and its comments (hidden ones left out), oldest first."""
    return _detail(session, open_post(session, user=user, post_id=post_id))


def authors_view(session: Session, *, member: Member, post: Post) -> PostDetail:
    """A post as its author sees it, just after writing it: the author may read their own
    post, so it is neither looked up nor checked again."""
    user = member.user
    return _detail(session, PostAccess(
        post=post, cohort=member.cohort, reader=member,
        author=Author(name=user.name, email=user.email, membership_id=post.author_id)))


def _detail(session: Session, access: PostAccess) -> PostDetail:
    post = access.post
    post_id = id_of(post)
    comments = session.exec(
        select(Comment, User.name)
        .join(Membership, col(Membership.id) == col(Comment.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Comment.post_id == post_id, col(Comment.hidden_at).is_(None))
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    return PostDetail(
        post=post, author=access.author, cohort=access.cohort, reader=access.reader,
        thing=session.get(Thing, post.thing_id) if post.thing_id else None,
        comments=[CommentView(comment=c, author_name=name) for c, name in comments])


def member_for_post(session: Session, *, user: Person, post_id: int) -> Member:
    """The caller as a member of the post's cohort (to change or delete it); someone who
    cannot read the post does not find it."""
    reader = open_post(session, user=user, post_id=post_id).reader
    if reader is None:
        raise post_not_found(post_id)
    return reader


def _reader(session: Session, *, user: Person | None, cohort: Cohort) -> Member | None:
    if user is None:
        return None
    return cohorts_service.member_or_admin_view(session, user=user, cohort_key=cohort.key)
