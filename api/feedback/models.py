"""The tables of api/feedback (migration in api/alembic/versions).

One row per question asked: after a resolve (`kind` "person", one per ticket:
`ticket_id` is unique, so a ticket resolved again is never asked again), or at
the end of a conversation the assistant answered alone (`kind` "assistant",
no ticket). The answer is filled in on the same row. The references to the
conversation, ticket and question message are cleared, not cascaded, when
those are deleted (retention, erasure): the figures stay.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime


class FeedbackKind(StrEnum):
    PERSON = "person"  # a ticket an agent resolved
    ASSISTANT = "assistant"  # a conversation the assistant answered alone


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackKind] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), unique=True
    )
    # Where the question was asked and is answered: the ticket's conversation, or for
    # a phone call the SMS conversation of the caller's number.
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    question_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    # The ticket's queue, or the queue of the topic the assistant answered.
    queue: Mapped[str] = mapped_column(String(16), index=True)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))
    # Told from then on (a resolve's question waits out the undo window, as its
    # notice does); not taken as answered after `expires_at`.
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[int | None]  # 1-5
    comment: Mapped[str | None] = mapped_column(Text)  # masked
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After a bare score, the next message (until then) may be its comment.
    comment_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
