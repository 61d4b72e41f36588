"""JSON of the internal hand-off endpoint (called by the action server)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class HandoffCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    conversation_key: str = Field(pattern=r"^conv-\d+$")
    idempotency_key: str = Field(min_length=1, max_length=128)
    description: str = Field(min_length=1, max_length=4000)
    company: str | None = Field(default=None, max_length=256)
    contact: str | None = Field(default=None, max_length=256)


class HandoffRead(BaseModel):
    ticket_id: str
    queue: str
    priority: int
    due_at: datetime
    handling: str = Field(description="Who handles the case and when, in the user's language")
    reopened: bool = Field(default=False, description="An earlier, resolved case was reopened")
