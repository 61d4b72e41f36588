"""Conversations and their messages, as the gateway stores them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.database import Base, UTCDateTime, utcnow


class ConversationState(StrEnum):
    BOT = "bot"  # the assistant answers
    HUMAN = "human"  # handed off: messages go to the agent's ticket


class MessageStatus(StrEnum):
    RECEIVED = "received"  # stored, not answered yet
    ANSWERED = "answered"  # the assistant answered it
    NEEDS_FOLLOW_UP = "needs_follow_up"  # the assistant was down; a person follows up
    SENT = "sent"  # an outgoing message that was delivered
    FOR_AGENT = "for_agent"  # written while handed off: goes to the ticket, not the bot


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(2))
    # The language the user asked for in words or picked in the client; sticky.
    chosen_language: Mapped[str | None] = mapped_column(String(2))
    state: Mapped[ConversationState] = mapped_column(String(16), default=ConversationState.BOT)
    # Where replies go on channels that push (Telegram chat id, phone number),
    # sealed: see api/addresses.py. None on the web chat, which polls.
    reply_address: Mapped[str | None] = mapped_column(Text)
    # The choices the assistant offered last (their payloads, in order): on SMS and
    # Telegram they are numbered lines, and the user may answer with the number.
    offered_choices: Mapped[list[str] | None] = mapped_column(JSON)
    # The SHA-256 of the secret the web chat's owner got with the first answer
    # (api/conversations/tokens.py): later calls for this sender must show it.
    token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan"
    )


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # user | bot | agent | system
    # Personal identity numbers, phone numbers and e-mail addresses are masked.
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    language_source: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    intent_confidence: Mapped[float | None]
    # The knowledge topic the assistant answered with, or whether it had no answer.
    topic: Mapped[str | None] = mapped_column(String(64))
    unanswered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The turn decision (bot/turn.py) on a user message, and why, for the agent.
    decision: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[MessageStatus] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The text before masking, sealed with the address key (api/addresses.py),
    # when masking changed it; an agent opens it with an audited click.
    sealed_original: Mapped[str | None] = mapped_column(Text)
    # On an agent's reply: who wrote it (the user sees their name).
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    @property
    def masked(self) -> bool:
        """Whether personal data was masked in `text` (and the original is kept sealed)."""
        return self.sealed_original is not None
