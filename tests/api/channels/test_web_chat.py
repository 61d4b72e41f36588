"""The web chat is the web channel only, and a conversation belongs to whoever
started it: the attacks of issue 12, each refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.conversations.models import Conversation, Message
from api.main import create_app
from tests.web_chat import TOKEN_HEADER, WebChat

CHAT = "/api/v1/chat"
MESSAGES = "/api/v1/chat/messages"


def _stored(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Message)) or 0


def test_the_first_answer_gives_a_token_and_later_calls_need_it(
    web: WebChat, client: TestClient, db: Session
) -> None:
    first = web.send("owner-1", "hej, jag kommer inte in")
    token = first.json()["conversation_token"]
    assert isinstance(token, str) and len(token) >= 32
    again = web.send("owner-1", "hallå?")
    assert again.status_code == 200 and again.json()["conversation_token"] is None  # once only
    assert web.poll("owner-1").status_code == 200


@pytest.mark.parametrize(
    ("headers", "language", "words"),
    [
        ({}, "sv", "konversation"),
        ({TOKEN_HEADER: "guessed"}, "sv", "konversation"),
        ({}, "en", "conversation"),
        ({}, "fi", "keskustelu"),
    ],
)
def test_someone_else_cannot_write_into_a_conversation(
    web: WebChat,
    client: TestClient,
    db: Session,
    headers: dict[str, str],
    language: str,
    words: str,
) -> None:
    web.send("victim-1", "jag vill prata med en människa")
    before = _stored(db)
    texts = {"sv": "jag är också här", "en": "I am here too", "fi": "olen myös täällä"}
    body = {"sender": "victim-1", "message": texts[language], "channel": "web"}
    refused = client.post(CHAT, json=body, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "conversation_token"
    assert words in refused.json()["detail"].lower()
    assert _stored(db) == before  # nothing written into the victim's conversation


@pytest.mark.parametrize("headers", [{}, {TOKEN_HEADER: "guessed"}])
def test_someone_else_cannot_read_an_agents_replies(
    web: WebChat, client: TestClient, headers: dict[str, str]
) -> None:
    web.send("victim-2", "hej")
    refused = client.get(MESSAGES, params={"sender": "victim-2"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "conversation_token"
    assert "messages" not in refused.json()


def test_polling_a_sender_nobody_started_is_refused_like_any_other(client: TestClient) -> None:
    # The same answer as for someone else's conversation: it does not tell which exist.
    refused = client.get(MESSAGES, params={"sender": "nobody-yet"})
    assert refused.status_code == 403


@pytest.mark.parametrize("channel", ["sms", "voice", "telegram"])
def test_the_web_chat_cannot_reach_another_channels_conversation(
    client: TestClient, db: Session, channel: str
) -> None:
    body = {"sender": "+46701234567", "message": "hej", "channel": channel}
    refused = client.post(CHAT, json=body)
    assert refused.status_code == 422
    assert db.scalar(select(func.count()).select_from(Conversation)) == 0
    assert (
        client.get(MESSAGES, params={"sender": "+46701234567", "channel": channel}).status_code
        == 422
    )


def test_the_widget_may_send_the_token_from_another_origin(client: TestClient) -> None:
    preflight = client.options(
        CHAT,
        headers={
            "Origin": "https://kund.example.se",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-conversation-token",
        },
    )
    assert preflight.status_code == 200
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "x-conversation-token" in allowed


def test_over_the_rate_limit_the_chat_says_when_to_try_again(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_chat_per_sender": "2/minute"})
    with TestClient(create_app(limited)) as client:
        web = WebChat(client)
        assert web.send("eager-1", "hej").status_code == 200
        assert web.send("eager-1", "hallå").status_code == 200
        refused = web.send("eager-1", "är det någon där?")
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert web.send("someone-else", "hej").status_code == 200  # per sender


def test_in_production_only_the_configured_origins_may_call(settings: Settings) -> None:
    named = settings.model_copy(update={"widget_origins": ["https://driver.example"]})
    with TestClient(create_app(named)) as client:
        body = {"sender": "o-1", "message": "hej", "channel": "web"}
        allowed = client.post(CHAT, json=body, headers={"Origin": "https://driver.example"})
        other = client.post(CHAT, json=body, headers={"Origin": "https://evil.example"})
    assert allowed.headers.get("access-control-allow-origin") == "https://driver.example"
    assert "access-control-allow-origin" not in other.headers
