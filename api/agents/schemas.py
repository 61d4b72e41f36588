"""Public JSON of agent login and account administration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from api.agents.models import AgentRole
from api.agents.rules import PASSWORD_MAX_CHARS, membership_problem, password_problem
from bot.triage.training import QUEUES

# Names are trimmed; passwords never are: a space is part of what the agent types.
Trimmed = Annotated[str, StringConstraints(strip_whitespace=True)]
QueueId = Annotated[str, Field(json_schema_extra={"enum": list(QUEUES)})]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_CHARS)


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"
    display_name: str
    role: str
    queues: list[str]  # the agent's queues, whose tickets they see (an admin sees all)


class AgentCreate(BaseModel):
    """A new account. `password`: 12-256 characters, not containing the user name (the
    CLI's rule too); `queues`: at least one for an agent, whose tickets they work."""

    username: Trimmed = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    display_name: Trimmed = Field(min_length=1, max_length=128)
    password: str = Field(max_length=PASSWORD_MAX_CHARS)
    role: Literal["agent", "admin"] = "agent"
    queues: list[QueueId]

    @model_validator(mode="after")
    def _account_rules(self) -> AgentCreate:
        problem = password_problem(self.password, self.username) or membership_problem(
            AgentRole(self.role), self.queues
        )
        if problem:
            raise ValueError(problem)
        return self


class QueuesUpdate(BaseModel):
    """The queues an agent is to be a member of, all of them (empty: none)."""

    queues: list[QueueId]


class AgentRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    queues: list[str]
    locked: bool  # by too many failed logins, until an admin unlocks the account
    created_at: datetime


class AgentList(BaseModel):
    agents: list[AgentRead]
