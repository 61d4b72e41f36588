"""Unanswered questions an admin has dealt with: dismissed, or turned into a draft."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class UnansweredDismissal(Base):
    """An entry of the unanswered questions (by its id, the hash of its normalised
    text) that is no longer listed."""

    __tablename__ = "unanswered_dismissals"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    text: Mapped[str] = mapped_column(Text)  # the latest wording, masked
    language: Mapped[str] = mapped_column(String(2))
    dismissed_by: Mapped[str] = mapped_column(String(64))  # admin username
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The article draft it became, if it was turned into one.
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_drafts.id"))
