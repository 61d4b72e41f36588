"""The insight dashboard and the questions the assistant could not answer (agents)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.agents.models import AgentRole
from api.database import utcnow
from api.deps import CurrentAgent, SessionDep
from api.insights import service
from api.insights.schemas import Dashboard, UnansweredPage, UnansweredQuestion

router = APIRouter(prefix="/api/v1/insights", tags=["insights"])

Days = Annotated[int, Query(ge=1, le=366, description="The period: this many days back")]


@router.get("/unanswered", response_model=UnansweredPage)
def unanswered(
    db: SessionDep,
    agent: CurrentAgent,
    days: Days = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> UnansweredPage:
    """Questions the assistant had no answer to, grouped by their text, most frequent first."""
    since = utcnow() - timedelta(days=days)
    groups = service.unanswered(db=db, since=since, limit=limit)
    return UnansweredPage(
        questions=[
            UnansweredQuestion(
                text=g.text, language=g.language, count=g.count, last_seen=g.last_seen
            )
            for g in groups
        ]
    )


@router.get("/dashboard", response_model=Dashboard)
def dashboard(db: SessionDep, agent: CurrentAgent, days: Days = 30) -> Dashboard:
    """Conversations per day, channel and language; self-service share; hand-offs per
    queue and priority and SLA compliance (of the agent's queues; an admin's: all);
    top topics and unanswered questions."""
    queues = None if agent.role == AgentRole.ADMIN else agent.queues
    return service.dashboard(db=db, days=days, queues=queues)
