"""Agents (the people who answer tickets), their queues, login tokens and failed logins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.database import Base, UTCDateTime, utcnow


class AgentRole(StrEnum):
    AGENT = "agent"  # sees and works the tickets of their queues
    ADMIN = "admin"  # sees every queue, and manages the accounts


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[AgentRole] = mapped_column(String(16), default=AgentRole.AGENT)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Deactivated, not deleted: the audit log keeps pointing at the account.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[AgentQueue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AgentQueue.queue"
    )

    @property
    def queues(self) -> list[str]:
        """The queues the agent is a member of, by name (an admin sees every queue,
        member or not)."""
        return sorted(m.queue for m in self.memberships)

    def sees(self, queue: str) -> bool:
        """Whether the agent may see and work the tickets of `queue`."""
        return self.role == AgentRole.ADMIN or queue in self.queues


class AgentQueue(Base):
    """An agent's membership of a queue."""

    __tablename__ = "agent_queues"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    queue: Mapped[str] = mapped_column(String(16), primary_key=True)


class AgentToken(Base):
    """A login session: only the token's hash is stored."""

    __tablename__ = "agent_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The session ends after `idle_seconds` without a request (the setting at login).
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idle_seconds: Mapped[int]


class ThrottleKind(StrEnum):
    ACCOUNT = "account"  # a user name as typed at login (existing or not)
    ADDRESS = "address"  # the client's IP address


class LoginThrottle(Base):
    """Failed logins of one user name or one client address, and what they led to: a
    wait before the next try, or (user names only) a lockout until an admin lifts it.
    In the database, so every API process sees the same counts."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ThrottleKind] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(256))
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
