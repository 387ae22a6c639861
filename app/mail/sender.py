"""The background sender: every few seconds it takes the due mails from the outbox and hands
them to the SMTP server; a failure is retried later with backoff, never dropped. Each server
process runs one; the outbox's claims keep two from sending the same mail."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import SessionFactory, utcnow
from app.mail import service as mail_service
from app.mail.service import Letter

log = logging.getLogger("ting.mail")
Deliver = Callable[[Letter], None]


def smtp_delivery(settings: Settings) -> Deliver:
    def deliver(letter: Letter) -> None:
        message = EmailMessage()
        message["From"] = settings.mail_from
        message["To"] = letter.to_address
        message["Subject"] = letter.subject
        message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2].strip("> "))
        message.set_content(letter.body)
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)

    return deliver


def shown_on_the_mails_page(letter: Letter) -> None:
    """Demo mode without an SMTP server: the "mails sent" page is where mail arrives."""


def delivery_for(settings: Settings) -> Deliver | None:
    """How this server delivers mail; None: it does not (no SMTP server set outside demo mode,
    so mail waits in the outbox until one is)."""
    if settings.shows_mail_on_page:
        return shown_on_the_mails_page
    return smtp_delivery(settings) if settings.smtp_host else None


@contextmanager
def _step(sessions: SessionFactory) -> Iterator[Session]:
    """One small transaction of the sender (it is an entry point of its own, like the CLI)."""
    with sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def send_due(sessions: SessionFactory, deliver: Deliver, *, now: datetime | None = None) -> int:
    """One pass: claim what is due (committed at once, so other senders see the claim),
    deliver each, record each outcome. Returns how many were delivered."""
    with _step(sessions) as session:
        letters = mail_service.claim_due(session, now=now or utcnow())
    delivered = 0
    for letter in letters:
        try:
            deliver(letter)
        except Exception as exc:  # any failure: try again later, never drop the mail
            log.warning("mail %s to %s not sent (%s); will retry", letter.id, letter.to_address, exc)
            with _step(sessions) as session:
                mail_service.mark_failed(session, letter=letter, error=f"{type(exc).__name__}: {exc}",
                                         now=now or utcnow())
            continue
        with _step(sessions) as session:
            mail_service.mark_sent(session, mail_id=letter.id, now=now or utcnow())
        delivered += 1
    return delivered


async def run_forever(sessions: SessionFactory, deliver: Deliver, *, every: float) -> None:
    """The loop the app starts with its lifespan; cancelled when the server stops."""
    while True:
        try:
            await run_in_threadpool(send_due, sessions, deliver)
        except Exception:  # the database may be away for a moment; the next pass tries again
            log.exception("the mail sender's pass failed")
        await asyncio.sleep(every)


async def every(seconds: float, work: Callable[..., object], *args: object) -> None:
    """Run `work(*args)` off the event loop now and every `seconds` until cancelled."""
    while True:
        try:
            await run_in_threadpool(work, *args)
        except Exception:  # the database may be away for a moment; the next pass tries again
            log.exception("a background pass (%s) failed", getattr(work, "__name__", work))
        await asyncio.sleep(seconds)
