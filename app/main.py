"""The application factory: one core, an HTML face and a JSON face."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.engine import Engine
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from app import health, i18n, templating
from app.auth import oidc
from app.auth import router as auth_router
from app.auth.deps import BEARER_SCHEME
from app.badges import api as badges_api
from app.badges import router as badges_router
from app.cohorts import api as cohorts_api
from app.cohorts import router as cohorts_router
from app.cohorts.models import Enrolment, PostVisibility, Role, role_label
from app.config import ROOT, Settings, get_settings
from app.dashboards import api as dashboards_api
from app.dashboards import router as dashboards_router
from app.dashboards.service import Cell
from app.db import MAX_REQUESTS, SessionFactory, head_revision, make_engine, session_factory
from app.deps import request_rules
from app.forum import api as forum_api
from app.forum import router as forum_router
from app.forum import subscriptions as forum_subscriptions
from app.groups import api as groups_api
from app.groups import router as groups_router
from app.handlers import install_error_handlers
from app.mail import sender as mail_sender
from app.observability import Metrics, RequestLog, configure_logging, exposition
from app.pages import account as account_pages
from app.pages import language as language_pages
from app.pages import outbox as outbox_pages
from app.pages import router as pages_router
from app.pages import sign_in as sign_in_pages
from app.pitches import api as pitches_api
from app.pitches import router as pitches_router
from app.posts import api as posts_api
from app.posts import router as posts_router
from app.programs.models import Evidence, ThingKind
from app.progress import api as progress_api
from app.progress import router as progress_router
from app.progress.models import Approval, Decision, ThingStatus
from app.publishing import api as publishing_api
from app.publishing import router as publishing_router
from app.schemas import STORABLE_JSON, STORABLE_JSON_NAME, problems
from app.security import GuardedSessionMiddleware, SecurityHeaders

SESSION_COOKIE = "ting_session"

# The domain's words, for templates to compare with (`view.status == ThingStatus.done`).
WORDS = {enum.__name__: enum for enum in (
    ThingKind, Evidence, ThingStatus, Approval, Role, PostVisibility, Enrolment, Decision, Cell)}


class RequestLanguage:
    """Each request's language starts as the person's remembered choice (a cookie), else the
    browser's; a cohort's or programme's language may still take over (app.i18n.prefer).
    Read from the raw headers: this runs on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            cookie = accept = b""
            for name, value in scope["headers"]:
                if name == b"cookie":
                    cookie = value
                elif name == b"accept-language":
                    accept = value
            chosen = None
            if i18n.LANGUAGE_COOKIE.encode() in cookie:
                chosen = i18n.supported(cookie_parser(cookie.decode("latin-1"))
                                        .get(i18n.LANGUAGE_COOKIE))
            i18n.begin_request(i18n.LocaleChoice(chosen, True) if chosen else i18n.LocaleChoice(
                i18n.from_accept_language(accept.decode("latin-1")) or i18n.DEFAULT_LOCALE))
        await self.app(scope, receive, send)


class ConcurrencyLimit:
    """Admits at most `limit` requests at once; the rest wait here, cheaply, on the event loop.

    Each request holds one pooled connection while it runs; letting in more requests than
    there are connections would leave threads waiting for connections that only other,
    thread-starved requests can give back.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.semaphore = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        async with self.semaphore:
            await self.app(scope, receive, send)


def _declare_bearer_tokens(app: FastAPI) -> None:
    """Every API operation takes a bearer token, except those that declare `security: []`
    (open to anyone). Said in the document once, here, rather than by a dependency on every
    route (which would cost a layer on every request)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["bearer"] = BEARER_SCHEME
            document["components"].setdefault("schemas", {})[STORABLE_JSON_NAME] = STORABLE_JSON
            for operations in document["paths"].values():
                for operation in operations.values():
                    operation.setdefault("security", [{"bearer": []}])
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


DIGEST_POLL_SECONDS = 900.0


