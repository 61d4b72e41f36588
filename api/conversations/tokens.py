"""A web conversation belongs to whoever started it.

The first answer in a web conversation carries a secret, the conversation
token; only its SHA-256 is stored. Every later call for that sender must show
the token (header X-Conversation-Token), so knowing or guessing a sender id
is not enough to read an agent's replies or to write into someone's case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.errors import DomainError

HEADER = "X-Conversation-Token"


class ConversationForbidden(DomainError):
    """A call for an existing web conversation without its token."""

    status_code = 403
    code = "conversation_token"
    message = "This conversation belongs to someone else: its conversation token is missing."
    reply_key = "error_conversation_token"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def holds_token(conversation: Conversation, token: str | None) -> bool:
    """Whether `token` is the conversation's (one set at its first answer)."""
    if conversation.token_hash is None or not token:
        return False
    return hmac.compare_digest(_digest(token), conversation.token_hash)


def issue_token(*, db: Session, conversation: Conversation) -> str | None:
    """A new token for a conversation that has none yet, or None if another request
    gave it one first (the same sender's first two messages raced)."""
    token = secrets.token_urlsafe(32)
    claimed = db.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.token_hash.is_(None))
        .values(token_hash=_digest(token))
    )
    db.commit()
    db.refresh(conversation)
    return token if claimed.rowcount == 1 else None  # type: ignore[attr-defined]
