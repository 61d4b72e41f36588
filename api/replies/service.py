"""Saved replies (kept by admins, inserted by agents with their placeholders filled
for one ticket), and who else has a ticket open or is typing in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.database import utcnow
from api.errors import DomainError
from api.queues.service import known_queues
from api.replies.models import SavedReply, TicketPresence
from api.tickets.models import Ticket
from api.tickets.service import NotYourQueue
from bot.hours import office_hours, queue_is_always_open
from bot.knowledge.facts import load
from bot.replies import reply, support_facts
from bot.triage.training import QUEUES

# ---- placeholders ----

# What each placeholder becomes, for one ticket and the agent who inserts the reply.
Filler = Callable[["FillContext"], str]


@dataclass(frozen=True)
class FillContext:
    ticket: Ticket
    agent: Agent
    now: datetime


def opening_text(queue: str, language: str, now: datetime) -> str:
    """When `queue` opens, as words for the middle of a sentence in `language`:
    "now, around the clock", "now (today until 16:30)", "today from 08:00" or
    "on the next working day, Monday 08:00" (Stockholm time)."""
    if queue_is_always_open(queue):
        return reply("saved_opens_always", language)
    hours = office_hours()
    if hours.is_open(now):
        return reply("saved_opens_now", language, closes=hours.closes.strftime("%H:%M"))
    opening = hours.next_opening(now)
    at = opening.strftime("%H:%M")
    if opening.date() == now.astimezone(hours.zone).date():
        return reply("when_later_today", language, time=at)
    weekday = reply("weekdays", language).split()[opening.weekday()]
    return reply("when_next_day", language, weekday=weekday, time=at)


def _queue_name(queue: str, language: str) -> str:
    names = {a["queue"]: a["name"] for a in load("opening_hours")["areas"]}
    return str(names[queue][language]) if queue in names else queue


PLACEHOLDERS: dict[str, Filler] = {
    "case": lambda c: str(c.ticket.id),
    "opens": lambda c: opening_text(c.ticket.queue, c.ticket.language, c.now),
    "agent": lambda c: c.agent.display_name,
    "queue": lambda c: _queue_name(c.ticket.queue, c.ticket.language),
    "email": lambda c: str(support_facts()["contact"]["email"]),
    "phone": lambda c: str(support_facts()["contact"]["phone"]),
}
# Anything in single braces is meant as a placeholder: one that is not known is a
# typo the admin must see when saving, not a "{kundnr}" the user reads later.
_BRACED = re.compile(r"\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    """The placeholders `text` uses, in order, each once (known or not)."""
    return list(dict.fromkeys(_BRACED.findall(text)))


def fill_text(text: str, context: FillContext) -> str:
    """`text` with each known placeholder replaced (each filled once, however often used)."""
    values = {name: PLACEHOLDERS[name](context) for name in placeholders_in(text)}
    return _BRACED.sub(lambda m: values.get(m[1], m[0]), text)


# ---- errors ----


class SavedReplyNotFound(DomainError):
    status_code = 404
    code = "saved_reply_not_found"
    message = "There is no such saved reply (or it is for a queue you are not a member of)."


class UnknownPlaceholders(DomainError):
    status_code = 422
    code = "unknown_placeholder"

    def __init__(self, unknown: list[str]) -> None:
        braced = ", ".join("{" + name + "}" for name in unknown)
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        super().__init__(f"Unknown placeholder(s): {braced}. The placeholders are: {known}.")


class DuplicateTitle(DomainError):
    status_code = 409
    code = "saved_reply_title_taken"
    message = "This queue already has a saved reply with this title in this language."


class ReplyNotForTicket(DomainError):
    """A saved reply of another queue or language than the ticket's: a Finnish user
    must not get the Swedish text, nor a driver the accounting queue's."""

    status_code = 422
    code = "saved_reply_not_for_ticket"

    def __init__(self, saved: SavedReply, ticket: Ticket) -> None:
        super().__init__(
            f"This saved reply is for the queue {saved.queue} in {saved.language}; "
            f"the ticket is in the queue {ticket.queue} in {ticket.language}."
        )


# ---- saved replies ----


@dataclass(frozen=True)
class ReplyFields:
    queue: str
    language: str
    title: str
    text: str


def list_replies(
    *, db: Session, agent: Agent, queue: str | None = None, language: str | None = None
) -> list[SavedReply]:
    """The saved replies of the agent's queues (an admin's: all), by queue in the spec's
    order, then language and title; UnknownQueue (422) or NotYourQueue (403) for a
    `queue` that does not exist or is not the agent's."""
    if queue is not None:
        known_queues([queue])
        if not agent.sees(queue):
            raise NotYourQueue
    queues = [queue] if queue else [q for q in QUEUES if agent.sees(q)]
    query = select(SavedReply).where(SavedReply.queue.in_(queues))
    if language:
        query = query.where(SavedReply.language == language)
    found = db.scalars(query.order_by(SavedReply.language, SavedReply.title, SavedReply.id))
    return sorted(found, key=lambda r: QUEUES.index(r.queue))


