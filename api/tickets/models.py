"""Tickets that agents work from, and the append-only audit log of what happened to them."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.agents.models import Agent
from api.conversations.models import Conversation
from api.database import Base, UTCDateTime, utcnow


class TicketStatus(StrEnum):
    OPEN = "open"  # waiting in its queue
    CLAIMED = "claimed"  # an agent works on it
    RESOLVED = "resolved"


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same hand-off retried (a repeated action, a double submit) carries the
    # same key, so it can never create a second ticket.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    queue: Mapped[str] = mapped_column(String(16), index=True)
    priority: Mapped[int]
    status: Mapped[TicketStatus] = mapped_column(String(16), default=TicketStatus.OPEN, index=True)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)  # masked like every stored text
    # The subject of the mail that opened it (e-mail cases only), masked.
    subject: Mapped[str | None] = mapped_column(String(300))
    # How to reach the user: the one field that may hold a phone number or an
    # e-mail address in clear text, because the agent needs it.
    contact: Mapped[str | None] = mapped_column(String(256))
    billable: Mapped[bool]
    # An order (bot/data/orders.yml) as the form collected it: {"kind", "fields"},
    # masked like the transcript.
    order: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    triage_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # One timestamp per transition, set only by the transition in service.py.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conversation: Mapped[Conversation] = relationship()
    assigned_agent: Mapped[Agent | None] = relationship()
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="ticket", order_by="AuditEvent.id"
    )

    @property
    def sla_started_at(self) -> datetime:
        """The SLA clock runs from the last reopening, or else from creation."""
        return self.reopened_at or self.created_at

    @property
    def title(self) -> str:
        """A one-line subject for lists: the mail's subject, else the first line or
        sentence of what the user first said about the case (masked, as stored)."""
        return shortened(self.subject or self.description)

    @property
    def assigned_agent_name(self) -> str | None:
        """The display name of the agent who has the ticket, if anyone has."""
        return self.assigned_agent.display_name if self.assigned_agent else None


class AuditEvent(Base):
    """Who did what to a ticket, and when. Rows are only ever added."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    actor: Mapped[str] = mapped_column(String(64))  # agent username, "bot" or "system"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


TITLE_CHARS = 80
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def shortened(text: str, limit: int = TITLE_CHARS) -> str:
    """The first line or sentence of `text`, whitespace collapsed, at most `limit`
    characters (cut at a word, with an ellipsis)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    sentence = _SENTENCE_END.split(first.strip(), maxsplit=1)[0]
    words = " ".join(sentence.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0] if " " in words[: limit - 1] else words[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"
