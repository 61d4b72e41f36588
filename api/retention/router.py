"""The HTTP endpoints of api/retention: the periods in force, the job's runs, and
erasure requests. Admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.addresses import address_secret
from api.deps import AssistantDep, CurrentAdmin, SessionDep, SettingsDep
from api.retention import service
from api.retention.schemas import (
    ErasureCreate,
    ErasurePage,
    ErasureRead,
    PeriodRead,
    PolicyRead,
    RunPage,
    RunRead,
)

router = APIRouter(prefix="/api/v1/retention", tags=["retention"])

Limit = Annotated[int, Query(ge=1, le=100, description="At most this many, newest first")]


@router.get("/policy", response_model=PolicyRead)
def policy(settings: SettingsDep, admin: CurrentAdmin) -> PolicyRead:
    """The retention periods in force (admin only)."""
    return PolicyRead(
        periods=[PeriodRead(**vars(p)) for p in service.periods(settings)],
        batch_size=settings.retention_batch_size,
        every_hours=settings.retention_every_hours,
    )


@router.get("/runs", response_model=RunPage)
def list_runs(db: SessionDep, admin: CurrentAdmin, limit: Limit = 20) -> RunPage:
    """The latest runs of the retention job with what each did (admin only)."""
    return RunPage(runs=[RunRead.model_validate(r) for r in service.runs(db=db, limit=limit)])


@router.post("/runs", response_model=RunRead)
def run_now(
    db: SessionDep, settings: SettingsDep, assistant: AssistantDep, admin: CurrentAdmin
) -> RunRead:
    """Run the retention job now and return its report (admin only; 409 while a run
    is under way)."""
    run = service.run_now(
        db=db, settings=settings, assistant=assistant, requested_by=admin.username
    )
    assert run is not None  # only a scheduled run is skipped
    return RunRead.model_validate(run)


@router.get("/erasures", response_model=ErasurePage)
def list_erasures(db: SessionDep, admin: CurrentAdmin, limit: Limit = 50) -> ErasurePage:
    """The latest erasure records (admin only)."""
    found = service.erasures(db=db, limit=limit)
    return ErasurePage(erasures=[ErasureRead.model_validate(e) for e in found])


@router.post("/erasures", response_model=ErasureRead, status_code=status.HTTP_201_CREATED)
def erase(
    body: ErasureCreate,
    db: SessionDep,
    settings: SettingsDep,
    assistant: AssistantDep,
    admin: CurrentAdmin,
) -> ErasureRead:
    """Erase one person's data, found by phone number, e-mail address or conversation
    id (admin only; 404 for no such conversation, 422 for a malformed number or
    address). The record says what kinds went and how many, never the identifier."""
    who = service.Identifier(
        phone=body.phone, email=body.email, conversation_id=body.conversation_id
    )
    record = service.erase(
        db=db,
        settings=settings,
        secret=address_secret(settings),
        assistant=assistant,
        who=who,
        admin=admin,
    )
    return ErasureRead.model_validate(record)
