"""Public JSON of the insight dashboard and the unanswered questions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.queues.schemas import Texts


class UnansweredQuestion(BaseModel):
    id: str = Field(description="Stable: the same question keeps its id")
    text: str  # the latest wording, masked
    language: str
    count: int
    last_seen: datetime


class UnansweredDismissed(BaseModel):
    """An entry that is no longer listed."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(validation_alias="key")
    text: str
    dismissed_by: str
    dismissed_at: datetime
    draft_id: int | None  # the article draft it was turned into, if any


class UnansweredPage(BaseModel):
    questions: list[UnansweredQuestion]


class DayCount(BaseModel):
    day: str  # YYYY-MM-DD (UTC)
    conversations: int


class HandoffCount(BaseModel):
    queue: str
    priority: int
    count: int


class SlaSummary(BaseModel):
    met: int  # resolved by the due time
    breached: int  # resolved after it
    open_breached: int  # unresolved and past it
    compliance: float | None  # met / all three; None without any


class TopicCount(BaseModel):
    topic: str
    titles: Texts  # the topic's article title in each language
    count: int


class UnansweredCount(BaseModel):
    id: str  # as in /insights/unanswered
    text: str
    count: int


class Dashboard(BaseModel):
    days: list[DayCount]
    by_channel: dict[str, int]
    by_language: dict[str, int]
    self_service_share: float | None  # None when there were no conversations
    handoffs: list[HandoffCount]
    sla: SlaSummary
    top_topics: list[TopicCount]
    top_unanswered: list[UnansweredCount]
