"""Public JSON of the chat endpoint; field names are the spec's."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.language import Lang

# Every channel a conversation can be on (triage weighs it).
Channel = Literal["web", "telegram", "sms", "voice"]


class ChatRequest(BaseModel):
    """One message from a user."""

    model_config = ConfigDict(str_strip_whitespace=True)

    sender: str = Field(min_length=1, max_length=128, description="The user's id in the channel")
    # The length limit is checked in the service, so the error can name it.
    message: str = Field(description="What the user wrote")
    channel: Literal["web"] = Field(
        default="web",
        description="Always web: Telegram, SMS and phone come in through their own webhooks",
    )
    language: Lang | None = Field(default=None, description="The user's chosen language, if any")

    @field_validator("sender")
    @classmethod
    def _printable_sender(cls, value: str) -> str:
        if not value.isprintable():
            raise ValueError("sender must be printable text")
        return value


class Button(BaseModel):
    title: str
    payload: str = Field(description="Send this as the next message to choose it")


class BotMessage(BaseModel):
    text: str
    buttons: list[Button] = Field(default_factory=list)

    def as_plain_text(self, gap: str = "\n\n") -> str:
        """The text with its choices as numbered lines (channels without buttons): the
        user answers with the number, or types the choice."""
        if not self.buttons:
            return self.text
        lines = (f"{i}. {b.title}" for i, b in enumerate(self.buttons, start=1))
        return self.text + gap + "\n".join(lines)


class Handoff(BaseModel):
    ticket_id: str
    queue: str
    priority: int


class ChatResponse(BaseModel):
    """What the assistant answers to one message."""

    sender: str
    language: Lang
    messages: list[BotMessage]
    topic: str | None = None
    handoff: Handoff | None = None
    # Extra fields (the spec welcomes them): what the assistant understood.
    intent: str | None = None
    language_source: str | None = None
    assistant_available: bool = True
    # The turn decision (answer, clarify, no_answer, handoff, small_talk, language)
    # and its reasons: the intent, the search, triage, the conversation's state.
    decision: str | None = None
    reasons: list[str] = Field(default_factory=list)
    # Only in the first answer of a web conversation: the secret every later call
    # for this sender must send back in X-Conversation-Token.
    conversation_token: str | None = None


class ConversationMessage(BaseModel):
    """A message of the conversation as its user sees it (an agent's reply, for instance)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str = Field(
        description="user, bot, system (the gateway's own answer), agent, notice or "
        "feedback (the question how it went, api/feedback)"
    )
    text: str
    language: str
    created_at: datetime
    agent_name: str | None = Field(
        default=None,
        description="The display name of the agent who wrote it (agent replies only; "
        "none when it cannot be told, and the chat then names the role)",
    )
    buttons: list[Button] = Field(
        default_factory=list,
        description="Choices to offer, each sent as the next message (the feedback question's 1-5)",
    )


class MessagePage(BaseModel):
    messages: list[ConversationMessage]
