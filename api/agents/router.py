"""Agent login and logout, and account administration for admins."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.agents import service, throttle
from api.agents.models import Agent, AgentRole
from api.agents.schemas import (
    AgentCreate,
    AgentList,
    AgentRead,
    LoginRequest,
    LoginResponse,
    QueuesUpdate,
)
from api.deps import CurrentAdmin, CurrentAgent, RowId, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])

_bearer = HTTPBearer(auto_error=False)


def _read(agent: Agent, locked: set[str]) -> AgentRead:
    return AgentRead(
        id=agent.id,
        username=agent.username,
        display_name=agent.display_name,
        role=agent.role,
        active=agent.active,
        queues=agent.queues,
        locked=agent.username in locked,
        created_at=agent.created_at,
    )


def _read_one(db: Session, agent: Agent) -> AgentRead:
    return _read(agent, {agent.username} if service.is_locked(db=db, agent=agent) else set())


def _client_address(request: Request) -> str:
    # The peer's address as the server sees it: a header such as X-Forwarded-For is
    # the caller's to write, so it would let anyone pick the address they are counted by.
    return request.client.host if request.client else "unknown"


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, db: SessionDep, settings: SettingsDep
) -> LoginResponse:
    """Log in with user name and password; use the token as `Authorization: Bearer ...`.
    Repeated failures make the next try wait (429, Retry-After) and, for a user name,
    lock it (423) until an admin unlocks it."""
    agent, token = service.login(
        db=db,
        username=body.username,
        password=body.password,
        address=_client_address(request),
        policies=throttle.policies(settings),
        idle=timedelta(minutes=settings.agent_idle_minutes),
    )
    return LoginResponse(
        token=token, display_name=agent.display_name, role=agent.role, queues=agent.queues
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    db: SessionDep,
    agent: CurrentAgent,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """End this session: the token stops working at once."""
    assert credentials is not None  # CurrentAgent has checked it
    service.logout(db=db, token=credentials.credentials)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=AgentRead)
def me(db: SessionDep, agent: CurrentAgent) -> AgentRead:
    """The logged-in account, with its queues."""
    return _read_one(db, agent)


@router.get("", response_model=AgentList)
def list_agents(db: SessionDep, admin: CurrentAdmin) -> AgentList:
    """Every account (admins only)."""
    locked = throttle.locked_names(db=db)
    return AgentList(agents=[_read(a, locked) for a in service.list_agents(db=db)])


@router.post("", response_model=AgentRead, status_code=201)
def create_agent(body: AgentCreate, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """A new account (admins only); 409 if the user name is taken."""
    agent = service.create_agent(
        db=db,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=AgentRole(body.role),
        queues=body.queues,
    )
    return _read_one(db, agent)


@router.put("/{agent_id}/queues", response_model=AgentRead)
def set_queues(
    agent_id: RowId, body: QueuesUpdate, db: SessionDep, admin: CurrentAdmin
) -> AgentRead:
    """Set the queues whose tickets the agent sees and works (admins only)."""
    agent = service.get_agent(db=db, agent_id=agent_id)
    return _read_one(db, service.set_queues(db=db, agent=agent, queues=body.queues))


@router.post("/{agent_id}/unlock", response_model=AgentRead)
def unlock(agent_id: RowId, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """Lift a lockout after too many failed logins (admins only)."""
    agent = service.get_agent(db=db, agent_id=agent_id)
    return _read_one(db, service.unlock(db=db, agent=agent))


@router.post("/{agent_id}/deactivate", response_model=AgentRead)
def deactivate(agent_id: RowId, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """Switch an account off (admins only): it can no longer log in, its tokens stop working."""
    if agent_id == admin.id:
        raise service.NotAllowed("You cannot switch off your own account.")
    return _read_one(db, service.set_active(db=db, agent_id=agent_id, active=False))


@router.post("/{agent_id}/activate", response_model=AgentRead)
def activate(agent_id: RowId, db: SessionDep, admin: CurrentAdmin) -> AgentRead:
    """Switch an account back on (admins only)."""
    return _read_one(db, service.set_active(db=db, agent_id=agent_id, active=True))
