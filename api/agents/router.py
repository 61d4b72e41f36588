"""Agent login, and account administration for admins."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.agents import service
from api.agents.models import Agent, AgentRole
from api.agents.schemas import AgentCreate, AgentList, AgentRead, LoginRequest, LoginResponse
from api.deps import CurrentAdmin, RowId, SessionDep

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])


@router.post("/login", response_model=LoginResponse)
def login(request: LoginRequest, db: SessionDep) -> LoginResponse:
    """Log in with user name and password; use the token as `Authorization: Bearer ...`."""
    token = service.login(db=db, username=request.username, password=request.password)
    agent = db.scalars(select(Agent).where(Agent.username == request.username)).one()
    return LoginResponse(token=token, display_name=agent.display_name, role=agent.role)


@router.get("", response_model=AgentList)
def list_agents(db: SessionDep, admin: CurrentAdmin) -> AgentList:
    """Every account (admins only)."""
    return AgentList(agents=[AgentRead.model_validate(a) for a in service.list_agents(db=db)])


@router.post("", response_model=AgentRead, status_code=201)
def create_agent(body: AgentCreate, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """A new account (admins only); 409 if the user name is taken."""
    agent = service.create_agent(
        db=db,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=AgentRole(body.role),
    )
    return AgentRead.model_validate(agent)


@router.post("/{agent_id}/deactivate", response_model=AgentRead)
def deactivate(agent_id: RowId, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """Switch an account off (admins only): it can no longer log in, its tokens stop working."""
    if agent_id == admin.id:
        raise service.NotAllowed
    return AgentRead.model_validate(service.set_active(db=db, agent_id=agent_id, active=False))


@router.post("/{agent_id}/activate", response_model=AgentRead)
def activate(agent_id: RowId, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """Switch an account back on (admins only)."""
    return AgentRead.model_validate(service.set_active(db=db, agent_id=agent_id, active=True))
