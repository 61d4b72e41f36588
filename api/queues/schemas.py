"""Public JSON of the queue overview."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Texts(BaseModel):
    """One text in each language (queue names, triage reasons, topic titles)."""

    sv: str
    en: str
    fi: str


class QueueState(BaseModel):
    id: str
    name: str  # in the language asked for
    names: Texts  # in every language
    open_now: bool
    always_open: bool
    # None while open; otherwise when office hours start again (Stockholm time).
    next_opening: datetime | None


class QueueOverview(BaseModel):
    now: datetime
    case_intake_open: bool
    queues: list[QueueState]
