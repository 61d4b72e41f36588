"""A user's message while their case is with customer service.

While the case waits in its queue, the assistant still answers plain knowledge
questions (the answer is part of the ticket's transcript, as the assistant's);
everything else, and everything once an agent has claimed the case, goes to
the ticket, and the user is told so.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Message, MessageStatus
from api.conversations.schemas import ChatResponse, Handoff
from api.conversations.service import record_gateway_answer
from api.tickets.models import Ticket
from bot.replies import reply
from bot.turn import answer_while_waiting


def handoff_of(ticket: Ticket) -> Handoff:
    """The ticket as the chat answer names it."""
    return Handoff(ticket_id=str(ticket.id), queue=ticket.queue, priority=ticket.priority)


def while_case_is_open(
    *, db: Session, conversation: Conversation, ticket: Ticket, inbound: Message
) -> ChatResponse:
    """Answer `inbound`, written while `ticket` is open (see the module docstring)."""
    language = conversation.language
    claimed = ticket.assigned_agent
    answered = answer_while_waiting(inbound.text, language) if claimed is None else None
    if answered is None:
        if claimed is None:
            text = reply("handoff_forwarded", language, ticket=ticket.id)
        else:
            agent = claimed.display_name
            text = reply("handoff_forwarded_claimed", language, ticket=ticket.id, agent=agent)
        return record_gateway_answer(
            db=db,
            conversation=conversation,
            inbound=inbound,
            status=MessageStatus.FOR_AGENT,
            said=[("system", text)],
            handoff=handoff_of(ticket),
        )
    inbound.topic = answered.topic
    inbound.decision = answered.outcome
    inbound.reasons = list(answered.reasons)
    article = answered.knowledge.text()
    waiting = reply("waiting_answered", language, ticket=ticket.id)
    return record_gateway_answer(
        db=db,
        conversation=conversation,
        inbound=inbound,
        status=MessageStatus.ANSWERED,
        said=[("bot", article), ("system", waiting)],
        topic=answered.topic,
        handoff=handoff_of(ticket),
        decision=answered.outcome,
        reasons=list(answered.reasons),
    )