def get_reply(*, db: Session, reply_id: int, agent: Agent) -> SavedReply:
    """The saved reply; SavedReplyNotFound if there is none or it is of another queue."""
    saved = db.get(SavedReply, reply_id)
    if saved is None or not agent.sees(saved.queue):
        raise SavedReplyNotFound
    return saved


def _checked(fields: ReplyFields) -> ReplyFields:
    known_queues([fields.queue])
    unknown = [name for name in placeholders_in(fields.text) if name not in PLACEHOLDERS]
    if unknown:
        raise UnknownPlaceholders(unknown)
    return fields


def create_reply(*, db: Session, admin: Agent, fields: ReplyFields) -> SavedReply:
    """A new saved reply (the caller has checked `admin` is one)."""
    _checked(fields)
    saved = SavedReply(**vars(fields), updated_by_id=admin.id)
    db.add(saved)
    _commit_unique(db)
    return saved


def update_reply(
    *,
    db: Session,
    admin: Agent,
    saved: SavedReply,
    fields: ReplyFields,
    now: datetime | None = None,
) -> SavedReply:
    """The saved reply with all its fields replaced."""
    _checked(fields)
    for name, value in vars(fields).items():
        setattr(saved, name, value)
    saved.updated_by_id, saved.updated_at = admin.id, now or utcnow()
    _commit_unique(db)
    return saved


def delete_reply(*, db: Session, saved: SavedReply) -> None:
    db.delete(saved)
    db.commit()


def _commit_unique(db: Session) -> None:
    try:
        db.commit()
    except IntegrityError as error:
        db.rollback()
        raise DuplicateTitle from error


def fill(*, ticket: Ticket, saved: SavedReply, agent: Agent, now: datetime | None = None) -> str:
    """The saved reply's text with its placeholders filled for `ticket`, as `agent`
    would send it; ReplyNotForTicket if it is for another queue or language."""
    if (saved.queue, saved.language) != (ticket.queue, ticket.language):
        raise ReplyNotForTicket(saved, ticket)
    return fill_text(saved.text, FillContext(ticket=ticket, agent=agent, now=now or utcnow()))


# ---- presence ----


@dataclass(frozen=True)
class PresenceWindow:
    """How long a heartbeat and a typing flag count."""

    expiry: timedelta
    typing: timedelta


@dataclass(frozen=True)
class Present:
    agent_id: int
    display_name: str
    typing: bool
    since: datetime
    seen_at: datetime


def heartbeat(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent,
    typing: bool,
    window: PresenceWindow,
    now: datetime | None = None,
) -> None:
    """`agent` has `ticket` open (and is typing in it, or not): their one row is
    updated in place, or written anew when there was none or it had expired."""
    now = now or utcnow()
    db.execute(delete(TicketPresence).where(TicketPresence.seen_at < now - window.expiry))
    row = _row(db, ticket, agent)
    if row is None:
        row = _insert(db, ticket, agent, now)
    row.seen_at = now
    row.typing_at = now if typing else None
    db.commit()


def _row(db: Session, ticket: Ticket, agent: Agent) -> TicketPresence | None:
    query = select(TicketPresence).where(
        TicketPresence.ticket_id == ticket.id, TicketPresence.agent_id == agent.id
    )
    return db.scalars(query).first()


def _insert(db: Session, ticket: Ticket, agent: Agent, now: datetime) -> TicketPresence:
    """A new row; when the agent's other tab wrote it a moment earlier, that one."""
    row = TicketPresence(ticket_id=ticket.id, agent_id=agent.id, opened_at=now, seen_at=now)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        found = _row(db, ticket, agent)
        if found is None:
            raise
        return found
    return row


def others(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent,
    window: PresenceWindow,
    now: datetime | None = None,
) -> list[Present]:
    """The other agents who have `ticket` open now (and still may see it), the
    longest-present first, each typing or not."""
    now = now or utcnow()
    query = (
        select(TicketPresence, Agent)
        .join(Agent, Agent.id == TicketPresence.agent_id)
        .where(
            TicketPresence.ticket_id == ticket.id,
            TicketPresence.agent_id != agent.id,
            TicketPresence.seen_at >= now - window.expiry,
        )
        .order_by(TicketPresence.opened_at, TicketPresence.id)
    )
    return [
        Present(
            agent_id=other.id,
            display_name=other.display_name,
            typing=row.typing_at is not None and now - row.typing_at < window.typing,
            since=row.opened_at,
            seen_at=row.seen_at,
        )
        for row, other in db.execute(query)
        if other.active and other.sees(ticket.queue)
    ]


def leave(*, db: Session, ticket: Ticket, agent: Agent) -> None:
    """`agent` closed `ticket`: the others stop seeing them at once."""
    db.execute(
        delete(TicketPresence).where(
            TicketPresence.ticket_id == ticket.id, TicketPresence.agent_id == agent.id
        )
    )
    db.commit()
