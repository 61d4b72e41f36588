"""POST /api/v1/agents/login."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.agents import service
from api.agents.models import Agent
from api.agents.schemas import LoginRequest, LoginResponse
from api.deps import SessionDep

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])


@router.post("/login", response_model=LoginResponse)
def login(request: LoginRequest, db: SessionDep) -> LoginResponse:
    """Log in with user name and password; use the token as `Authorization: Bearer ...`."""
    token = service.login(db=db, username=request.username, password=request.password)
    agent = db.scalars(select(Agent).where(Agent.username == request.username)).one()
    return LoginResponse(token=token, display_name=agent.display_name, role=agent.role)
