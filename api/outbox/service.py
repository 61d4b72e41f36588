"""Put messages in the outbox, and take them out for sending, one sender at a time.

A message is committed to the outbox before anything is sent, so a crash
between accepting and sending loses nothing: the row waits, and the next
sender picks it up. A sender takes a row by moving it from `pending` to
`sending` in one conditional UPDATE, so two senders never send the same row.
A sender that dies holding a row leaves it `sending` until its lease runs out;
then the row is pending-again-in-effect and tried once more. (Sent rows are
marked `sent` right after the provider accepts them; only a crash in that
moment, after the provider's answer and before the commit, could repeat one.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.database import utcnow
from api.mail.service import outgoing_headers
from api.outbox.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Retries:
    """How often a message is tried, and the first wait between tries."""

    max_attempts: int = 8
    first_wait: timedelta = timedelta(seconds=5)


LEASE = timedelta(seconds=60)  # far longer than one provider call takes
LONGEST_WAIT = timedelta(hours=1)


def enqueue(
    *,
    db: Session,
    conversation: Conversation,
    text: str,
    kind: str,
    key: str,
    sealed_text: str | None = None,
    case: int | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue `text` for the conversation's channel, once per `key`; None where the
    channel does not push (the web chat fetches its messages itself). `text` is the
    stored, masked copy; `sealed_text`, if given, is what is sent (sealed with the
    address key). A mail gets its thread's headers, with the `case` number in the
    subject; only an agent's words go without Auto-Submitted. Nothing is sent before
    `not_before` (if given; `withdraw` takes it back until then). The caller commits."""
    if conversation.reply_address is None:
        return None
    row = OutboxMessage(
        key=key,
        conversation_id=conversation.id,
        channel=conversation.channel,
        recipient=conversation.sender,
        address=conversation.reply_address,
        kind=kind,
        text=text,
        sealed_text=sealed_text,
        status=OutboxStatus.PENDING,
        next_attempt_at=not_before or utcnow(),
    )

    def thread(row: OutboxMessage) -> None:
        row.headers, mail = outgoing_headers(
            db=db, conversation=conversation, case=case, automatic=kind != "agent"
        )
        db.flush()
        mail.outbox_id = row.id

    return _add_once(db, row, then=thread if conversation.channel == "email" else None)


def enqueue_to(
    *,
    db: Session,
    conversation: Conversation,
    channel: str,
    recipient: str,
    sealed_address: str,
    text: str,
    kind: str,
    key: str,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue `text` for an explicit channel and address (sealed, as every outbox
    address), once per `key`: for messages to people other than the conversation's
    user, such as an alarm to a desk. The row still belongs to `conversation` (the
    ticket's), so its delivery is traced to the case. The caller commits."""
    row = OutboxMessage(
        key=key,
        conversation_id=conversation.id,
        channel=channel,
        recipient=recipient,
        address=sealed_address,
        kind=kind,
        text=text,
        headers=headers,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    return _add_once(db, row)


def _add_once(
    db: Session, row: OutboxMessage, then: Callable[[OutboxMessage], None] | None = None
) -> OutboxMessage:
    """`row`, added unless a row with its key is there already (then that one);
    `then` completes it in the same savepoint."""
    existing = db.scalars(select(OutboxMessage).where(OutboxMessage.key == row.key)).first()
    if existing:
        return existing
    try:
        with db.begin_nested():
            db.add(row)
            if then is not None:
                then(row)
    except IntegrityError:  # the same key enqueued at the same moment elsewhere
        return db.scalars(select(OutboxMessage).where(OutboxMessage.key == row.key)).one()
    return row


def withdraw(*, db: Session, key: str) -> bool:
    """Take back the message queued under `key` before any sender has it: True if it
    will never be sent (or none was queued), False if it is being or has been sent.
    The caller commits."""
    taken_back = db.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.key == key,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
        )
        .values(status=OutboxStatus.WITHDRAWN)
    )
    if taken_back.rowcount == 1:  # type: ignore[attr-defined]
        return True
    row = db.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).first()
    return row is None or row.status == OutboxStatus.WITHDRAWN


def record_sent(
    *, db: Session, conversation: Conversation, text: str, kind: str, key: str
) -> OutboxMessage:
    """A message that went out in the HTTP answer itself (TwiML): kept as sent, so
    per-number limits and the delivery log count it too. The caller commits."""
    now = utcnow()
    row = OutboxMessage(
        key=key,
        conversation_id=conversation.id,
        channel=conversation.channel,
        recipient=conversation.sender,
        address=conversation.reply_address or "",
        kind=kind,
        text=text,
        status=OutboxStatus.SENT,
        attempts=1,
        next_attempt_at=now,
        sent_at=now,
    )
    db.add(row)
    return row


def sent_since(*, db: Session, recipient: str, since: datetime) -> int:
    """How many messages went to `recipient` since `since`."""
    query = select(func.count()).where(
        OutboxMessage.recipient == recipient,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at >= since,
    )
    return int(db.scalar(query) or 0)


def take_due(
    *, db: Session, now: datetime | None = None, limit: int = 20, lease: timedelta = LEASE
) -> list[OutboxMessage]:
    """Rows ready to send, each taken for this sender alone (leased until now + lease)."""
    now = now or utcnow()
    ready = or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )
    candidates = db.scalars(
        select(OutboxMessage.id).where(ready).order_by(OutboxMessage.id).limit(limit)
    ).all()
    taken: list[OutboxMessage] = []
    for row_id in candidates:
        won = db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, ready)
            .values(
                status=OutboxStatus.SENDING,
                lease_until=now + lease,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        db.commit()
        if won.rowcount == 1:  # type: ignore[attr-defined]
            row = db.get(OutboxMessage, row_id)
            assert row is not None
            db.refresh(row)
            taken.append(row)
    return taken


def mark_sent(*, db: Session, row: OutboxMessage, now: datetime | None = None) -> None:
    row.status = OutboxStatus.SENT
    row.sent_at = now or utcnow()
    row.lease_until = None
    row.last_error = None
    db.commit()


def postpone(*, db: Session, row: OutboxMessage, until: datetime, reason: str) -> None:
    """Not now (a per-number limit): try again at `until`, without counting a try."""
    row.status = OutboxStatus.PENDING
    row.attempts -= 1
    row.next_attempt_at = until
    row.lease_until = None
    row.last_error = reason[:512]
    db.commit()


def mark_failed(
    *,
    db: Session,
    row: OutboxMessage,
    error: str,
    retries: Retries,
    permanent: bool = False,
    now: datetime | None = None,
) -> None:
    """A try failed: wait longer each time (doubling, at most an hour), give up at
    `retries.max_attempts`, or at once when retrying cannot help."""
    now = now or utcnow()
    row.last_error = error[:512]
    row.lease_until = None
    if permanent or row.attempts >= retries.max_attempts:
        row.status = OutboxStatus.FAILED
    else:
        wait = min(retries.first_wait * 2 ** (row.attempts - 1), LONGEST_WAIT)
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + wait
    db.commit()
