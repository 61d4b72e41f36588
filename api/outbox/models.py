"""Outgoing messages, stored before they are sent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # accepted, waiting for (another) try
    SENDING = "sending"  # a sender has it, until `lease_until`
    SENT = "sent"
    FAILED = "failed"  # gave up after the last try, or the address is unusable
    WITHDRAWN = "withdrawn"  # taken back before it was due (an undone resolve's notice)


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One row per thing to say (e.g. "message-42"): enqueueing twice changes nothing.
    key: Mapped[str] = mapped_column(String(128), unique=True)
    # The user's conversation (or the case's, for a message to a desk or a webhook);
    # None only for what belongs to no case, such as a webhook endpoint's test ping.
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The conversation's pseudonym (for per-number limits) and its sealed address.
    recipient: Mapped[str] = mapped_column(String(128), index=True)
    address: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # bot | agent | notice
    text: Mapped[str] = mapped_column(Text)  # masked like every stored text
    # What is sent, when masking changed it (an agent's words as written), sealed
    # with the address key: in clear only in the sender, at the moment of sending.
    sealed_text: Mapped[str | None] = mapped_column(Text)
    # E-mail only: Subject, Message-ID, In-Reply-To, References, Auto-Submitted.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        String(16), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Not sent before this (a first try may wait: a resolve's notice, while it can
    # still be undone), and after a failed try not before the next one is due.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
