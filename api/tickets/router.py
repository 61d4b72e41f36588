"""The agent API: list, read, claim, reply, note, transfer, re-prioritise, resolve."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.addresses import address_secret
from api.deps import CurrentAgent, RowId, SessionDep, SettingsDep
from api.tickets import service
from api.tickets.models import Ticket
from api.tickets.schemas import (
    AuditLine,
    OrderRead,
    PriorityBody,
    RevealRead,
    TextBody,
    TicketPage,
    TicketRead,
    TicketSummary,
    TranscriptLine,
    TransferBody,
)
from bot.orders import kinds
from bot.triage.training import QUEUES

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])


def get_current_ticket(ticket_id: RowId, db: SessionDep, agent: CurrentAgent) -> Ticket:
    """The ticket in the path, for a logged-in agent of its queue (404 if there is none,
    and for a ticket outside the agent's queues alike: its existence is not told)."""
    return service.get_ticket(db=db, ticket_id=ticket_id, agent=agent)


CurrentTicket = Annotated[Ticket, Depends(get_current_ticket)]


def _order(ticket: Ticket) -> OrderRead | None:
    if not ticket.order:
        return None
    kind = next((k for k in kinds() if k.id == ticket.order.get("kind")), None)
    fields = {str(f): str(v) for f, v in (ticket.order.get("fields") or {}).items()}
    missing = [f for f in kind.fields if f not in fields] if kind else []
    return OrderRead(kind=str(ticket.order.get("kind")), fields=fields, missing=missing)


def _read(ticket: Ticket) -> TicketRead:
    return TicketRead(
        **TicketSummary.model_validate(ticket).model_dump(),
        contact=ticket.contact,
        order=_order(ticket),
        triage_reasons=ticket.triage_reasons,
        transcript=[TranscriptLine.model_validate(m) for m in ticket.conversation.messages],
        events=[AuditLine.model_validate(e) for e in ticket.events],
    )


@router.get("", response_model=TicketPage)
def list_tickets(
    db: SessionDep,
    agent: CurrentAgent,
    queue: Annotated[str, Query(json_schema_extra={"enum": list(QUEUES)})],
) -> TicketPage:
    """Unresolved tickets of a queue, highest priority first, then the earliest due
    (422 for no such queue, 403 for a queue you are not a member of)."""
    tickets = service.queue_listing(db=db, queue=queue, agent=agent)
    return TicketPage(tickets=[TicketSummary.model_validate(t) for t in tickets])


@router.get("/{ticket_id}", response_model=TicketRead)
def read_ticket(ticket: CurrentTicket) -> TicketRead:
    """The ticket with the whole conversation and its audit log."""
    return _read(ticket)


@router.post("/{ticket_id}/claim", response_model=TicketRead)
def claim(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent) -> TicketRead:
    """Take the ticket; 409 if another agent was first."""
    return _read(service.claim(db=db, ticket=ticket, agent=agent))


@router.post("/{ticket_id}/reply", response_model=TicketRead)
def reply(
    ticket: CurrentTicket,
    body: TextBody,
    db: SessionDep,
    agent: CurrentAgent,
    settings: SettingsDep,
) -> TicketRead:
    """Answer the user in their conversation: they receive what you wrote; the stored
    copy has personal data masked."""
    secret = address_secret(settings)
    service.reply(db=db, ticket=ticket, agent=agent, text=body.text, seal_key=secret)
    return _read(ticket)


@router.post("/{ticket_id}/reveal/{message_id}", response_model=RevealRead)
def reveal(
    ticket: CurrentTicket,
    message_id: RowId,
    db: SessionDep,
    agent: CurrentAgent,
    settings: SettingsDep,
) -> RevealRead:
    """The unmasked text of a message in the ticket's conversation; the audit log records
    who opened it (404 if the message is not in the conversation or had nothing masked;
    403 on a ticket another agent has claimed)."""
    text = service.reveal(
        db=db, ticket=ticket, agent=agent, message_id=message_id, seal_key=address_secret(settings)
    )
    return RevealRead(message_id=message_id, text=text)


@router.post("/{ticket_id}/notes", response_model=TicketRead)
def note(ticket: CurrentTicket, body: TextBody, db: SessionDep, agent: CurrentAgent) -> TicketRead:
    """Add an internal note (never shown to the user; 403 on another agent's ticket)."""
    service.add_note(db=db, ticket=ticket, agent=agent, text=body.text)
    return _read(ticket)


@router.post("/{ticket_id}/transfer", response_model=TicketRead)
def transfer(
    ticket: CurrentTicket, body: TransferBody, db: SessionDep, agent: CurrentAgent
) -> TicketRead:
    """Move the ticket to another queue, unassigned (422 for no such queue, 409 for a
    resolved ticket: reopen it first; 403 on another agent's ticket)."""
    return _read(service.transfer(db=db, ticket=ticket, agent=agent, queue=body.queue))


@router.post("/{ticket_id}/priority", response_model=TicketRead)
def change_priority(
    ticket: CurrentTicket, body: PriorityBody, db: SessionDep, agent: CurrentAgent
) -> TicketRead:
    """Change the priority, with a reason; the due time follows."""
    return _read(
        service.change_priority(
            db=db, ticket=ticket, agent=agent, priority=body.priority, reason=body.reason
        )
    )


@router.post("/{ticket_id}/resolve", response_model=TicketRead)
def resolve(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent) -> TicketRead:
    """Close the ticket; the assistant answers the user again."""
    return _read(service.resolve(db=db, ticket=ticket, agent=agent))


@router.post("/{ticket_id}/release", response_model=TicketRead)
def release(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent) -> TicketRead:
    """Give a claimed ticket back to its queue (your own; an admin can release anyone's)."""
    return _read(service.release(db=db, ticket=ticket, agent=agent))


@router.post("/{ticket_id}/reopen", response_model=TicketRead)
def reopen(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent) -> TicketRead:
    """Reopen a resolved ticket (the user wrote again); the conversation goes back to people."""
    return _read(service.reopen(db=db, ticket=ticket, agent=agent))
