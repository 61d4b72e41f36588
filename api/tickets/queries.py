"""Questions about tickets: a conversation's open ticket (other packages ask it), the
agent's search over the tickets they may see, and a contact's earlier tickets.

Searching is SQL alike on SQLite and PostgreSQL: words are matched case-blind
with LIKE over lower-cased text, the Nordic capitals folded by hand (SQLite's
lower() knows ASCII only), and the agent's queues are part of every query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from api.agents.models import Agent, AgentRole
from api.conversations.models import Conversation, Message
from api.queues.service import known_queues
from api.tickets.models import Ticket, TicketStatus
from api.tickets.service import NotYourQueue

EARLIER_TICKETS = 10
MAX_WORDS = 10
# The transcript's words that are searched: the user's and the agents' (not the
# assistant's articles, which share words with every case).
SEARCHED_AUTHORS = ("user", "agent")
_NUMBER = re.compile(r"#?(\d{1,18})")
_CAPITALS = "ÅÄÖÜÉÆØ"

StatusFilter = Literal["open", "resolved", "all"]


def open_ticket_of(*, db: Session, conversation: Conversation) -> Ticket | None:
    """The conversation's newest unresolved ticket, if any."""
    query = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation.id, Ticket.status != TicketStatus.RESOLVED)
        .order_by(Ticket.id.desc())
    )
    return db.scalars(query).first()


@dataclass(frozen=True)
class TicketFilter:
    """What an agent asks the ticket list for (every part optional)."""

    queue: str | None = None
    text: str | None = None  # a ticket number ("12", "#12"), words, or a contact
    mine: bool = False
    unclaimed: bool = False
    priorities: Sequence[int] = field(default_factory=tuple)
    channels: Sequence[str] = field(default_factory=tuple)
    languages: Sequence[str] = field(default_factory=tuple)
    status: StatusFilter = "open"
    limit: int = 100


def find_tickets(*, db: Session, agent: Agent, wanted: TicketFilter) -> list[Ticket]:
    """The tickets of the agent's queues (an admin's: all) that match `wanted`, highest
    priority first, then the earliest due; UnknownQueue (422) for no such queue,
    NotYourQueue (403) for a queue the agent is not a member of."""
    query = _visible(select(Ticket), agent)
    if wanted.queue is not None:
        known_queues([wanted.queue])
        if not agent.sees(wanted.queue):
            raise NotYourQueue
        query = query.where(Ticket.queue == wanted.queue)
    query = query.where(*_conditions(wanted, agent))
    query = (
        query.options(selectinload(Ticket.assigned_agent))
        .order_by(Ticket.priority, Ticket.due_at, Ticket.id)
        .limit(wanted.limit)
    )
    return list(db.scalars(query))


def earlier_tickets(
    *, db: Session, ticket: Ticket, agent: Agent, limit: int = EARLIER_TICKETS
) -> list[Ticket]:
    """The same contact's other tickets that `agent` may read, newest first: from the
    same sender (the conversation, or the keyed pseudonym of the same number on
    another channel) or with the same contact field."""
    sender = ticket.conversation.sender
    same = [Conversation.sender == sender]
    if ticket.contact and ticket.contact.strip():
        same.append(func.lower(Ticket.contact) == ticket.contact.strip().lower())
    query = (
        _visible(select(Ticket), agent)
        .join(Conversation, Ticket.conversation_id == Conversation.id)
        .where(Ticket.id != ticket.id, or_(*same))
        .options(selectinload(Ticket.assigned_agent))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def _visible(query: Select[Ticket], agent: Agent) -> Select[Ticket]:
    """Only the agent's queues (every queue for an admin)."""
    if agent.role == AgentRole.ADMIN:
        return query
    return query.where(Ticket.queue.in_(agent.queues) if agent.queues else false())


def _conditions(wanted: TicketFilter, agent: Agent) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if wanted.status == "open":
        found.append(Ticket.status != TicketStatus.RESOLVED)
    elif wanted.status == "resolved":
        found.append(Ticket.status == TicketStatus.RESOLVED)
    if wanted.mine:
        found.append(Ticket.assigned_agent_id == agent.id)
    if wanted.unclaimed:
        found.append(Ticket.assigned_agent_id.is_(None))
    if wanted.priorities:
        found.append(Ticket.priority.in_(list(wanted.priorities)))
    if wanted.channels:
        found.append(Ticket.channel.in_(list(wanted.channels)))
    if wanted.languages:
        found.append(Ticket.language.in_(list(wanted.languages)))
    if wanted.text and wanted.text.strip():
        found.append(_matches(wanted.text.strip()))
    return found


def _matches(text: str) -> ColumnElement[bool]:
    """A ticket number ("#12": that ticket only; "12": that ticket, or the digits in
    its text or contact), or every word somewhere in its text or contact."""
    number = _NUMBER.fullmatch(text)
    if number and text.startswith("#"):
        return Ticket.id == int(number.group(1))
    words = and_(*(_word_in_ticket(w) for w in text.split()[:MAX_WORDS]))
    if number:
        return or_(Ticket.id == int(number.group(1)), words)
    return words


def _word_in_ticket(word: str) -> ColumnElement[bool]:
    wanted = word.lower()
    said = exists().where(
        Message.conversation_id == Ticket.conversation_id,
        Message.author.in_(SEARCHED_AUTHORS),
        _lowered(Message.text).contains(wanted, autoescape=True),
    )
    return or_(
        _lowered(Ticket.description).contains(wanted, autoescape=True),
        _lowered(func.coalesce(Ticket.subject, "")).contains(wanted, autoescape=True),
        _lowered(func.coalesce(Ticket.contact, "")).contains(wanted, autoescape=True),
        said,
    )


def _lowered(column: ColumnElement[str] | object) -> ColumnElement[str]:
    lowered: ColumnElement[str] = func.lower(column)
    for capital in _CAPITALS:
        lowered = func.replace(lowered, capital, capital.lower())
    return lowered
