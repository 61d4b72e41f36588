"""A person's data in every table retention touches, built straight in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from api.addresses import seal
from api.attachments.models import Attachment
from api.conversations.models import Conversation, Message, MessageStatus
from api.database import utcnow
from api.mail.models import Direction, MailMessage
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from api.tickets.service import open_ticket
from bot.triage import Triage

SECRET = b"test-address-key"


def ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)


@dataclass(frozen=True)
class Person:
    """One person's conversation and what hangs on it, by id (as it was built)."""

    conversation_id: int
    channel: str
    sender: str
    message_id: int
    text: str
    ticket_id: int | None
    queue: str
    attachment_id: int
    stored_as: str
    sent_id: int
    pending_id: int


def person(
    db: Session,
    folder: Path,
    *,
    channel: str,
    sender: str,
    said: str,
    contact: str | None = None,
    ticket: bool = True,
    at: datetime | None = None,
    queue: str = "driver",
) -> Person:
    """A conversation on `channel` from `sender` with a masked message (and its sealed
    original), an attachment on disk, a sent and a pending outbox row, a mail record,
    and (if `ticket`) a ticket with `contact` and a note in its audit log."""
    at = at or utcnow()
    conversation = Conversation(
        channel=channel,
        sender=sender,
        language="sv",
        reply_address=seal(SECRET, contact or "x"),
        created_at=at,
        last_message_at=at,
    )
    db.add(conversation)
    message = Message(
        conversation=conversation,
        author="user",
        text=f"{said} [telefon]",
        language="sv",
        topic="login",
        status=MessageStatus.FOR_AGENT,
        sealed_original=seal(SECRET, f"{said} {contact}"),
        created_at=at,
    )
    db.add(message)
    db.flush()
    case = None
    if ticket:
        case = open_ticket(
            db=db,
            conversation=conversation,
            triage=Triage("sv", queue, 3, False, []),
            description=said,
            contact=contact,
            idempotency_key=f"ticket-{conversation.id}",
            now=at,
        )
        db.add(AuditEvent(ticket=case, actor="rita", action="note", detail={"text": said}))
    stored_as = f"file{conversation.id:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_as).write_bytes(said.encode())
    attachment = Attachment(
        conversation_id=conversation.id,
        message_id=message.id,
        ticket_id=case.id if case else None,
        filename="kvitto.pdf",
        content_type="application/pdf",
        size=len(said),
        sha256="0" * 64,
        stored_as=stored_as,
        created_at=at,
    )
    sent, pending = (
        _outbox(conversation, f"{sender}-{status}", status, at)
        for status in (OutboxStatus.SENT, OutboxStatus.PENDING)
    )
    db.add_all([attachment, sent, pending])
    db.flush()
    db.add(
        MailMessage(
            conversation_id=conversation.id,
            direction=Direction.OUT,
            message_id=f"<{conversation.id}-{sender}@example.se>",
            subject=said,
            outbox_id=sent.id,
            created_at=at,
        )
    )
    db.commit()
    return Person(
        conversation_id=conversation.id,
        channel=channel,
        sender=sender,
        message_id=message.id,
        text=message.text,
        ticket_id=case.id if case else None,
        queue=queue,
        attachment_id=attachment.id,
        stored_as=stored_as,
        sent_id=sent.id,
        pending_id=pending.id,
    )


def _outbox(
    conversation: Conversation, key: str, status: OutboxStatus, at: datetime
) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        conversation_id=conversation.id,
        channel=conversation.channel,
        recipient=conversation.sender,
        address=conversation.reply_address or "",
        kind="agent",
        text="Hej!",
        status=status,
        created_at=at,
        sent_at=at if status == OutboxStatus.SENT else None,
    )


def resolve(db: Session, ticket: Ticket, at: datetime) -> None:
    """Mark the ticket resolved at `at` (setting up history, not a transition)."""
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, at
    db.commit()
