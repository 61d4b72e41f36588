"""Public JSON of the console's live alerts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The alert's id; ask for those after it next time")
    ticket_id: int
    kind: str = Field(description="breach (past its due time) or priority1 (a new P1 ticket)")
    queue: str = Field(description="The ticket's queue when the alarm was raised")
    priority: int
    due_at: datetime
    raised_at: datetime


class AlertPage(BaseModel):
    alerts: list[AlertRead]
    last_id: int = Field(description="Pass as `after` on the next poll")
