"""Alarms raised on tickets: the durable record that a queue must be told something.

A row is written in the same transaction as what caused it (the escalation of a
breached ticket, the opening of a priority-1 one), so an alarm is never lost
between the cause and the telling; its unique `key` makes it once per ticket and
event, whoever raises it how often. The console's live alerts are read from here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.database import Base, UTCDateTime
from api.tickets.models import Ticket


class AlarmKind(StrEnum):
    BREACH = "breach"  # the ticket passed its due time unresolved
    PRIORITY1 = "priority1"  # a new ticket of the highest priority


class Alarm(Base):
    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "breach-42" ("breach-42-1764000000" after a reopening: a fresh SLA clock
    # may breach again) or "priority1-42": raising it twice changes nothing.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AlarmKind] = mapped_column(String(16))
    # The ticket's queue, priority and due time when the alarm was raised.
    queue: Mapped[str] = mapped_column(String(16), index=True)
    priority: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it happened: this, not the moment of telling, decides office hours.
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Set when the mails and SMS are in the outbox (once, by one process).
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
