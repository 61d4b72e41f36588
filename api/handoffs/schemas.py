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
    collecting: bool = Field(
        default=False,
        description=(
            "The hand-off form is still asking for details: the ticket is opened now, "
            "so the case is registered even if the user stops answering, but the "
            "assistant keeps the conversation until the form is done (then the same "
            "idempotency key adds the company and contact to the same ticket)"
        ),
    )


class HandoffRead(BaseModel):
    ticket_id: str
    queue: str
    priority: int
    due_at: datetime
    handling: str = Field(description="Who handles the case and when, in the user's language")
    reopened: bool = Field(default=False, description="An earlier, resolved case was reopened")
