"""Public JSON of the queue overview."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class QueueState(BaseModel):
    id: str
    name: str
    open_now: bool
    always_open: bool
    # None while open; otherwise when office hours start again (Stockholm time).
    next_opening: datetime | None


class QueueOverview(BaseModel):
    now: datetime
    case_intake_open: bool
    queues: list[QueueState]
