"""Customer feedback: the question after a resolve, and its answer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Message
from api.conversations.schemas import ChatResponse


def take_answer(db: Session, conversation: Conversation, message: Message) -> ChatResponse | None:
    """If `message` answers a feedback question the conversation was asked, record it
    and return the thanks; None when it is not an answer (the turn goes on as usual)."""
    return None
