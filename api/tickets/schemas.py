"""Public JSON of tickets, named by role."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.queues.schemas import Texts
from bot.triage.training import QUEUES

# Text without NUL, which PostgreSQL refuses in text columns (422, not a 500).
NO_NUL = r"^[^\x00]*$"

# The channels tickets come from, as stored.
TicketChannel = Literal["web", "telegram", "sms", "voice", "email"]


class TicketSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    queue: str
    priority: int
    status: str
    language: str
    channel: str
    description: str
    subject: str | None  # e-mail cases: the mail's subject
    billable: bool
    created_at: datetime
    due_at: datetime
    escalated_at: datetime | None
    assigned_agent_id: int | None
    title: str = Field(
        description="The mail's subject, else the first line of what the user said (masked)"
    )
    assigned_agent_name: str | None = Field(description="The display name of who has it")


class TicketPage(BaseModel):
    tickets: list[TicketSummary]


class TranscriptLine(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    masked: bool  # personal data was masked; POST .../reveal/{id} shows the original
    author: str
    text: str
    language: str
    created_at: datetime
    # On a user's message: what the assistant decided to do with it, and why.
    decision: str | None = None
    reasons: list[str] | None = None


class AuditLine(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    actor: str
    action: str
    detail: dict[str, Any]
    created_at: datetime


class OrderRead(BaseModel):
    """A structured order: the fields an agent needs to carry it out, and which of
    them the user has not given yet."""

    kind: str
    fields: dict[str, str]
    missing: list[str]


class TicketRead(TicketSummary):
    contact: str | None
    order: OrderRead | None = None
    triage_reasons: list[Texts] = Field(
        description="Why triage chose the queue and priority, in sv, en and fi"
    )
    transcript: list[TranscriptLine]
    events: list[AuditLine]
    earlier_tickets: list[TicketSummary] = Field(
        description="The same contact's other tickets in your queues, newest first (at most 10)"
    )
    actions: list[str] = Field(
        description="What you can do to it now: claim, release, reply, note, transfer, "
        "priority, resolve, undo_resolve, reopen"
    )


class TextBody(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=4000)


class TransferBody(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    queue: str = Field(json_schema_extra={"enum": list(QUEUES)})
    reason: str = Field(
        min_length=1, max_length=1000, pattern=NO_NUL, description="Why; in the audit log"
    )
    release: bool = Field(
        default=False, description="Leave it unclaimed in the new queue (else the claim is kept)"
    )


class PriorityBody(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    priority: int = Field(ge=1, le=5)
    reason: str = Field(min_length=1, max_length=1000)


class RevealRead(BaseModel):
    message_id: int
    text: str


class Suggestion(BaseModel):
    topic: str
    title: str
    text: str  # the article's answer, ready to insert in a reply


class SuggestionPage(BaseModel):
    suggestions: list[Suggestion]
