"""Public JSON of the insight dashboard and the unanswered questions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class UnansweredQuestion(BaseModel):
    text: str  # the latest wording, masked
    language: str
    count: int
    last_seen: datetime


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
    count: int


class UnansweredCount(BaseModel):
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
