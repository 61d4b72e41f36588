"""Ticket transitions. Each one is a function that records who did what in the audit log.

Due times come from the stored `created_at` and priority (bot/sla.py), and
breaches from stored times, so a restart changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole
from api.channels.addresses import AddressUnreadable, seal, unseal
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.database import utcnow
from api.outbox.service import enqueue
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from bot.redaction import redact
from bot.replies import reply as text_for
from bot.sla import due_at, is_breached
from bot.triage import Triage
from bot.triage.training import QUEUES


class TicketError(Exception):
    """A ticket operation that cannot be done; mapped to HTTP in api/exceptions.py."""


class TicketNotFound(TicketError):
    pass


class AlreadyClaimed(TicketError):
    pass


class InvalidTransition(TicketError):
    pass


class NotYourTicket(TicketError):
    """Another agent has claimed the ticket; only they (or an admin) may work on it."""


class NothingToReveal(TicketError):
    """No message with that id in the ticket's conversation had anything masked."""


def _check_may_work_on(ticket: Ticket, agent: Agent) -> None:
    """A claimed ticket is its assignee's: two people must not answer one user at once."""
    if ticket.status != TicketStatus.CLAIMED or agent.role == AgentRole.ADMIN:
        return
    if ticket.assigned_agent_id != agent.id:
        raise NotYourTicket(ticket.id)


def _audit(
    db: Session, ticket: Ticket, action: str, agent: Agent | None = None, **detail: Any
) -> None:
    db.add(
        AuditEvent(
            ticket=ticket,
            agent_id=agent.id if agent else None,
            actor=agent.username if agent else detail.pop("actor", "system"),
            action=action,
            detail=detail,
        )
    )


def open_ticket(
    *,
    db: Session,
    conversation: Conversation,
    triage: Triage,
    description: str,
    contact: str | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> Ticket:
    """Hand a conversation to a human queue; the same key returns the same ticket."""
    existing = db.scalars(select(Ticket).where(Ticket.idempotency_key == idempotency_key)).first()
    if existing:
        return existing
    now = now or utcnow()
    ticket = Ticket(
        idempotency_key=idempotency_key,
        conversation=conversation,
        queue=triage.queue,
        priority=triage.priority,
        language=triage.language,
        channel=conversation.channel,
        description=redact(description),
        contact=contact,
        billable=triage.billable,
        triage_reasons=triage.reasons,
        created_at=now,
        due_at=due_at(triage.priority, now),
    )
    db.add(ticket)
    conversation.state = ConversationState.HUMAN
    _audit(db, ticket, "opened", actor="bot", queue=ticket.queue, priority=ticket.priority)
    try:
        db.commit()
    except IntegrityError:  # the same hand-off arrived twice at once
        db.rollback()
        return db.scalars(select(Ticket).where(Ticket.idempotency_key == idempotency_key)).one()
    return ticket


def get_ticket(*, db: Session, ticket_id: int) -> Ticket:
    ticket = db.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


def claim(*, db: Session, ticket_id: int, agent: Agent, now: datetime | None = None) -> Ticket:
    """Take an open ticket; when two agents claim at once, exactly one wins."""
    now = now or utcnow()
    won = db.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.OPEN)
        .values(status=TicketStatus.CLAIMED, assigned_agent_id=agent.id, claimed_at=now)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        get_ticket(db=db, ticket_id=ticket_id)  # TicketNotFound if it does not exist
        raise AlreadyClaimed(ticket_id)
    ticket = get_ticket(db=db, ticket_id=ticket_id)
    db.refresh(ticket)
    _audit(db, ticket, "claimed", agent)
    db.commit()
    return ticket


def resolve(*, db: Session, ticket: Ticket, agent: Agent, now: datetime | None = None) -> Ticket:
    """Close the ticket; the assistant answers the conversation again."""
    if ticket.status == TicketStatus.RESOLVED:
        raise InvalidTransition("already resolved")
    _check_may_work_on(ticket, agent)
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = now or utcnow()
    ticket.conversation.state = ConversationState.BOT
    _audit(db, ticket, "resolved", agent)
    _say(db, ticket, "notice", text_for("ticket_resolved", ticket.language, ticket=ticket.id))
    db.commit()
    return ticket


def reopen(
    *,
    db: Session,
    ticket: Ticket,
    actor: str = "user",
    now: datetime | None = None,
    **detail: Any,
) -> Ticket:
    """Back to its queue, with a person, not the bot, and a fresh SLA clock."""
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidTransition("only resolved tickets reopen")
    now = now or utcnow()
    ticket.status = TicketStatus.OPEN
    ticket.assigned_agent_id = None
    ticket.resolved_at = None
    ticket.escalated_at = None
    ticket.reopened_at = now
    ticket.due_at = due_at(ticket.priority, now)
    ticket.conversation.state = ConversationState.HUMAN
    _audit(db, ticket, "reopened", actor=actor, **detail)
    db.commit()
    return ticket


