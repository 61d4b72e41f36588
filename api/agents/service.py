"""Agent accounts: hashed passwords, login tokens, roles."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole, AgentToken
from api.database import utcnow

TOKEN_LIFETIME = timedelta(hours=12)


class AuthenticationFailed(Exception):
    """Wrong user name, password or token; mapped to 401 in api/exceptions.py."""


class NotAllowed(Exception):
    """Logged in, but the role does not allow it; mapped to 403."""


class AgentExists(Exception):
    """The user name is taken; mapped to 409."""


class AgentNotFound(Exception):
    """No agent with that id; mapped to 404."""


def hash_password(password: str) -> str:
    """A salted scrypt hash, stored as salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    salt, digest = stored.split("$", 1)
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    return hmac.compare_digest(candidate.hex(), digest)


def create_agent(
    *, db: Session, username: str, display_name: str, password: str, role: AgentRole
) -> Agent:
    if db.scalars(select(Agent).where(Agent.username == username)).first():
        raise AgentExists(username)
    agent = Agent(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
    )
    db.add(agent)
    db.commit()
    return agent


def login(*, db: Session, username: str, password: str, now: datetime | None = None) -> str:
    """A new token for the agent, or AuthenticationFailed."""
    agent = db.scalars(select(Agent).where(Agent.username == username)).first()
    if agent is None or not password_matches(password, agent.password_hash) or not agent.active:
        raise AuthenticationFailed
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    db.add(
        AgentToken(
            agent_id=agent.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    db.commit()
    return token


def agent_for_token(*, db: Session, token: str, now: datetime | None = None) -> Agent:
    """The agent a valid, unexpired token belongs to, or AuthenticationFailed."""
    row = db.scalars(select(AgentToken).where(AgentToken.token_hash == _digest(token))).first()
    if row is None or row.expires_at <= (now or utcnow()):
        raise AuthenticationFailed
    agent = db.get(Agent, row.agent_id)
    if agent is None or not agent.active:
        raise AuthenticationFailed
    return agent


def require_admin(agent: Agent) -> Agent:
    if agent.role != AgentRole.ADMIN:
        raise NotAllowed
    return agent


def list_agents(*, db: Session) -> list[Agent]:
    return list(db.scalars(select(Agent).order_by(Agent.username)))


def set_active(*, db: Session, agent_id: int, active: bool) -> Agent:
    """Switch an account on or off; switching it off ends its sessions at once."""
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise AgentNotFound(agent_id)
    agent.active = active
    if not active:
        db.execute(delete(AgentToken).where(AgentToken.agent_id == agent_id))
    db.commit()
    return agent


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
