"""Hand a conversation to a human queue: triage it, open the ticket, say who handles it when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.handoffs.schemas import HandoffCreate, HandoffRead
from api.tickets.service import TicketNotFound, open_ticket
from bot.hours import handling_text
from bot.triage import triage

TRANSCRIPT_FOR_TRIAGE = 6  # the user's last messages weigh in with the description


def hand_off(*, db: Session, request: HandoffCreate, now: datetime) -> HandoffRead:
    """Open (or, for a repeated request, return) the ticket of a hand-off."""
    conversation = db.get(Conversation, int(request.conversation_key.removeprefix("conv-")))
    if conversation is None:
        raise TicketNotFound(request.conversation_key)
    said = [m.text for m in conversation.messages if m.author == "user"][-TRANSCRIPT_FOR_TRIAGE:]
    result = triage(
        " ".join([request.description, *said]), conversation.language, conversation.channel
    )
    description = request.description
    if request.company:
        description = f"{description}\n({request.company})"
    ticket = open_ticket(
        db=db,
        conversation=conversation,
        triage=result,
        description=description,
        contact=request.contact,
        idempotency_key=request.idempotency_key,
        now=now,
    )
    return HandoffRead(
        ticket_id=str(ticket.id),
        queue=ticket.queue,
        priority=ticket.priority,
        due_at=ticket.due_at,
        handling=handling_text(ticket.queue, ticket.priority, now, conversation.language),
    )
