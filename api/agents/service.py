"""Agent accounts: hashed passwords, login (throttled) and sessions, roles, queues."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.agents import throttle
from api.agents.models import Agent, AgentQueue, AgentRole, AgentToken, ThrottleKind
from api.database import utcnow
from api.errors import DomainError
from api.queues.service import known_queues

TOKEN_LIFETIME = timedelta(hours=12)  # at the latest, however busy the session
# A session's last use is written at most this often: not one write per request.
TOUCH_EVERY = timedelta(minutes=1)

# What an unknown user name's password is checked against: the hash of a password
# thrown away, with the same scrypt cost as a real one. Checking it takes as long
# as checking an agent's, so the answer's timing does not tell whether a name exists.
NO_SUCH_AGENT_HASH = (
    "09ae5925b74d821a90332f0f8eb7cab7$740ab9b6320e67bdf855ca857d90fdf08489a0f560f9782fb95516ffc"
    "3971f95d3387da15d5dbeec9be0e5fba5e688e94c04209d4441084957b08f4e0bbfed1b"
)


class AuthenticationFailed(DomainError):
    """Wrong user name, password or token, or an expired session."""

    status_code = 401
    code = "not_authenticated"
    message = "Log in first: wrong or expired credentials."

    def __init__(
        self,
        detail: str | None = None,
        *,
        language: str | None = None,
        headers: dict[str, str] | None = None,
        **params: object,
    ) -> None:
        bearer = {"WWW-Authenticate": "Bearer", **(headers or {})}
        super().__init__(detail, language=language, headers=bearer, **params)


class NotAllowed(DomainError):
    """Logged in, but the role does not allow it."""

    status_code = 403
    code = "not_allowed"
    message = "Your role does not allow this."


class AgentExists(DomainError):
    """The user name is taken."""

    status_code = 409
    code = "agent_exists"
    message = "That user name is taken."


class AgentNotFound(DomainError):
    """No agent with that id (or user name)."""

    status_code = 404
    code = "agent_not_found"
    message = "No such agent."


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
    *,
    db: Session,
    username: str,
    display_name: str,
    password: str,
    role: AgentRole,
    queues: Iterable[str] = (),
) -> Agent:
    """A new account, a member of `queues` (none: an agent sees no tickets until an
    admin adds some). The password rule is the callers' (api/agents/rules.py)."""
    members = known_queues(queues)
    if find_agent(db=db, username=username):
        raise AgentExists
    agent = Agent(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
        memberships=[AgentQueue(queue=q) for q in members],
    )
    db.add(agent)
    db.commit()
    return agent


def find_agent(*, db: Session, username: str) -> Agent | None:
    return db.scalars(select(Agent).where(Agent.username == username)).first()


def login(
    *,
    db: Session,
    username: str,
    password: str,
    address: str,
    policies: throttle.Policies,
    idle: timedelta,
    now: datetime | None = None,
) -> tuple[Agent, str]:
    """The agent and a new token, or AuthenticationFailed; LoginThrottled (429) or
    AccountLocked (423) before any password is checked, after too many failures."""
    now = now or utcnow()
    subjects = {ThrottleKind.ACCOUNT: username, ThrottleKind.ADDRESS: address}
    throttle.begin_attempt(db=db, subjects=subjects, policies=policies, now=now)
    agent = find_agent(db=db, username=username)
    matches = password_matches(password, agent.password_hash if agent else NO_SUCH_AGENT_HASH)
    if agent is None or not matches or not agent.active:
        raise AuthenticationFailed
    throttle.succeeded(db=db, subjects=subjects, policies=policies)
    return agent, _new_token(db, agent, idle, now)


def _new_token(db: Session, agent: Agent, idle: timedelta, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    db.add(
        AgentToken(
            agent_id=agent.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
            last_used_at=now,
            idle_seconds=int(idle.total_seconds()),
        )
    )
    db.commit()
    return token


def agent_for_token(*, db: Session, token: str, now: datetime | None = None) -> Agent:
    """The agent a valid session belongs to, or AuthenticationFailed: the token is
    unknown, revoked, past its lifetime or idle for too long, or the account is off."""
    now = now or utcnow()
    row = db.scalars(select(AgentToken).where(AgentToken.token_hash == _digest(token))).first()
    if row is None:
        raise AuthenticationFailed
    if row.expires_at <= now or now - row.last_used_at >= timedelta(seconds=row.idle_seconds):
        db.delete(row)  # ended for good: nothing to keep
        db.commit()
        raise AuthenticationFailed
    agent = db.get(Agent, row.agent_id)
    if agent is None or not agent.active:
        raise AuthenticationFailed
    if now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        db.commit()
    return agent


def logout(*, db: Session, token: str) -> None:
    """End the session of `token` (its other sessions stay)."""
    db.execute(delete(AgentToken).where(AgentToken.token_hash == _digest(token)))
    db.commit()


def require_admin(agent: Agent) -> Agent:
    if agent.role != AgentRole.ADMIN:
        raise NotAllowed
    return agent


def list_agents(*, db: Session) -> list[Agent]:
    return list(db.scalars(select(Agent).order_by(Agent.username)))


def get_agent(*, db: Session, agent_id: int) -> Agent:
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise AgentNotFound
    return agent


def set_active(*, db: Session, agent_id: int, active: bool) -> Agent:
    """Switch an account on or off; switching it off ends its sessions at once."""
    agent = get_agent(db=db, agent_id=agent_id)
    agent.active = active
    if not active:
        db.execute(delete(AgentToken).where(AgentToken.agent_id == agent_id))
    db.commit()
    return agent


def set_queues(*, db: Session, agent: Agent, queues: Iterable[str]) -> Agent:
    """Make the agent a member of exactly `queues` (empty: they see no tickets)."""
    wanted = known_queues(queues)
    kept = [m for m in agent.memberships if m.queue in wanted]
    have = {m.queue for m in kept}
    agent.memberships = kept + [AgentQueue(queue=q) for q in wanted if q not in have]
    db.commit()
    db.refresh(agent)
    return agent


def unlock(*, db: Session, agent: Agent) -> Agent:
    """Lift the agent's login lockout and forget their failed logins."""
    throttle.unlock(db=db, username=agent.username)
    return agent


def is_locked(*, db: Session, agent: Agent) -> bool:
    return agent.username in throttle.locked_names(db=db)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
