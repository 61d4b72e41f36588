"""Public JSON of knowledge search; field names are the spec's."""

from __future__ import annotations

from pydantic import BaseModel


class SearchResult(BaseModel):
    topic: str
    language: str
    title: str
    score: float
    snippet: str


class SearchResponse(BaseModel):
    results: list[SearchResult]
