"""The agent API: list, read, claim, reply, note, transfer, re-prioritise, resolve."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from api.addresses import address_secret
from api.deps import CurrentAgent, RowId, SessionDep, SettingsDep
from api.queues.schemas import Texts
from api.tickets import queries, service
from api.tickets.models import Ticket
from api.tickets.schemas import (
    NO_NUL,
    AuditLine,
    OrderRead,
    PriorityBody,
    RevealRead,
    TextBody,
    TicketChannel,
    TicketPage,
    TicketRead,
    TicketSummary,
    TranscriptLine,
    TransferBody,
)
from bot.language import Lang
from bot.orders import kinds
from bot.triage.reasons import render_all
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


class Reader:
    """Turns tickets into the JSON the agent who asks may read (their earlier tickets,
    their actions); a dependency, so every route answers alike."""

    def __init__(self, db: SessionDep, agent: CurrentAgent, settings: SettingsDep) -> None:
        self.db, self.agent, self.settings = db, agent, settings
        self.undo_window = timedelta(seconds=settings.resolve_undo_seconds)

    def __call__(self, ticket: Ticket) -> TicketRead:
        earlier = queries.earlier_tickets(db=self.db, ticket=ticket, agent=self.agent)
        return TicketRead(
            **TicketSummary.model_validate(ticket).model_dump(),
            contact=ticket.contact,
            order=_order(ticket),
            triage_reasons=[Texts(**render_all(r)) for r in ticket.triage_reasons],
            transcript=[TranscriptLine.model_validate(m) for m in ticket.conversation.messages],
            events=[AuditLine.model_validate(e) for e in ticket.events],
            earlier_tickets=[TicketSummary.model_validate(t) for t in earlier],
            actions=service.actions_for(
                ticket=ticket, agent=self.agent, undo_window=self.undo_window
            ),
        )


Read = Annotated[Reader, Depends()]
Priority = Annotated[int, Field(ge=1, le=5)]


@router.get("", response_model=TicketPage)
def list_tickets(
    db: SessionDep,
    agent: CurrentAgent,
    queue: Annotated[
        str | None,
        Query(
            json_schema_extra={"enum": list(QUEUES)},
            description="One queue (absent: every queue you are a member of)",
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_NUL,
            description="A ticket number (12 or #12), words of its text, or its contact",
        ),
    ] = None,
    mine: Annotated[bool, Query(description="Only the tickets you have claimed")] = False,
    unclaimed: Annotated[bool, Query(description="Only the tickets nobody has claimed")] = False,
    priority: Annotated[list[Priority] | None, Query(description="1-5; may repeat")] = None,
    channel: Annotated[list[TicketChannel] | None, Query(description="May repeat")] = None,
    language: Annotated[list[Lang] | None, Query(description="sv, en, fi; may repeat")] = None,
    status: Annotated[
        Literal["open", "resolved", "all"],
        Query(description="open (not resolved, the default), resolved, or all"),
    ] = "open",
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many")] = 100,
) -> TicketPage:
    """Tickets of your queues (an admin's: all), highest priority first, then the
    earliest due, searched and filtered (422 for no such queue, 403 for a queue you
    are not a member of)."""
    wanted = queries.TicketFilter(
        queue=queue,
        text=q,
        mine=mine,
        unclaimed=unclaimed,
        priorities=priority or (),
        channels=channel or (),
        languages=language or (),
        status=status,
        limit=limit,
    )
    tickets = queries.find_tickets(db=db, agent=agent, wanted=wanted)
    return TicketPage(tickets=[TicketSummary.model_validate(t) for t in tickets])


@router.get("/{ticket_id}", response_model=TicketRead)
def read_ticket(ticket: CurrentTicket, read: Read) -> TicketRead:
    """The ticket with the whole conversation, its audit log, the contact's earlier
    tickets and the actions you can take now."""
    return read(ticket)


@router.post("/{ticket_id}/claim", response_model=TicketRead)
def claim(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, read: Read) -> TicketRead:
    """Take the ticket; 409 if another agent was first."""
    return read(service.claim(db=db, ticket=ticket, agent=agent))


@router.post("/{ticket_id}/reply", response_model=TicketRead)
def reply(
    ticket: CurrentTicket,
    body: TextBody,
    db: SessionDep,
    agent: CurrentAgent,
    settings: SettingsDep,
    read: Read,
) -> TicketRead:
    """Answer the user in their conversation: they receive what you wrote; the stored
    copy has personal data masked (409 on a resolved ticket: reopen it first)."""
    secret = address_secret(settings)
    service.reply(db=db, ticket=ticket, agent=agent, text=body.text, seal_key=secret)
    return read(ticket)


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
def note(
    ticket: CurrentTicket, body: TextBody, db: SessionDep, agent: CurrentAgent, read: Read
) -> TicketRead:
    """Add an internal note (never shown to the user; 403 on another agent's ticket)."""
    service.add_note(db=db, ticket=ticket, agent=agent, text=body.text)
    return read(ticket)


@router.post("/{ticket_id}/transfer", response_model=TicketRead)
def transfer(
    ticket: CurrentTicket, body: TransferBody, db: SessionDep, agent: CurrentAgent, read: Read
) -> TicketRead:
    """Move the ticket to another queue, with a reason; a claimed ticket stays claimed
    unless `release` is set or its agent is not a member of the new queue (422 for no
    such queue, 409 for a resolved ticket: reopen it first; 403 on another agent's
    ticket)."""
    moved = service.transfer(
        db=db,
        ticket=ticket,
        agent=agent,
        queue=body.queue,
        reason=body.reason,
        release=body.release,
    )
    return read(moved)


@router.post("/{ticket_id}/priority", response_model=TicketRead)
def change_priority(
    ticket: CurrentTicket, body: PriorityBody, db: SessionDep, agent: CurrentAgent, read: Read
) -> TicketRead:
    """Change the priority, with a reason; the due time follows (409 on a resolved
    ticket: reopen it first)."""
    return read(
        service.change_priority(
            db=db, ticket=ticket, agent=agent, priority=body.priority, reason=body.reason
        )
    )


@router.post("/{ticket_id}/resolve", response_model=TicketRead)
def resolve(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, read: Read) -> TicketRead:
    """Close the ticket; the assistant answers the user again. The user is told once
    the undo window (`actions` offers undo_resolve meanwhile) has passed."""
    return read(
        service.resolve(
            db=db, ticket=ticket, agent=agent, undo_window=read.undo_window, settings=read.settings
        )
    )


@router.post("/{ticket_id}/undo-resolve", response_model=TicketRead)
def undo_resolve(
    ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, read: Read
) -> TicketRead:
    """Take back your resolve while the user has not been told (an admin: anyone's):
    claimed again by the agent who had it (409 `undo_window_passed` after the window,
    403 for another agent's resolve)."""
    return read(
        service.undo_resolve(db=db, ticket=ticket, agent=agent, undo_window=read.undo_window)
    )


@router.post("/{ticket_id}/release", response_model=TicketRead)
def release(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, read: Read) -> TicketRead:
    """Give a claimed ticket back to its queue (your own; an admin can release anyone's)."""
    return read(service.release(db=db, ticket=ticket, agent=agent))


@router.post("/{ticket_id}/reopen", response_model=TicketRead)
def reopen(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, read: Read) -> TicketRead:
    """Reopen a resolved ticket (the user wrote again); the conversation goes back to people."""
    return read(service.reopen(db=db, ticket=ticket, agent=agent))
