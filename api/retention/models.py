"""The tables of api/retention (migration in api/alembic/versions).

What the daily job did (`RetentionRun`), who holds the right to run it now
(`RetentionLease`: one row per job, claimed with a conditional UPDATE, so two
API processes never run it at once), when a conversation's Rasa tracker was
last emptied (`TrackerReset`), and what an erasure request erased
(`ErasureRecord`: counts per kind, never the identifier it was asked for).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"  # stopped by an error; what was done before it stays done


class RetentionRun(Base):
    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16))  # schedule | admin
    requested_by: Mapped[str | None] = mapped_column(String(64))  # the admin, if one asked
    status: Mapped[RunStatus] = mapped_column(String(16), default=RunStatus.RUNNING)
    # Kind of data -> rows deleted or anonymised (see docs/retention.md).
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # The error's class only: its text could quote a row.
    error: Mapped[str | None] = mapped_column(String(256))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetentionLease(Base):
    """Who may run a job until when; a holder that dies loses it when `until` passes."""

    __tablename__ = "retention_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(UTCDateTime)


class TrackerReset(Base):
    """The last time Rasa was told to empty the conversation's tracker."""

    __tablename__ = "tracker_resets"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    reset_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasureRecord(Base):
    """An erasure request: who asked, when, by what kind of identifier, what went."""

    __tablename__ = "erasure_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(64))  # the admin's username
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    identifier_kind: Mapped[str] = mapped_column(String(16))  # phone | email | conversation
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
