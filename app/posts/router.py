"""The learning blog in the browser: my blog, a colleague's, the cohort stream, writing and
editing a post (with a preview), reading one with its comments, commenting and hiding."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import feed_keys
from app.auth.deps import CurrentUser, caller
from app.auth.models import Person
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember, CohortParticipant
from app.cohorts.models import Member, PostVisibility
from app.db import id_of
from app.deps import QueryRowId, RowId, SessionDep
from app.errors import InvalidInput
from app.i18n import _
from app.markdown import render_user_text
from app.posts import blog, cards, comments, feeds
from app.posts import service as posts_service
from app.posts.models import Post
from app.programs import service as programs_service
from app.security import flash
from app.templating import absolute_url, render, submit_form

router = APIRouter()

TextField = Annotated[str, Form()]
PREVIEW = "preview"  # the form's "Preview" button; any other press saves


def _listing(request: Request, member: Member, template: str, listing: blog.Listing,
             **context: object) -> Response:
    return render(request, template, {"user": member.user, "member": member,
                                      "cohort": member.cohort, "listing": listing,
                                      "cards": cards.card_renderer(request, member.cohort), **context})


@router.get("/c/{cohort}/blog")
def my_blog(request: Request, member: CohortParticipant, db: SessionDep,
            after: QueryRowId = None) -> Response:
    listing = blog.listing(db, member=member, after=after,
                           choice=blog.StreamChoice(author_id=id_of(member.membership)))
    on_mine = comments.comments_on_my_posts(db, member=member)
    return _listing(request, member, "posts/my_blog.html", listing, comments=on_mine)


@router.get("/c/{cohort}/blog/{membership_id}")
async def person_blog(request: Request, membership_id: RowId, member: CohortMember, db: SessionDep,
                after: QueryRowId = None) -> Response:
    author = cohorts_service.participant_in(db, member=member, membership_id=membership_id)
    listing = blog.listing(db, member=member, choice=blog.StreamChoice(author_id=membership_id),
                           after=after)
    return _listing(request, member, "posts/blog.html", listing, author=author)


# Lists only read: they stay on the event loop, without a hop to the thread pool (as My Things).
@router.get("/c/{cohort}/stream")
async def stream_page(request: Request, member: CohortMember, db: SessionDep, thing: str = "",
                organization: str = "", group: str = "", after: QueryRowId = None) -> Response:
    chosen = blog.stream_choice(db, member=member, thing=thing, organization=organization,
                                group=group)
    listing = blog.listing(db, member=member, choice=chosen, after=after)
    return _listing(request, member, "posts/stream.html", listing, chosen=chosen,
                    groups=blog.groups_of(db, member=member),
                    things=programs_service.curriculum(db, program=member.program).things)


# -- writing ------------------------------------------------------------------------------------

def _form_page(request: Request, member: Member, *, post: Post | None, title: str, body: str,
               visibility: PostVisibility, thing: str = "", status_code: int = 200,
               error: str | None = None, preview: bool = False) -> Response:
    return render(request, "posts/form.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "post": post,
        "title": title, "body": body, "visibility": visibility, "thing": thing,
        "error": error, "preview_html": render_user_text(body) if preview else None,
        "visibilities": posts_service.visibilities_for(member),
    }, status_code=status_code)


def _picked(value: str) -> PostVisibility | None:
    """Who reads the post, as picked on the form; None when nothing (known) was picked."""
    return PostVisibility(value) if value in PostVisibility.__members__ else None


def _visibility(value: str, member: Member) -> PostVisibility:
    """The pick to save: none means the cohort's default; an unknown one is refused."""
    if value and _picked(value) is None:
        raise InvalidInput(_("Choose who reads the post from the list."))
    return _picked(value) or member.cohort.posts_default_visibility


@router.get("/c/{cohort}/posts/new")
def new_post_page(request: Request, member: CohortParticipant, thing: str = "") -> Response:
    return _form_page(request, member, post=None, title="", body="", thing=thing,
                      visibility=member.cohort.posts_default_visibility)


