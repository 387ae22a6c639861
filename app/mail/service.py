"""Writing mail into the outbox (services call `queue`, inside their unit of work), and
sending what is due (the background sender, `app.mail.sender`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.mail.models import OutboxMail

LEASE = timedelta(minutes=5)  # how long a sender may take over one mail before another retries
FIRST_RETRY, LONGEST_WAIT = timedelta(seconds=30), timedelta(hours=1)
BATCH = 20


@dataclass(frozen=True)
class Letter:
    """What a sender needs of one mail (no ORM row crosses into the SMTP conversation)."""

    id: int
    to_address: str
    subject: str
    body: str
    attempts: int


def queue(session: Session, *, to: str, subject: str, body: str) -> OutboxMail:
    """Put a mail in the outbox; it goes out once the surrounding unit of work commits."""
    mail = OutboxMail(to_address=to, subject=subject[:300], body=body)
    session.add(mail)
    session.flush()
    return mail


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... and at most an hour between tries: never given up."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def claim_due(session: Session, *, now: datetime, limit: int = BATCH) -> list[Letter]:
    """Take up to `limit` due mails for this sender. Each is claimed by moving its
    `send_after` past a lease, on the condition that it is still due: when two senders read
    the same mail, only the first update matches (the second sees the moved time), so only
    one of them sends it, across workers and machines."""
    due = session.exec(
        select(OutboxMail).where(col(OutboxMail.sent_at).is_(None), OutboxMail.send_after <= now)
        .order_by(col(OutboxMail.send_after), col(OutboxMail.id)).limit(limit)
        # PostgreSQL: mails another sender is claiming right now are passed over, not waited
        # for (SQLite has one writer at a time anyway, and no FOR UPDATE)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for mail in due:
        result = session.execute(
            update(OutboxMail)
            .where(col(OutboxMail.id) == mail.id, col(OutboxMail.send_after) <= now,
                   col(OutboxMail.sent_at).is_(None))
            .values(send_after=now + LEASE)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            assert mail.id is not None
            claimed.append(Letter(mail.id, mail.to_address, mail.subject, mail.body, mail.attempts))
    return claimed


def mark_sent(session: Session, *, mail_id: int, now: datetime) -> None:
    session.execute(update(OutboxMail).where(col(OutboxMail.id) == mail_id)
                    .values(sent_at=now, last_error=None))


def mark_failed(session: Session, *, letter: Letter, error: str, now: datetime) -> None:
    attempts = letter.attempts + 1
    session.execute(update(OutboxMail).where(col(OutboxMail.id) == letter.id)
                    .values(attempts=attempts, last_error=error[:500],
                            send_after=now + retry_delay(attempts)))


def recent(session: Session, *, limit: int = 100) -> list[OutboxMail]:
    """The outbox, newest first (for admins, and the demo's "mails sent" page)."""
    statement = select(OutboxMail).order_by(col(OutboxMail.id).desc()).limit(limit)
    return list(session.exec(statement))


def waiting_count(session: Session) -> int:
    statement = select(func.count()).select_from(OutboxMail).where(col(OutboxMail.sent_at).is_(None))
    return int(session.exec(statement).one())


def due_before(session: Session, moment: datetime) -> int:
    """Unsent mails that have been due since before `moment`."""
    statement = select(func.count()).select_from(OutboxMail).where(
        col(OutboxMail.sent_at).is_(None), OutboxMail.send_after < moment)
    return int(session.exec(statement).one())
