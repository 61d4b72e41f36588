"""The mails of e-mail conversations, by their Message-ID, for threading replies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class Direction(StrEnum):
    IN = "in"  # from the user
    OUT = "out"  # from us: the assistant's answer, an acknowledgement, an agent's reply


class MailMessage(Base):
    """One mail in an e-mail conversation. A user's reply names ours in In-Reply-To or
    References; that id, which nobody can guess, finds the conversation it joins."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    direction: Mapped[Direction] = mapped_column(String(8))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    references: Mapped[str | None] = mapped_column(Text)  # space-separated, oldest first
    # The case the mail is about (in our subject line), if any.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Our mail's outbox row: a bounce for it marks that delivery failed.
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
