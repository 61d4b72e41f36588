"""GET /api/v1/queues."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.database import utcnow
from api.queues import service
from api.queues.schemas import QueueOverview
from bot.language import Lang

router = APIRouter(prefix="/api/v1", tags=["queues"])


@router.get("/queues", response_model=QueueOverview)
def queues(
    lang: Annotated[Lang, Query(description="Language of the queue names")] = "sv",
) -> QueueOverview:
    """Each service-area queue: open now or not, and when it opens next."""
    return service.overview(now=utcnow(), language=lang)
