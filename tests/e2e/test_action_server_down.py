"""If the action server dies, users still get an answer and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from api.conversations.models import Message, MessageStatus
from api.conversations.service import find_conversation
from api.database import make_engine, session_factory
from tests.conftest import Stack, unique

pytestmark = pytest.mark.e2e


@pytest.fixture
def actions_stopped(stack: Stack) -> Iterator[Stack]:
    """The stack with its action server stopped; restarted afterwards."""
    actions = stack.services["actions"]
    actions.stop()
    try:
        yield stack
    finally:
        actions.start()
        actions.wait_ready()


def test_messages_are_kept_when_the_action_server_is_down(actions_stopped: Stack) -> None:
    stack = actions_stopped
    sender = unique("e2e-down")
    body = stack.chat(sender, "en pääse kirjautumaan, auttakaa", language="fi").json()
    assert body["assistant_available"] is False
    assert body["language"] == "fi"
    assert "support.viol3@biometria.se" in body["messages"][0]["text"]
    assert httpx.get(f"{stack.api}/health", timeout=10).json()["action_server"]["status"] == "down"

    engine = make_engine(stack.database_url)
    with session_factory(engine)() as db:
        conversation = find_conversation(db=db, channel="web", sender=sender)
        assert conversation is not None
        stored = db.scalars(
            select(Message).where(
                Message.conversation_id == conversation.id,
                Message.text == "en pääse kirjautumaan, auttakaa",
            )
        ).one()
        assert stored.status == MessageStatus.NEEDS_FOLLOW_UP
    engine.dispose()
