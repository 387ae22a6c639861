"""The background sender: every few seconds it takes the due mails from the outbox and hands
them to the SMTP server; a failure is retried later with backoff, never dropped. Each server
process runs one; the outbox's claims keep two from sending the same mail."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class Chore:
    """Work the sender's loop also does, at most every `seconds` (the first time after that
    long: a server that has just started sends its mail first)."""

    seconds: float
    work: Callable[[], object]
    last: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        if time.monotonic() - self.last < self.seconds:
            return False
        self.last = time.monotonic()
        return True


async def run_forever(sessions: SessionFactory, deliver: Deliver, *, every: float,
                      chores: Sequence[Chore] = ()) -> None:
    """The loop the app starts with its lifespan; cancelled when the server stops. Chores run
    in turn with the mail, never beside it."""
    while True:
        try:
            await run_in_threadpool(send_due, sessions, deliver)
        except Exception:  # the database may be away for a moment; the next pass tries again
            log.exception("the mail sender's pass failed")
        for chore in chores:
            if chore.due():
                try:
                    await run_in_threadpool(chore.work)
                except Exception:
                    log.exception("a background pass (%s) failed", chore.work)
        await asyncio.sleep(every)

