"""Knowledge article drafts: agents propose them from resolved tickets, admins decide."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import CurrentAdmin, CurrentAgent, RowId, SessionDep, SettingsDep
from api.knowledge import service
from api.knowledge.models import DraftStatus
from api.knowledge.schemas import DraftCreate, DraftPage, DraftRead

router = APIRouter(prefix="/api/v1/knowledge/drafts", tags=["knowledge"])


@router.post("", response_model=DraftRead, status_code=status.HTTP_201_CREATED)
def propose(body: DraftCreate, db: SessionDep, agent: CurrentAgent) -> DraftRead:
    """Propose a question and answer from a resolved ticket as an article (409 if unresolved)."""
    draft = service.propose(
        db=db,
        ticket_id=body.ticket_id,
        agent=agent,
        language=body.language,
        title=body.title,
        question=body.question,
        answer=body.answer,
    )
    return DraftRead.model_validate(draft)


@router.get("", response_model=DraftPage)
def list_drafts(
    db: SessionDep,
    agent: CurrentAgent,
    status: Annotated[DraftStatus | None, Query(description="proposed, approved or rejected")] = (
        DraftStatus.PROPOSED
    ),
) -> DraftPage:
    """Drafts with the status (proposed by default), newest first."""
    drafts = service.list_drafts(db=db, status=status)
    return DraftPage(drafts=[DraftRead.model_validate(d) for d in drafts])


@router.post("/{draft_id}/approve", response_model=DraftRead)
def approve(
    draft_id: RowId, db: SessionDep, admin: CurrentAdmin, settings: SettingsDep
) -> DraftRead:
    """Write the draft to the knowledge base as an article (admins only)."""
    draft = service.approve(db=db, draft_id=draft_id, admin=admin, root=settings.knowledge_dir)
    return DraftRead.model_validate(draft)


@router.post("/{draft_id}/reject", response_model=DraftRead)
def reject(draft_id: RowId, db: SessionDep, admin: CurrentAdmin) -> DraftRead:
    """Turn the draft down (admins only)."""
    return DraftRead.model_validate(service.reject(db=db, draft_id=draft_id, admin=admin))