@router.post("/c/{cohort}/posts")
def create_post_form(
    request: Request, member: CohortParticipant, db: SessionDep, title: TextField = "",
    body: TextField = "", visibility: TextField = "", thing: TextField = "", intent: TextField = "",
) -> Response:
    def again(status: int, error: str | None, preview: bool = False) -> Response:
        return _form_page(request, member, post=None, title=title, body=body, thing=thing,
                          visibility=_picked(visibility) or member.cohort.posts_default_visibility,
                          status_code=status, error=error, preview=preview)

    def action() -> Response:
        if intent == PREVIEW:
            return again(200, None, preview=True)
        post = posts_service.create_post(db, member=member, title=title, body=body,
                                         thing_key=thing or None,
                                         visibility=_visibility(visibility, member))
        flash(request, _("Your post is published."))
        return RedirectResponse(request.app.url_path_for("post_page", post_id=str(post.id)),
                                status_code=303)

    return submit_form(action, again)


@router.get("/posts/{post_id}/edit")
def edit_post_page(request: Request, post_id: RowId, user: CurrentUser, db: SessionDep) -> Response:
    member, post = _own(db, user, post_id)
    return _form_page(request, member, post=post, title=post.title, body=post.body,
                      visibility=post.visibility)


def _own(db: Session, user: Person, post_id: int) -> tuple[Member, Post]:
    member = posts_service.member_for_post(db, user=user, post_id=post_id)
    return member, posts_service.own_post(db, member=member, post_id=post_id)


@router.post("/posts/{post_id}/edit")
def edit_post_form(
    request: Request, post_id: RowId, user: CurrentUser, db: SessionDep, title: TextField = "",
    body: TextField = "", visibility: TextField = "", intent: TextField = "",
) -> Response:
    member, post = _own(db, user, post_id)

    def again(status: int, error: str | None, preview: bool = False) -> Response:
        return _form_page(request, member, post=post, title=title, body=body,
                          visibility=_picked(visibility) or post.visibility, status_code=status,
                          error=error, preview=preview)

    def action() -> Response:
        if intent == PREVIEW:
            return again(200, None, preview=True)
        posts_service.edit_post(db, member=member, post_id=post_id, title=title, body=body,
                                visibility=_visibility(visibility, member))
        flash(request, _("Your changes are saved."))
        return RedirectResponse(request.app.url_path_for("post_page", post_id=str(post_id)),
                                status_code=303)

    return submit_form(action, again)


# -- reading and commenting ---------------------------------------------------------------------

def _post_page(request: Request, db: Session, post_id: int, *, status_code: int = 200,
               error: str | None = None, comment: str = "") -> Response:
    user = caller(request, db)
    detail = posts_service.read_post(db, user=user, post_id=post_id)
    return render(request, "posts/post.html", {
        "user": user, "member": detail.reader, "cohort": detail.cohort, "detail": detail,
        "error": error, "comment": comment}, status_code=status_code)


@router.get("/posts/{post_id}")
def post_page(request: Request, post_id: RowId, db: SessionDep) -> Response:
    """A post and its comments: for its cohort's members, and for anyone when it is public."""
    return _post_page(request, db, post_id)


@router.post("/posts/{post_id}/comments")
def comment_form(request: Request, post_id: RowId, user: CurrentUser, db: SessionDep,
                 body: TextField = "") -> Response:
    def action() -> Response:
        comments.add_comment(db, user=user, post_id=post_id, body=body)
        flash(request, _("Your comment is added."))
        return RedirectResponse(request.app.url_path_for("post_page", post_id=str(post_id))
                                + "#comments", status_code=303)

    return submit_form(action, lambda status, error: _post_page(
        request, db, post_id, status_code=status, error=error, comment=body))


@router.post("/comments/{comment_id}/hide")
def hide_comment_form(request: Request, comment_id: RowId, user: CurrentUser,
                      db: SessionDep) -> Response:
    comment = comments.hide_comment(db, user=user, comment_id=comment_id)
    flash(request, _("The comment is hidden. It is kept for the record."))
    return RedirectResponse(request.app.url_path_for("post_page", post_id=str(comment.post_id))
                            + "#comments", status_code=303)


