"""GET /api/v1/tickets/{id}/suggestions: knowledge articles for an agent's reply.

It lives with the knowledge it searches (a ticket's route, but knowledge
depends on tickets, never the other way round)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SettingsDep
from api.knowledge.service import knowledge_index, suggestions
from api.tickets.router import CurrentTicket
from api.tickets.schemas import Suggestion, SuggestionPage

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])


@router.get("/{ticket_id}/suggestions", response_model=SuggestionPage)
def suggest(
    ticket: CurrentTicket,
    settings: SettingsDep,
    k: Annotated[int, Query(ge=1, le=10, description="How many suggestions")] = 3,
) -> SuggestionPage:
    """Knowledge articles in the ticket's language that match what the user asked."""
    hits = suggestions(ticket=ticket, index=knowledge_index(settings.knowledge_dir), k=k)
    return SuggestionPage(
        suggestions=[Suggestion(topic=h.topic, title=h.title, text=h.article.summary) for h in hits]
    )
