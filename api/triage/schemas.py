"""Public JSON of triage; field names are the spec's."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.conversations.schemas import Channel
from bot.language import Lang


class TriageRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=2000, description="The request to triage")
    language: Lang | None = None
    channel: Channel | None = None


class TriageResponse(BaseModel):
    language: Lang
    queue: str
    priority: int = Field(ge=1, le=5)
    billable: bool
    reasons: list[str]
    rule: str | None = Field(default=None, description="The explicit rule that decided, if any")