# -- asking the trainers ------------------------------------------------------------------------

def _ask_page(request: Request, member: Member, *, thing: str, body: str, status_code: int = 200,
              error: str | None = None) -> Response:
    return render(request, "posts/ask.html", {"user": member.user, "member": member,
                                              "cohort": member.cohort, "thing": thing,
                                              "body": body, "error": error},
                  status_code=status_code)


@router.get("/c/{cohort}/questions/new")
def ask_page(request: Request, member: CohortParticipant, thing: str = "") -> Response:
    return _ask_page(request, member, thing=thing, body="")


@router.post("/c/{cohort}/questions")
def ask_form(request: Request, member: CohortParticipant, db: SessionDep, body: TextField = "",
             thing: TextField = "") -> Response:
    def action() -> Response:
        post = posts_service.ask_trainers(db, member=member, body=body, thing_key=thing or None)
        flash(request, _("Your question is sent. The trainers answer it in a comment here."))
        return RedirectResponse(request.app.url_path_for("post_page", post_id=str(post.id)),
                                status_code=303)

    return submit_form(action, lambda status, error: _ask_page(
        request, member, thing=thing, body=body, status_code=status, error=error))


# -- feeds --------------------------------------------------------------------------------------
# Feed readers send no cookies: the key in the address says who reads (see app.auth.feed_keys).

FEED_SIZE = 50  # the latest posts; readers keep what they have seen
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def feed_reader(request: Request, db: Session, key: str, cohort: str) -> Member:
    user = feed_keys.feed_owner(db, key=key, secret=request.app.state.secret_key)
    member = cohorts_service.find_member(db, cohort_key=cohort, user_id=user.id)
    if member is None:  # a cohort not theirs answers as a wrong key does
        raise feed_keys.no_such_feed()
    return member


def _feed(request: Request, db: Session, member: Member, *, title: str, page_url: str,
          choice: blog.StreamChoice) -> Response:
    listing = blog.listing(db, member=member, choice=choice, limit=FEED_SIZE)
    body = feeds.atom(title=title, feed_url=str(request.url), page_url=page_url,
                      author=member.cohort.title, entries=listing.entries,
                      link_of=lambda e: absolute_url(request, "post_page", post_id=e.post.id))
    return Response(body, media_type=ATOM_TYPE)


@router.get("/feeds/{feed_key}/c/{cohort}/stream.atom")
def stream_feed(request: Request, feed_key: str, cohort: str, db: SessionDep) -> Response:
    """The cohort stream as its reader may see it."""
    member = feed_reader(request, db, feed_key, cohort)
    return _feed(request, db, member, title=member.cohort.title, choice=blog.StreamChoice(),
                 page_url=absolute_url(request, "stream_page", cohort=cohort))


@router.get("/feeds/{feed_key}/c/{cohort}/blog/{membership_id}.atom")
def blog_feed(request: Request, feed_key: str, cohort: str, membership_id: RowId,
              db: SessionDep) -> Response:
    """One person's blog."""
    member = feed_reader(request, db, feed_key, cohort)
    author = cohorts_service.participant_in(db, member=member, membership_id=membership_id)
    return _feed(request, db, member, choice=blog.StreamChoice(author_id=membership_id),
                 title=_("{name}'s blog").format(name=author.user.name),
                 page_url=absolute_url(request, "person_blog", cohort=cohort,
                                       membership_id=membership_id))


@router.get("/feeds/{feed_key}/c/{cohort}/things/{thing}.atom")
def thing_feed(request: Request, feed_key: str, cohort: str, thing: str, db: SessionDep) -> Response:
    """What everyone wrote about one Thing."""
    member = feed_reader(request, db, feed_key, cohort)
    chosen = blog.stream_choice(db, member=member, thing=thing)
    assert chosen.thing is not None
    return _feed(request, db, member, choice=chosen, title=chosen.thing.title,
                 page_url=absolute_url(request, "thing_page", cohort=cohort, key=thing))
