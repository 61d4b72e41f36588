"""GET /api/v1/knowledge/search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.knowledge.schemas import SearchResponse, SearchResult
from bot.knowledge.answer import ranked
from bot.language import Lang

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])


@router.get("/search", response_model=SearchResponse)
def search(
    q: Annotated[str, Query(min_length=1, max_length=500, description="The question")],
    lang: Annotated[Lang, Query(description="Language of the articles: sv, en or fi")] = "sv",
    k: Annotated[int, Query(ge=1, le=20, description="How many results")] = 5,
) -> SearchResponse:
    """Search the knowledge articles of one language, best match first.

    A question that names a reject code, unit, rule set or price term gets
    that fact's article first.
    """
    hits, _facts = ranked(q, lang, k)
    return SearchResponse(
        results=[
            SearchResult(
                topic=h.topic, language=h.language, title=h.title, score=h.score, snippet=h.snippet
            )
            for h in hits
        ]
    )
