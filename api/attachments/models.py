"""An attachment's record; its bytes are in the storage folder, named by its id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    # The case it belongs to: only agents of that case's queue may open it.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    filename: Mapped[str] = mapped_column(String(120))  # as the user named it, sanitised
    content_type: Mapped[str] = mapped_column(String(100))  # detected from the content
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Where the bytes are, under the storage folder: a random name, never the user's.
    stored_as: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
