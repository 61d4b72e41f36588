"""Public JSON of the insight dashboard and the unanswered questions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

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


class CsatFigure(BaseModel):
    """The answers to the feedback question of one queue, for one kind of help."""

    queue: str
    kind: Literal["assistant", "person"] = Field(
        description="assistant: a conversation the assistant answered alone; person: a "
        "ticket an agent resolved"
    )
    count: int  # answers
    mean: float  # of the scores 1-5
    satisfied_share: float  # the share of answers 4 or 5


class DurationFigure(BaseModel):
    """Durations of one queue and priority, in working time: office hours on working
    days (Swedish holidays off), every hour for a queue open around the clock."""

    queue: str
    priority: int
    count: int
    mean_minutes: float
    median_minutes: float


class ReopenSummary(BaseModel):
    resolved: int  # tickets resolved at least once
    reopened: int  # of those, reopened at least once
    rate: float | None  # reopened / resolved; None without any


class DurableSummary(BaseModel):
    """Resolutions not reopened within `days` days. Those younger than that are not
    judged yet (`not_yet_judged`) and count in neither `judged` nor `durable`."""

    days: int
    judged: int
    durable: int
    share: float | None  # durable / judged; None without any
    not_yet_judged: int


class Dashboard(BaseModel):
    days: list[DayCount]
    by_channel: dict[str, int]
    by_language: dict[str, int]
    self_service_share: float | None  # None when there were no conversations
    handoffs: list[HandoffCount]
    sla: SlaSummary
    top_topics: list[TopicCount]
    top_unanswered: list[UnansweredCount]
    csat: list[CsatFigure]
    first_response: list[DurationFigure]  # created -> the first agent reply
    resolution: list[DurationFigure]  # created or reopened -> resolved
    reopens: ReopenSummary
    durable: DurableSummary
