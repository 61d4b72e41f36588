"""The insight dashboard and the questions the assistant could not answer (agents), and
what admins do with those questions: dismiss them, or turn them into article drafts."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.agents.models import AgentRole
from api.database import utcnow
from api.deps import CurrentAdmin, CurrentAgent, SessionDep
from api.insights import service
from api.insights.schemas import (
    Dashboard,
    UnansweredDismissed,
    UnansweredPage,
    UnansweredQuestion,
)
from api.knowledge.schemas import DraftRead, QuestionDraftCreate

router = APIRouter(prefix="/api/v1/insights", tags=["insights"])

Days = Annotated[int, Query(ge=1, le=366, description="The period: this many days back")]
QuestionId = Annotated[
    str,
    Path(
        pattern=f"^[0-9a-f]{{{service.QUESTION_ID_CHARS}}}$",
        description="The `id` of an entry of /insights/unanswered",
    ),
]


@router.get("/unanswered", response_model=UnansweredPage)
def unanswered(
    db: SessionDep,
    agent: CurrentAgent,
    days: Days = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> UnansweredPage:
    """Questions the assistant had no answer to, grouped by their text, most frequent
    first (not form answers nor contact details, nor what an admin dismissed)."""
    since = utcnow() - timedelta(days=days)
    groups = service.unanswered(db=db, since=since, limit=limit)
    return UnansweredPage(
        questions=[
            UnansweredQuestion(
                id=g.id, text=g.text, language=g.language, count=g.count, last_seen=g.last_seen
            )
            for g in groups
        ]
    )


@router.post("/unanswered/{question_id}/dismiss", response_model=UnansweredDismissed)
def dismiss(question_id: QuestionId, db: SessionDep, admin: CurrentAdmin) -> UnansweredDismissed:
    """No longer list the question (admins only; 404 for no such entry)."""
    dismissed = service.dismiss(db=db, key=question_id, admin=admin)
    return UnansweredDismissed.model_validate(dismissed)


@router.post(
    "/unanswered/{question_id}/draft",
    response_model=DraftRead,
    status_code=status.HTTP_201_CREATED,
)
def draft(
    question_id: QuestionId, body: QuestionDraftCreate, db: SessionDep, admin: CurrentAdmin
) -> DraftRead:
    """Propose an article for the question, with your answer (admins only; the draft
    waits for approval like any other, and the question is no longer listed; 404 for
    no such entry, 409 if it was dismissed already)."""
    made = service.draft_from(
        db=db,
        key=question_id,
        admin=admin,
        language=body.language,
        title=body.title,
        answer=body.answer,
    )
    return DraftRead.model_validate(made)


@router.get("/dashboard", response_model=Dashboard)
def dashboard(db: SessionDep, agent: CurrentAgent, days: Days = 30) -> Dashboard:
    """Conversations per day, channel and language; self-service share; hand-offs per
    queue and priority and SLA compliance (of the agent's queues; an admin's: all);
    top topics and unanswered questions."""
    queues = None if agent.role == AgentRole.ADMIN else agent.queues
    return service.dashboard(db=db, days=days, queues=queues)
