"""Questions about a conversation's tickets that other packages ask."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.tickets.models import Ticket, TicketStatus


def open_ticket_of(*, db: Session, conversation: Conversation) -> Ticket | None:
    """The conversation's newest unresolved ticket, if any."""
    query = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation.id, Ticket.status != TicketStatus.RESOLVED)
        .order_by(Ticket.id.desc())
    )
    return db.scalars(query).first()
