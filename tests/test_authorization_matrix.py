"""Who may do what, for every route in the application's route table: anonymous, a participant
of this cohort, a participant of another cohort, a trainer, a manager and a site admin, through
the browser (a session) and the API (a bearer token). The expected status is written down once
per route; a route missing from the table fails the first test, so new routes join it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import feed_keys
from app.auth import service as auth_service
from app.config import Settings
from app.forum import service as forum_service
from app.groups import service as groups_service
from app.main import create_app
from app.pitches import service as pitches_service
from app.posts import comments
from app.posts import service as posts_service
from app.publishing import history
from app.publishing.models import Revision
from tests.fixtures.builders import ANNA, BRAM, MANAGER, STRANGER, TRAINER, load_two_cohorts, member
from tests.fixtures.database import TEST_SECRET
from tests.fixtures.people import browser_signed_in, token_for
from tests.fixtures.routes import api_routes

ADMIN = "admin@example.org"
ROLES = ("anonymous", "participant", "outsider", "trainer", "manager", "admin")
EMAILS = {"participant": ANNA, "outsider": STRANGER, "trainer": TRAINER, "manager": MANAGER,
          "admin": ADMIN}

#  route                                                     anon part  out  trai mana admin
EXPECTED: dict[tuple[str, str], tuple[int, int, int, int, int, int]] = {
    ("GET", "/"):                                               (303, 303, 303, 303, 303, 303),
    ("GET", "/healthz"):                                        (200, 200, 200, 200, 200, 200),
    ("GET", "/readyz"):                                         (200, 200, 200, 200, 200, 200),
    ("GET", "/login"):                                          (200, 303, 303, 303, 303, 303),
    ("POST", "/logout"):                                        (303, 303, 303, 303, 303, 303),
    ("GET", "/demo"):                                           (200, 200, 200, 200, 200, 200),
    ("POST", "/demo"):                                          (303, 303, 303, 303, 303, 303),
    ("GET", "/login/oidc/{provider}"):                          (404, 404, 404, 404, 404, 404),
    ("GET", "/login/oidc/{provider}/callback"):                 (404, 404, 404, 404, 404, 404),
    ("GET", "/cohorts"):                                        (303, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/dashboards"):                              (401, 200, 200, 200, 200, 200),
    ("GET", "/dashboards"):                                     (303, 200, 200, 200, 200, 200),
    ("GET", "/c/{cohort}/forum"):                               (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/forum/new"):                           (303, 200, 404, 200, 200, 200),
    # a site admin off the roster reads the forum but does not write in it
    ("POST", "/c/{cohort}/forum/new"):                          (303, 303, 404, 303, 303, 403),
    ("GET", "/c/{cohort}/forum/topics/{topic_id}"):             (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/forum/topics/{topic_id}/replies"):    (303, 303, 404, 303, 303, 403),
    ("GET", "/api/v1/cohorts/{cohort}/forum/topics"):           (401, 200, 404, 200, 200, 200),
    ("POST", "/api/v1/cohorts/{cohort}/forum/topics"):          (401, 201, 404, 201, 201, 403),
    ("GET", "/api/v1/cohorts/{cohort}/forum/topics/{topic_id}"): (401, 200, 404, 200, 200, 200),
    ("POST", "/api/v1/forum/topics/{topic_id}/replies"):        (401, 201, 404, 201, 201, 403),
    # the person who asked (Anna) and trainers mark the answer
    ("GET", "/c/{cohort}/forum/search"):                        (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/forum/posts/{forum_post_id}"):         (303, 303, 404, 303, 303, 303),
    ("GET", "/api/v1/cohorts/{cohort}/forum/search"):           (401, 200, 404, 200, 200, 200),
    # trainers (and site admins) moderate; authors edit their own posts for a while
    ("POST", "/c/{cohort}/forum/topics/{topic_id}/moderation"): (303, 403, 404, 303, 403, 303),
    ("POST", "/c/{cohort}/forum/posts/{forum_post_id}/hidden"): (303, 403, 404, 303, 403, 303),
    ("GET", "/c/{cohort}/forum/posts/{forum_post_id}/edit"):    (303, 200, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/forum/posts/{forum_post_id}/edit"):   (303, 303, 404, 403, 403, 403),
    ("POST", "/api/v1/forum/topics/{topic_id}/moderation"):     (401, 403, 404, 200, 403, 200),
    ("PUT", "/api/v1/forum/posts/{forum_post_id}/hidden"):      (401, 403, 404, 204, 403, 204),
    ("PATCH", "/api/v1/forum/posts/{forum_post_id}"):           (401, 200, 404, 403, 403, 403),
    # following by mail: whoever may read it, from the roster (a site admin's view has none)
    ("POST", "/c/{cohort}/forum/following"):                    (303, 303, 404, 303, 303, 403),
    ("PUT", "/api/v1/cohorts/{cohort}/forum/following"):        (401, 200, 404, 200, 200, 403),
    ("POST", "/c/{cohort}/forum/topics/{topic_id}/answer"):     (303, 303, 404, 303, 403, 403),
    ("PUT", "/api/v1/forum/topics/{topic_id}/answer"):          (401, 200, 404, 200, 403, 403),
    ("DELETE", "/api/v1/forum/topics/{topic_id}/answer"):       (401, 204, 404, 204, 403, 403),
    # groups: Anna is in team-1; participants choose their group; trainers move people and
    # name the resource person; the group's space is its members' and the trainers' only
    ("GET", "/c/{cohort}/groups"):                              (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/groups/{group}"):                      (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/groups/{group}/join"):                (303, 303, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/groups/{group}/leave"):               (303, 303, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/groups/{group}/idea"):                (303, 303, 404, 303, 404, 404),
    ("POST", "/c/{cohort}/groups/{group}/resource"):            (303, 403, 404, 303, 403, 303),
    ("POST", "/c/{cohort}/groups/moves/{membership_id}"):       (303, 403, 404, 303, 403, 303),
    ("GET", "/c/{cohort}/groups/{group}/topics/new"):           (303, 200, 404, 200, 404, 404),
    ("POST", "/c/{cohort}/groups/{group}/topics/new"):          (303, 303, 404, 303, 404, 404),
    ("GET", "/api/v1/cohorts/{cohort}/groups"):                 (401, 200, 404, 200, 200, 200),
    # the pitch: the cohort reads it, its group writes it, the group and trainers see versions
    ("GET", "/c/{cohort}/groups/{group}/pitch"):                (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/groups/{group}/pitch"):               (303, 303, 404, 403, 404, 404),
    ("GET", "/c/{cohort}/groups/{group}/pitch/versions/{number}"): (303, 200, 404, 200, 404, 404),
    ("GET", "/api/v1/cohorts/{cohort}/groups/{group}/pitch"):   (401, 200, 404, 200, 200, 200),
    # the vote: trainers run it, participants vote (here while it is still closed: 409)
    ("GET", "/c/{cohort}/vote"):                                (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/vote"):                               (303, 409, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/voting"):                             (303, 403, 404, 303, 403, 303),
    ("GET", "/api/v1/cohorts/{cohort}/voting"):                 (401, 200, 404, 200, 200, 200),
    ("PUT", "/api/v1/cohorts/{cohort}/voting"):                 (401, 403, 404, 200, 403, 200),
    ("PUT", "/api/v1/cohorts/{cohort}/ballot"):                 (401, 409, 404, 403, 403, 403),
    # the winner's pilot: managers approve one (not before the vote is published: 409); the
    # group posts updates once there is a pilot (none here: 404); managers list theirs
    ("GET", "/c/{cohort}/groups/{group}/pilot"):                (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/groups/{group}/pilot"):               (303, 403, 404, 403, 409, 403),
    ("POST", "/c/{cohort}/groups/{group}/pilot/updates"):       (303, 404, 404, 404, 404, 404),
    ("GET", "/pilots"):                                         (303, 200, 200, 200, 200, 200),
    ("GET", "/c/{cohort}/present"):                             (303, 403, 404, 200, 403, 200),
    ("GET", "/c/{cohort}/present/turnout"):                     (303, 403, 404, 200, 403, 200),
    # settling a tie: trainers, and only when there is one (here there is none: 409)
    ("POST", "/c/{cohort}/voting/winner"):                      (303, 403, 404, 409, 403, 409),
    ("PUT", "/api/v1/cohorts/{cohort}/voting/winner"):          (401, 403, 404, 409, 403, 409),
    ("PUT", "/api/v1/cohorts/{cohort}/groups/{group}/pitch"):   (401, 200, 404, 403, 404, 404),
    ("GET", "/api/v1/cohorts/{cohort}/groups/{group}"):         (401, 200, 404, 200, 200, 200),
    ("PUT", "/api/v1/cohorts/{cohort}/groups/{group}/members/me"): (401, 200, 404, 403, 403, 403),
    ("DELETE", "/api/v1/cohorts/{cohort}/groups/{group}/members/me"): (401, 204, 404, 403, 403, 403),
    ("PUT", "/api/v1/cohorts/{cohort}/people/{membership_id}/group"): (401, 403, 404, 204, 403, 204),
    ("PUT", "/api/v1/cohorts/{cohort}/groups/{group}/idea"):    (401, 200, 404, 200, 404, 404),
    ("GET", "/api/v1/cohorts/{cohort}/groups/{group}/topics"):  (401, 200, 404, 200, 404, 404),
    ("POST", "/api/v1/cohorts/{cohort}/groups/{group}/topics"): (401, 201, 404, 201, 404, 404),
    ("POST", "/language"):                                      (303, 303, 303, 303, 303, 303),
    ("GET", "/account"):                                        (303, 200, 200, 200, 200, 200),
    ("POST", "/account/tokens"):                                (303, 201, 201, 201, 201, 201),
    ("POST", "/account/tokens/{token_id}/revoke"):              (303, 303, 404, 404, 404, 404),
    ("POST", "/account/sign-out-everywhere"):                   (303, 303, 303, 303, 303, 303),
    # six wrong passwords for one account (the form names Anna each time): the sixth is throttled
    ("POST", "/login"):                                         (400, 400, 400, 400, 400, 429),
    ("GET", "/password/reset"):                                 (200, 200, 200, 200, 200, 200),
    ("POST", "/password/reset"):                                (200, 200, 200, 200, 200, 200),
    ("GET", "/password/set/{token}"):                           (410, 410, 410, 410, 410, 410),
    ("POST", "/password/set/{token}"):                          (410, 410, 410, 410, 410, 410),
    ("GET", "/outbox"):                                         (200, 200, 200, 200, 200, 200),
    ("GET", "/schema/program.json"):                            (200, 200, 200, 200, 200, 200),
    ("GET", "/schema/cohort.json"):                             (200, 200, 200, 200, 200, 200),
    # authors publish; so do a cohort's trainers, their cohort's file (none given here: 422)
    ("GET", "/publish"):                                        (303, 403, 403, 200, 403, 403),
    ("POST", "/publish/review"):                                (303, 403, 403, 422, 403, 403),
    ("POST", "/publish"):                                       (303, 403, 403, 422, 403, 403),
    ("POST", "/api/v1/publications"):                           (401, 403, 403, 409, 403, 403),
    # a programme's history: authors and site admins; those in its cohorts are refused (all
    # here are: the outsider's cohort runs it too); publishing again needs an author
    ("GET", "/programmes/{program}"):                           (303, 403, 403, 403, 403, 200),
    ("GET", "/programmes/{program}/revisions/{revision}"):      (303, 403, 403, 403, 403, 200),
    ("GET", "/programmes/{program}/compare"):                   (303, 403, 403, 403, 403, 200),
    ("POST", "/programmes/{program}/revisions/{revision}/review"): (303, 403, 403, 403, 403, 403),
    # site admins name the programme authors (Anna, in the form)
    ("GET", "/admin/authors"):                                  (303, 403, 403, 403, 403, 200),
    ("POST", "/admin/authors"):                                 (303, 403, 403, 403, 403, 303),
    ("POST", "/admin/authors/revoke"):                          (303, 403, 403, 403, 403, 404),
    # badges: the cohort's page for its people; a badge's picture for anyone (this one has none)
    ("GET", "/c/{cohort}/badges"):                              (303, 200, 404, 200, 200, 200),
    ("GET", "/badges/{program}/{badge}.{suffix}"):              (404, 404, 404, 404, 404, 404),
    # a credential of one's own (nobody here has earned one); the issuer's keys and any
    # credential's public page and check are for anyone
    ("GET", "/c/{cohort}/badges/{badge}/credential.json"):      (303, 404, 404, 404, 404, 404),
    ("GET", "/c/{cohort}/badges/{badge}/credential.jwt"):       (303, 404, 404, 404, 404, 404),
    ("GET", "/c/{cohort}/badges/{badge}/certificate.pdf"):      (303, 404, 404, 404, 404, 404),
    ("GET", "/.well-known/did.json"):                           (200, 200, 200, 200, 200, 200),
    ("GET", "/did.json"):                                       (200, 200, 200, 200, 200, 200),
    ("GET", "/issuer"):                                         (200, 200, 200, 200, 200, 200),
    ("GET", "/credentials/{public_id}.json"):                   (404, 404, 404, 404, 404, 404),
    ("GET", "/credentials/{public_id}"):                        (404, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/credentials/verify"):                     (200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/badges"):                 (401, 200, 404, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/badges/{badge}/credential"): (401, 404, 404, 404, 404, 404),
    ("GET", "/credentials/status/revocation"):                  (200, 200, 200, 200, 200, 200),
    # trainers withdraw a badge (Anna has none here: 404 once allowed)
    ("POST", "/c/{cohort}/participants/{membership_id}/badges/{badge}/revoke"):
                                                                (303, 403, 404, 404, 403, 404),
    ("POST", "/api/v1/cohorts/{cohort}/participants/{membership_id}/badges/{badge}/revocation"):
                                                                (401, 403, 404, 404, 403, 404),
    ("GET", "/c/{cohort}/people"):                              (303, 403, 404, 200, 403, 200),
    ("POST", "/c/{cohort}/invitations"):                        (303, 403, 404, 303, 403, 303),
    ("GET", "/join/{cohort}"):                                  (404, 404, 404, 404, 404, 404),
    ("POST", "/join/{cohort}"):                                 (404, 404, 404, 404, 404, 404),
    ("GET", "/join/confirm/{token}"):                           (410, 410, 410, 410, 410, 410),
    ("POST", "/join/confirm/{token}"):                          (410, 410, 410, 410, 410, 410),
    ("GET", "/c/{cohort}/dashboard"):                           (303, 403, 404, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/dashboard"):              (401, 403, 404, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/dashboard.csv"):          (401, 403, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/signoff"):                             (303, 403, 404, 200, 403, 200),
    # nothing waits with that id in this cohort: trainers are told so
    ("POST", "/c/{cohort}/signoff/{completion_id}"):            (303, 403, 404, 404, 403, 404),
    ("GET", "/api/v1/cohorts/{cohort}/signoff"):                (401, 403, 404, 200, 403, 200),
    ("PUT", "/api/v1/cohorts/{cohort}/signoff/{completion_id}"): (401, 403, 404, 404, 403, 404),
    ("GET", "/c/{cohort}"):                                     (303, 303, 404, 303, 303, 303),
    ("GET", "/c/{cohort}/matrix"):                              (303, 403, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/participants/{membership_id}"):        (303, 403, 404, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/matrix"):                 (401, 403, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/desk"):                                (303, 403, 404, 200, 403, 200),
    ("POST", "/c/{cohort}/reminders"):                          (303, 403, 404, 303, 403, 303),
    ("GET", "/c/{cohort}/things"):                              (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/things/{key}"):                        (303, 200, 404, 200, 200, 200),
    ("POST", "/c/{cohort}/things/{key}/reflection"):            (303, 303, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/things/{key}/done"):                  (303, 303, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/things/{key}/undo"):                  (303, 303, 404, 403, 403, 403),
    ("GET", "/api/v1/me"):                                      (401, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/cohorts"):                                 (401, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/cohorts/{cohort}/things"):                 (401, 200, 404, 403, 403, 403),
    ("GET", "/api/v1/cohorts/{cohort}/things/{key}"):           (401, 200, 404, 403, 403, 403),
    ("PUT", "/api/v1/cohorts/{cohort}/things/{key}/completion"): (401, 200, 404, 403, 403, 403),
    ("DELETE", "/api/v1/cohorts/{cohort}/things/{key}/completion"): (401, 204, 404, 403, 403, 403),
    ("PUT", "/api/v1/cohorts/{cohort}/things/{key}/reflection"): (401, 200, 404, 403, 403, 403),
    ("POST", "/api/v1/cohorts/{cohort}/posts"):                 (401, 201, 404, 403, 403, 403),
    ("GET", "/api/v1/posts/{post_id}"):                         (401, 200, 404, 200, 200, 200),
    # the learning blog: Anna's post, seen by the cohort, with the trainer's comment on it
    ("GET", "/c/{cohort}/blog"):                                (303, 200, 404, 403, 403, 403),
    ("GET", "/c/{cohort}/blog/{membership_id}"):                (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/stream"):                              (303, 200, 404, 200, 200, 200),
    ("GET", "/c/{cohort}/posts/new"):                           (303, 200, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/posts"):                              (303, 303, 404, 403, 403, 403),
    ("GET", "/c/{cohort}/questions/new"):                       (303, 200, 404, 403, 403, 403),
    ("POST", "/c/{cohort}/questions"):                          (303, 303, 404, 403, 403, 403),
    ("GET", "/posts/{post_id}"):                                (404, 200, 404, 200, 200, 200),
    ("GET", "/posts/{post_id}/edit"):                           (303, 200, 404, 403, 403, 403),
    ("POST", "/posts/{post_id}/edit"):                          (303, 303, 404, 403, 403, 403),
    ("GET", "/posts/{post_id}/delete"):                         (303, 200, 404, 403, 403, 403),
    # once Anna has deleted it, nobody finds it
    ("POST", "/posts/{post_id}/delete"):                        (303, 303, 404, 404, 404, 404),
    # a site admin not on the roster reads along but does not speak in the cohort
    ("POST", "/posts/{post_id}/comments"):                      (303, 303, 404, 303, 303, 403),
    # once Anna (the post's author) has hidden it, nobody finds it
    ("POST", "/comments/{comment_id}/hide"):                    (303, 303, 404, 404, 404, 404),
    ("GET", "/api/v1/cohorts/{cohort}/posts"):                  (401, 200, 404, 200, 200, 200),
    ("POST", "/api/v1/cohorts/{cohort}/questions"):             (401, 201, 404, 403, 403, 403),
    ("PATCH", "/api/v1/posts/{post_id}"):                       (401, 200, 404, 403, 403, 403),
    ("DELETE", "/api/v1/posts/{post_id}"):                      (401, 200, 404, 404, 404, 404),
    ("POST", "/api/v1/posts/{post_id}/comments"):               (401, 201, 404, 201, 201, 403),
    ("POST", "/api/v1/comments/{comment_id}/hide"):             (401, 204, 404, 404, 404, 404),
    ("POST", "/account/feeds/renew"):                           (303, 303, 303, 303, 303, 303),
    # feeds: Anna's key decides, whoever's browser or token comes with it
    ("GET", "/feeds/{feed_key}/deadlines.ics"):                 (200, 200, 200, 200, 200, 200),
    ("GET", "/feeds/{feed_key}/c/{cohort}/stream.atom"):        (200, 200, 200, 200, 200, 200),
    ("GET", "/feeds/{feed_key}/c/{cohort}/blog/{membership_id}.atom"): (200, 200, 200, 200, 200, 200),
    ("GET", "/feeds/{feed_key}/c/{cohort}/things/{thing}.atom"): (200, 200, 200, 200, 200, 200),
}
ENOUGH_WORDS = "one two three four five six"
FORM = {"name": "x", "email": ANNA, "reflection": ENOUGH_WORDS, "decision": "approve",
        "title": "t", "body": ENOUGH_WORDS, "language": "da", "category": "General",
        "action": "pin", "summary": "s", "plan": ENOUGH_WORDS, "state": "open", "reason": "r"}
JSON_BODIES = {"/verify": {"issuer": "did:web:example.org"}, "/revocation": {"reason": "r"},
               "/publications": {"files": [{"name": "x.yaml", "text": "kind: program"}]},
               "/posts": {"title": "t", "body": ENOUGH_WORDS}, "/reflection": {"body": ENOUGH_WORDS},
               "/completion": {}, "{completion_id}": {"decision": "approve"},
               "/questions": {"body": ENOUGH_WORDS}, "/comments": {"body": ENOUGH_WORDS},
               "/posts/{post_id}": {"title": "t"},
               "/forum/topics": {"category": "General", "title": "t", "body": ENOUGH_WORDS},
               "/replies": {"body": ENOUGH_WORDS}, "/group": {"group": "team-2"},
               "/idea": {"idea": "A chat button"}, "/moderation": {"action": "pin"},
               "/following": {"category": "General", "mode": "digest"},
               "/pitch": {"title": "t", "summary": "s", "plan": ENOUGH_WORDS},
               "/voting": {"state": "open"}, "/ballot": {"groups": ["team-2"]},
               "/winner": {"group": "team-1", "reason": "r"},
               "/hidden": {"hidden": False}, "{forum_post_id}": {"body": ENOUGH_WORDS},
               "/groups/{group}/topics": {"title": "t", "body": ENOUGH_WORDS}}

_table_app = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET, demo=True,
                                 _env_file=None))  # type: ignore[call-arg]
ROUTES = sorted((method, info.path) for info in api_routes(_table_app) for method in info.methods
                if method != "HEAD")


def test_every_route_has_its_expected_statuses_written_down() -> None:
    assert set(ROUTES) == set(EXPECTED)


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED), ids=[f"{m} {p}" for m, p in sorted(EXPECTED)])
def test_each_role_gets_the_expected_answer(
    web: object, db: Session, method: str, path: str
) -> None:
    load_two_cohorts(db)
    auth_service.make_admin(db, email=ADMIN)
    anna = member(db, ANNA)
    anna_user = auth_service.get_user_by_email(db, email=ANNA)
    assert anna_user is not None
    post = posts_service.create_post(db, member=anna, title="Mine", body="My reflection.", thing_key=None)
    comment = comments.add_comment(db, user=member(db, TRAINER).user, post_id=post.id or 0,
                                        body="Well put.")
    anna_token, _plain = auth_service.issue_token(db, user_id=anna.user.id, name="anna's")
    topic = forum_service.create_topic(db, member=anna, category="General", title="Ours", body="B")
    reply = forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="R")
    opening = forum_service.topic_detail(db, member=anna, topic_id=topic.id or 0).opening.post
    groups_service.join(db, member=anna, key="team-1")
    db.commit()
    db.expire_all()
    pitches_service.save_pitch(db, member=member(db, ANNA), key="team-1", title="Chat",
                               summary="S", plan="P")
    revision = Revision(published_by_id=anna_user.id or 0, programs=["testprog"],
                        files=[{"name": "p.yaml", "text": "kind: program"}])
    db.add(revision)
    db.flush()
    history.record(db, revision=revision, programs=["testprog"], cohorts=[])
    db.commit()
    values = {"cohort": "testcohort", "key": "intro", "post_id": str(post.id),
              "token_id": str(anna_token.id), "provider": "nonesuch", "token": "nonesuch",
              "completion_id": "999", "membership_id": str(anna.membership.id),
              "comment_id": str(comment.id), "thing": "intro", "topic_id": str(topic.id),
              "group": "team-1", "forum_post_id": str(opening.id), "number": "1",
              "feed_key": feed_keys.feed_key(anna_user, secret=TEST_SECRET),
              "program": "testprog", "revision": str(revision.id), "badge": "finisher",
              "public_id": "nonesuch", "suffix": "svg"}
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    if path.endswith("/search"):
        url += "?q=ours"
    if path.endswith("/compare"):
        url += f"?old={revision.id}&new={revision.id}"
    got = []
    for role in ROLES:
        with TestClient(web, follow_redirects=False) as client:  # type: ignore[arg-type]
            headers: dict[str, str] = {}
            data = dict(FORM) if method != "GET" else {}
            if role != "anonymous":
                if path.startswith("/api/"):
                    headers = token_for(db, EMAILS[role])
                    db.commit()
                else:
                    data["csrf_token"] = browser_signed_in(client, db, EMAILS[role])
            elif method != "GET" and not path.startswith("/api/"):
                page = client.get("/demo")  # an anonymous session's token
                match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
                data["csrf_token"] = match.group(1) if match else ""
            if path.startswith("/api/"):
                body = next((b for end, b in JSON_BODIES.items() if path.endswith(end)), None)
                if path.endswith("/answer"):
                    body = {"post": reply.id}
                response = client.request(method, url, headers=headers,
                                          json=body if method in ("PUT", "POST", "PATCH") else None)
            else:
                response = client.request(method, url, data=data if method != "GET" else None)
            got.append(response.status_code)
    assert tuple(got) == EXPECTED[(method, path)], dict(zip(ROLES, got, strict=True))
