"""Hand a conversation to a human queue: triage it, open the ticket (or reopen the
one just resolved), and say who handles it when."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, ConversationState
from api.errors import DomainError
from api.handoffs.schemas import HandoffCreate, HandoffRead
from api.tickets.models import Ticket, TicketStatus
from api.tickets.service import open_ticket, reopen
from bot.hours import handling_text
from bot.redaction import redact
from bot.triage import Triage, triage


class ConversationNotFound(DomainError):
    """A hand-off for a conversation the gateway never started."""

    status_code = 404
    code = "conversation_not_found"
    message = "No such conversation."


TRANSCRIPT_FOR_TRIAGE = 6  # the user's last messages weigh in with the description


def hand_off(
    *, db: Session, request: HandoffCreate, now: datetime, reopen_window: timedelta
) -> HandoffRead:
    """The conversation's ticket for this hand-off, in this order: the ticket a
    repeated request already made; the conversation's ticket that is still open;
    its ticket resolved within `reopen_window`, reopened (the user wrote again
    about it); otherwise a new ticket."""
    conversation = db.get(Conversation, int(request.conversation_key.removeprefix("conv-")))
    if conversation is None:  # only the gateway's own conversations are handed off
        raise ConversationNotFound
    result = _triage(conversation, request.description)
    description = request.description
    if request.company:
        description = f"{description}\n({request.company})"
    ticket = _same_request(db, request.idempotency_key) or _latest(db, conversation)
    if ticket is not None and ticket.status == TicketStatus.RESOLVED:
        if ticket.resolved_at and now - ticket.resolved_at <= reopen_window:
            _raise_priority(ticket, result)
            reopen(db=db, ticket=ticket, actor="user", now=now, text=redact(description))
        else:
            ticket = None
    elif ticket is not None:
        _add_details(ticket, request)  # the form's answers, to the ticket opened before
    if ticket is None:
        ticket = open_ticket(
            db=db,
            conversation=conversation,
            triage=result,
            description=description,
            contact=request.contact or _earlier_contact(db, conversation),
            idempotency_key=request.idempotency_key,
            now=now,
        )
        if request.order is not None:
            ticket.order = _merged_order(None, request)
    # While the form still asks, the assistant keeps the conversation.
    conversation.state = ConversationState.BOT if request.collecting else ConversationState.HUMAN
    db.commit()
    return HandoffRead(
        ticket_id=str(ticket.id),
        queue=ticket.queue,
        priority=ticket.priority,
        due_at=ticket.due_at,
        handling=handling_text(ticket.queue, ticket.priority, now, conversation.language),
        reopened=ticket.reopened_at is not None,
    )


def _add_details(ticket: Ticket, request: HandoffCreate) -> None:
    """What the form collected after the ticket was opened: the company, the contact."""
    if request.company and request.company not in ticket.description:
        ticket.description = f"{ticket.description}\n({redact(request.company)})"
    if request.contact and not ticket.contact:
        ticket.contact = request.contact
    if request.order is not None:
        ticket.order = _merged_order(ticket.order, request)


def _merged_order(known: dict[str, Any] | None, request: HandoffCreate) -> dict[str, Any]:
    """The order's fields so far, masked: what the ticket had, and what the form added."""
    assert request.order is not None
    fields = dict((known or {}).get("fields") or {})
    fields.update({f: redact(v) for f, v in request.order.fields.items() if v})
    return {"kind": request.order.kind, "fields": fields}


def _triage(conversation: Conversation, description: str) -> Triage:
    said = [m.text for m in conversation.messages if m.author == "user"][-TRANSCRIPT_FOR_TRIAGE:]
    return triage(" ".join([description, *said]), conversation.language, conversation.channel)


def _same_request(db: Session, idempotency_key: str) -> Ticket | None:
    query = select(Ticket).where(Ticket.idempotency_key == idempotency_key)
    ticket: Ticket | None = db.scalars(query).first()
    return ticket if ticket is not None and ticket.status != TicketStatus.RESOLVED else None


def _latest(db: Session, conversation: Conversation) -> Ticket | None:
    query = (
        select(Ticket).where(Ticket.conversation_id == conversation.id).order_by(Ticket.id.desc())
    )
    return db.scalars(query).first()


def _earlier_contact(db: Session, conversation: Conversation) -> str | None:
    """How the user said they can be reached on an earlier case of this conversation."""
    query = (
        select(Ticket.contact)
        .where(Ticket.conversation_id == conversation.id, Ticket.contact.is_not(None))
        .order_by(Ticket.id.desc())
    )
    return db.scalars(query).first()


def _raise_priority(ticket: Ticket, result: Triage) -> None:
    """A reopened case keeps its queue (an agent may have moved it), but what the
    user says now may make it more urgent than it was."""
    if result.priority < ticket.priority:
        ticket.priority = result.priority
        ticket.triage_reasons = [*ticket.triage_reasons, *result.stored_reasons]