def forum_digests(sessions: SessionFactory, settings: Settings) -> int:
    """One pass of the forum's daily digests, in a transaction of its own."""
    def link_for(cohort: str, topic_id: int) -> str:
        return settings.absolute(str(forum_router.router.url_path_for(
            "topic_page", cohort=cohort, topic_id=str(topic_id))))

    with sessions() as session:
        sent = forum_subscriptions.send_digests(session, link_for=link_for)
        session.commit()
    return sent


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None,
    sessions: SessionFactory | None = None,
) -> FastAPI:
    """The app on `engine`; `sessions` makes each request's session (tests bind them to one
    connection whose transaction they roll back)."""
    settings = settings or get_settings()
    secret = settings.effective_secret_key()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The mail sender runs beside the server (one per process; claims keep them apart)."""
        deliver = mail_sender.delivery_for(settings)
        task = None
        if settings.mail_sender and deliver is not None:
            # forum digests join the outbox; several processes may run this (claims decide)
            digests = mail_sender.Chore(DIGEST_POLL_SECONDS,
                                        partial(forum_digests, app.state.sessions, settings))
            task = asyncio.create_task(mail_sender.run_forever(
                app.state.sessions, deliver, every=settings.mail_poll_seconds, chores=[digests]))
        yield
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        lifespan=lifespan,
        title="Ting API",
        version="1",
        description="Everything a person can do in Ting's browser pages, as JSON. "
        "Authenticate with `Authorization: Bearer <token>` (`ting token create EMAIL`).",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive page loads from a CDN; library networks are often closed
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.secret_key = secret  # also signs private feed addresses (app.auth.feed_keys)
    app.state.engine = engine or make_engine(settings.database_url, echo=settings.log_sql)
    app.state.sessions = sessions or session_factory(app.state.engine)
    app.state.oauth = oidc.make_registry(settings)
    shared = [Depends(request_rules)]

    # Each router joins the app directly (not through a router of routers), most asked first:
    # a request is matched against the routers one by one until one answers.
    def api(router: APIRouter) -> None:
        app.include_router(router, prefix="/api/v1", dependencies=shared,
                           responses=problems(400, 401, 403, 422))

    def pages(router: APIRouter) -> None:
        app.include_router(router, dependencies=shared, include_in_schema=False)

    api(progress_api.router)
    pages(progress_router.router)
    api(cohorts_api.router)
    api(posts_api.router)
    pages(posts_router.router)
    api(dashboards_api.router)
    api(forum_api.router)
    pages(forum_router.router)
    api(groups_api.router)
    pages(groups_router.router)
    api(pitches_api.router)
    api(publishing_api.router)
    api(badges_api.router)
    pages(pitches_router.router)
    for router in (pages_router.router, auth_router.router, cohorts_router.router,
                   account_pages.router, language_pages.router, sign_in_pages.router, outbox_pages.router,
                   dashboards_router.router, publishing_router.router, badges_router.router):
        pages(router)
    if settings.demo:
        pages(cohorts_router.demo_router)

    app.mount("/static", StaticFiles(directory=ROOT / "app" / "static"), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Alive: the process answers (nothing else is asked)."""
        return {"status": "ok"}

    head = head_revision()
    mail_sending = bool(settings.mail_sender and mail_sender.delivery_for(settings))

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Ready: the database answers, its schema is the newest, and mail is moving (503
        with the failing checks when not)."""
        found = health.readiness(app.state.sessions, head=head, mail_sending=mail_sending)
        return JSONResponse(found.as_json(), 200 if found.ready else 503,
                            headers={"Cache-Control": "no-store"})

    metrics = None
    if settings.metrics:
        metrics = Metrics(lambda: health.gauges(app.state.sessions, app.state.engine))

        @app.get("/metrics", include_in_schema=False)
        def prometheus_metrics() -> Response:
            assert metrics is not None
            return Response(exposition(metrics), media_type=CONTENT_TYPE_LATEST)

    _declare_bearer_tokens(app)
    app.state.url_paths = {}  # route paths templates asked for (app.templating)
    templating.register(filters={"role": role_label}, words=WORDS)
    install_error_handlers(app)
    app.add_middleware(
        GuardedSessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(timedelta(days=settings.session_max_age_days).total_seconds()),
        same_site="lax",
        https_only=settings.cookies_secure,
    )
    app.add_middleware(SecurityHeaders, https=settings.cookies_secure)
    app.add_middleware(RequestLanguage)
    app.add_middleware(ConcurrencyLimit, limit=MAX_REQUESTS)
    app.add_middleware(RequestLog, metrics=metrics)  # outermost: it times the whole answer
    return app


def serving_app() -> FastAPI:
    """The app as `ting serve` runs it in each worker process: its logging set up first."""
    settings = get_settings()
    configure_logging(json_lines=settings.log_format == "json")
    return create_app(settings)
