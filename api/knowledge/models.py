"""Knowledge article drafts that agents propose from resolved tickets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class DraftStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for an admin
    APPROVED = "approved"  # written to knowledge/ as an article
    REJECTED = "rejected"


class KnowledgeDraft(Base):
    __tablename__ = "knowledge_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The resolved ticket it came from; None for a draft from an unanswered question.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    # Masked like every stored text.
    title: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[DraftStatus] = mapped_column(
        String(16), default=DraftStatus.PROPOSED, index=True
    )
    proposed_by: Mapped[str] = mapped_column(String(64))  # agent username
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set only by approve/reject in service.py.
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    topic: Mapped[str | None] = mapped_column(String(64))  # the article's topic id once approved
    path: Mapped[str | None] = mapped_column(String(512))  # relative to the knowledge dir

    @property
    def approved_by(self) -> str | None:
        """The admin who approved the draft, if it was approved."""
        return self.decided_by if self.status == DraftStatus.APPROVED else None
