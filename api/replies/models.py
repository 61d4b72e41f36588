"""The tables of api/replies (migration in api/alembic/versions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class SavedReply(Base):
    """A reply an agent inserts with a shortcut, for one queue and one language. The
    text is stored as written: it is the organisation's own wording, with
    placeholders such as {case}, and holds no user's data."""

    __tablename__ = "saved_replies"
    # One title per queue and language: the picker lists them by title.
    __table_args__ = (UniqueConstraint("queue", "language", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    # Who wrote or last changed it (an admin), for questions about its wording.
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketPresence(Base):
    """One agent with one ticket open: a row per (ticket, agent), updated in place by
    each heartbeat, in the database so that every API process sees the same. A row
    whose heartbeat is older than the expiry counts as gone."""

    __tablename__ = "ticket_presence"
    __table_args__ = (UniqueConstraint("ticket_id", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Cascades: a ticket deleted (retention, erasure) takes its presence rows along.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)  # this visit's first heartbeat
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the last one
    # When the agent last said they were typing; None after they said they stopped.
    typing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
