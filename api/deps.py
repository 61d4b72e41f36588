"""Request-scoped dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.agents.service import AuthenticationFailed, agent_for_token, require_admin
from api.assistant.client import RasaClient
from api.config import Settings

# The largest id a database row can have (a signed 64-bit integer): a larger one in
# a path is refused with 422 before any query, instead of overflowing in the driver.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A row's id")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_assistant(request: Request) -> RasaClient:
    assistant: RasaClient = request.app.state.assistant
    return assistant


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
AssistantDep = Annotated[RasaClient, Depends(get_assistant)]


_bearer = HTTPBearer(auto_error=False)


def get_current_agent(
    db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Agent:
    """The agent whose bearer token came with the request (401 otherwise)."""
    if credentials is None:
        raise AuthenticationFailed
    return agent_for_token(db=db, token=credentials.credentials)


CurrentAgent = Annotated[Agent, Depends(get_current_agent)]


def get_current_admin(agent: CurrentAgent) -> Agent:
    """The logged-in agent, if they have the admin role (403 otherwise)."""
    return require_admin(agent)


CurrentAdmin = Annotated[Agent, Depends(get_current_admin)]
