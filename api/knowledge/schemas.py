"""Public JSON of knowledge search; field names are the spec's."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.deps import MAX_ID
from bot.language import Lang


class SearchResult(BaseModel):
    topic: str
    language: str
    title: str
    score: float
    snippet: str


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DraftCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    # A row id: one too large for the database is refused here, not in the driver.
    ticket_id: int = Field(ge=1, le=MAX_ID)
    language: Lang
    title: str = Field(min_length=1, max_length=120)
    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=2000)


class DraftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int | None  # None: from an unanswered question (api/insights)
    language: str
    title: str
    question: str
    answer: str
    status: str  # proposed | approved | rejected
    proposed_by: str
    created_at: datetime
    approved_by: str | None  # the admin who approved it
    decided_by: str | None  # the admin who approved or rejected it
    decided_at: datetime | None
    topic: str | None  # the article's topic id, once approved
    path: str | None  # the article file, relative to the knowledge directory


class QuestionDraftCreate(BaseModel):
    """An article draft for an unanswered question: its text is the question."""

    model_config = ConfigDict(str_strip_whitespace=True)

    language: Lang
    title: str = Field(min_length=1, max_length=120, pattern=r"^[^\x00]*$")
    answer: str = Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")


class DraftPage(BaseModel):
    drafts: list[DraftRead]