def release(*, db: Session, ticket: Ticket, agent: Agent) -> Ticket:
    """Give a claimed ticket back to its queue (its assignee, or an admin for anyone's)."""
    if ticket.status != TicketStatus.CLAIMED:
        raise InvalidTransition("only claimed tickets can be released")
    _check_may_work_on(ticket, agent)
    previous = ticket.assigned_agent.username if ticket.assigned_agent else None
    ticket.status = TicketStatus.OPEN
    ticket.assigned_agent_id = None
    _audit(db, ticket, "released", agent, previous=previous)
    db.commit()
    return ticket


def transfer(*, db: Session, ticket: Ticket, agent: Agent, queue: str) -> Ticket:
    """Move the ticket to another queue, unassigned."""
    if queue not in QUEUES:
        raise InvalidTransition(f"unknown queue {queue!r}")
    _check_may_work_on(ticket, agent)
    previous = ticket.queue
    ticket.queue = queue
    ticket.status = TicketStatus.OPEN
    ticket.assigned_agent_id = None
    _audit(db, ticket, "transferred", agent, old=previous, new=queue)
    db.commit()
    return ticket


def change_priority(
    *, db: Session, ticket: Ticket, agent: Agent, priority: int, reason: str
) -> Ticket:
    """A new tier with its reason; the due time is recomputed from the creation time."""
    if not 1 <= priority <= 5 or not reason.strip():
        raise InvalidTransition("a priority 1-5 and a reason are needed")
    _check_may_work_on(ticket, agent)
    old = ticket.priority
    ticket.priority = priority
    ticket.due_at = due_at(priority, ticket.sla_started_at)
    _audit(db, ticket, "priority_changed", agent, old=old, new=priority, reason=redact(reason))
    db.commit()
    return ticket


def escalate_breached(*, db: Session, now: datetime | None = None) -> list[Ticket]:
    """Mark every unresolved ticket past its due time as escalated (once each)."""
    now = now or utcnow()
    pending = db.scalars(
        select(Ticket).where(
            Ticket.status != TicketStatus.RESOLVED,
            Ticket.escalated_at.is_(None),
            Ticket.due_at < now,
        )
    ).all()
    escalated = [t for t in pending if is_breached(t.due_at, now)]
    for ticket in escalated:
        ticket.escalated_at = now
        _audit(db, ticket, "escalated", actor="system", due_at=ticket.due_at.isoformat())
    db.commit()
    return escalated


def queue_listing(*, db: Session, queue: str) -> list[Ticket]:
    """Unresolved tickets of a queue: highest priority first, then the earliest due."""
    query = (
        select(Ticket)
        .where(Ticket.queue == queue, Ticket.status != TicketStatus.RESOLVED)
        .order_by(Ticket.priority, Ticket.due_at, Ticket.id)
    )
    return list(db.scalars(query))


def reply(
    *, db: Session, ticket: Ticket, agent: Agent, text: str, seal_key: bytes | None = None
) -> Message:
    """An agent's answer, added to the user's conversation (and so to their chat), and
    sent out on the channel they came from (through the outbox)."""
    if ticket.status == TicketStatus.RESOLVED:
        raise InvalidTransition("reopen the ticket before replying")
    _check_may_work_on(ticket, agent)
    masked = redact(text)
    message = _say(db, ticket, "agent", masked)
    if seal_key is not None and masked != text:
        message.sealed_original = seal(seal_key, text)
    _audit(db, ticket, "replied", agent)
    db.commit()
    return message


def _say(db: Session, ticket: Ticket, author: str, text: str) -> Message:
    """A message to the user: stored in the conversation, queued for their channel."""
    message = Message(
        conversation=ticket.conversation,
        author=author,
        text=text,
        language=ticket.language,
        status=MessageStatus.SENT,
    )
    db.add(message)
    db.flush()  # the message id keys its outbox row
    enqueue(
        db=db, conversation=ticket.conversation, text=text, kind=author, key=f"message-{message.id}"
    )
    return message


def reveal(*, db: Session, ticket: Ticket, agent: Agent, message_id: int, seal_key: bytes) -> str:
    """The original text of a masked message in the ticket's conversation, opened on
    an agent's explicit request and written to the audit log (the text itself is not)."""
    message = db.get(Message, message_id)
    if (
        message is None
        or message.conversation_id != ticket.conversation_id
        or message.sealed_original is None
    ):
        raise NothingToReveal(message_id)
    try:
        original = unseal(seal_key, message.sealed_original)
    except AddressUnreadable as exc:
        raise InvalidTransition("the original was sealed with another key") from exc
    _audit(db, ticket, "revealed", agent, message_id=message_id)
    db.commit()
    return original


def add_note(*, db: Session, ticket: Ticket, agent: Agent, text: str) -> None:
    """An internal note: in the audit log, never shown to the user."""
    _audit(db, ticket, "note", agent, text=redact(text))
    db.commit()


def set_contact(*, db: Session, ticket_id: int, contact: str) -> None:
    """Put how to reach the user on the ticket (the one field that holds it in clear)."""
    ticket = get_ticket(db=db, ticket_id=ticket_id)
    ticket.contact = contact
    db.commit()
