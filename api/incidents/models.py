"""The tables of api/incidents (migration in api/alembic/versions).

Texts are kept per language as JSON objects ({"sv": ..., "fi": ...}) holding only
the languages an admin wrote: a missing language is told from another one
(`api.incidents.texts`), and the console warns about it before publishing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.database import Base, UTCDateTime, utcnow


class IncidentStatus(StrEnum):
    ACTIVE = "active"  # published; told to users from `starts_at` on
    RESOLVED = "resolved"


class UpdateKind(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    RESOLVED = "resolved"


class Incident(Base):
    """A serious or stopping fault, and the operating message users are told about it."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The operating message as told now (the latest update's): {language: text}.
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    # Queue ids and knowledge topic ids of the spec.
    areas: Mapped[list[str]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For agents and admins only; never in the public list.
    internal_note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[IncidentStatus] = mapped_column(
        String(16), default=IncidentStatus.ACTIVE, index=True
    )
    # Raised by every update: a conversation told an older version is told again.
    version: Mapped[int] = mapped_column(default=1)
    resolution: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_by: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    updates: Mapped[list[IncidentUpdate]] = relationship(
        back_populates="incident", order_by="IncidentUpdate.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[IncidentLink]] = relationship(
        back_populates="incident", order_by="IncidentLink.id", cascade="all, delete-orphan"
    )


class IncidentUpdate(Base):
    """One step of an incident's history: its publication, an update, its resolution."""

    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    version: Mapped[int]
    kind: Mapped[UpdateKind] = mapped_column(String(16))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    # The operating message (or, on the resolution, the resolution text).
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    expected_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="updates")


class IncidentLink(Base):
    """A ticket an agent linked to an incident. Unlinking keeps the row (`linked`
    false): the ticket is then neither resolved with the incident nor proposed again."""

    __tablename__ = "incident_links"
    __table_args__ = (UniqueConstraint("incident_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # Erasing a ticket (api/retention) takes its links with it.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    linked: Mapped[bool] = mapped_column(default=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))  # who linked or unlinked
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unlinked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="links")


class IncidentNotice(Base):
    """Which version of an incident's operating message a conversation was told, so
    it is told once per version, not with every answer."""

    __tablename__ = "incident_notices"
    __table_args__ = (UniqueConstraint("incident_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    told_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
