"""Public JSON of saved replies and of who has a ticket open, named by role."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.tickets.schemas import NO_NUL
from bot.language import Lang
from bot.triage.training import QUEUES

# A filled reply must still fit a reply (4000 characters): the text as written
# leaves room for what its placeholders become.
MAX_TEXT_CHARS = 3000


class SavedReplyWrite(BaseModel):
    """A saved reply as an admin writes it (POST creates one, PUT replaces all of it)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    queue: str = Field(json_schema_extra={"enum": list(QUEUES)})
    language: Lang
    title: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        pattern=NO_NUL,
        description="The reply as the user reads it, with placeholders such as {case}",
    )


class SavedReplyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    queue: str
    language: str
    title: str
    text: str = Field(description="As written, placeholders unfilled")
    created_at: datetime
    updated_at: datetime


class Placeholder(BaseModel):
    name: str = Field(description="Written in braces in a reply's text: {case}")


class SavedReplyPage(BaseModel):
    replies: list[SavedReplyRead]
    placeholders: list[Placeholder] = Field(description="Every placeholder a text may use")


class FilledReply(BaseModel):
    reply_id: int
    ticket_id: int
    text: str = Field(description="The reply with its placeholders filled for the ticket")


class PresenceBody(BaseModel):
    typing: bool = Field(
        default=False, description="You are writing in the ticket's reply or note box"
    )


class PresentAgent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agent_id: int
    display_name: str
    typing: bool
    since: datetime = Field(description="When they opened the ticket")
    seen_at: datetime = Field(description="Their console's last heartbeat")


class PresencePage(BaseModel):
    agents: list[PresentAgent] = Field(description="The other agents with the ticket open now")
    heartbeat_seconds: float = Field(
        description="Send a heartbeat at least this often while the ticket is open"
    )
