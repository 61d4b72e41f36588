"""Reading what the running stack stored, from the tests' side."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.conversations.models import Message
from api.conversations.service import find_conversation
from api.database import make_engine, session_factory
from tests.conftest import Stack


@pytest.fixture
def db(stack: Stack) -> Iterator[Session]:
    """A session on the stack's database."""
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def fresh(db: Session) -> Session:
    """`db` in a new read transaction, which sees what the API has written since."""
    db.rollback()
    return db


def user_messages(db: Session, channel: str, sender: str) -> int:
    """How many messages the user has written in their conversation on `channel`."""
    conversation = find_conversation(db=fresh(db), channel=channel, sender=sender)
    if conversation is None:
        return 0
    query = select(func.count()).where(
        Message.conversation_id == conversation.id, Message.author == "user"
    )
    return int(db.scalar(query) or 0)
