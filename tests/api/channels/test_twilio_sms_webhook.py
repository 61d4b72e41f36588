"""The SMS webhook in-process, with requests signed as Twilio signs them.

Rasa is not running here (see tests/api/conftest.py), so every answer is the
gateway's own "the assistant is unavailable" text: long enough to need two
SMS parts, which is what the paging tests want. Conversations with the real
assistant are in tests/e2e/test_sms.py.
"""

from __future__ import annotations

from itertools import count
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.conversations.models import Conversation, Message
from api.main import create_app
from api.outbox.models import OutboxMessage
from bot.channels.sms import segments
from bot.replies import reply
from tests.api.channels.twilio_signing import signed, sms_params, with_twilio

PATH = "/api/v1/channels/twilio/sms"
URL = f"http://testserver{PATH}"  # TestClient's host is the public URL here
LIMIT = 4

_sids = count(1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_twilio(settings, sms_per_number_per_hour=LIMIT)


def sms(client: TestClient, number: str, body: str, sid: str | None = None) -> list[str]:
    """Send an SMS as Twilio would; the texts of the TwiML <Message>s answered."""
    params = sms_params(number, body, sid or f"SM{next(_sids):032x}")
    response = client.post(PATH, data=params, headers=signed(URL, params))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response"
    return [m.text or "" for m in root.iter("Message")]


def test_requests_not_signed_by_twilio_are_refused(client: TestClient) -> None:
    params = sms_params("+46701111111", "hej", "SM" + "1" * 32)
    assert client.post(PATH, data=params).status_code == 403
    forged = signed(URL, params, token="not-the-auth-token")
    assert client.post(PATH, data=params, headers=forged).status_code == 403
    changed = {**params, "Body": "something else"}  # signed, then altered on the way
    assert client.post(PATH, data=changed, headers=signed(URL, params)).status_code == 403


def test_without_twilio_credentials_the_webhook_refuses_everything(database_url: str) -> None:
    unconfigured = Settings(environment="test", database_url=database_url)
    params = sms_params("+46701111111", "hej", "SM" + "2" * 32)
    with TestClient(create_app(unconfigured)) as client:
        response = client.post(PATH, data=params, headers=signed(URL, params))
    assert response.status_code == 403


def test_the_answer_is_at_most_three_sms_in_the_language_of_the_country_code(
    client: TestClient,
) -> None:
    [swedish] = sms(client, "+46701111112", "?")
    [finnish] = sms(client, "+358401111112", "?")
    assert swedish.startswith("Förlåt, assistenten") and finnish.startswith("Valitettavasti")
    for text in (swedish, finnish):
        assert segments(text)[1] <= 3
        assert "**" not in text
    # What the user writes wins over the country code.
    [from_finland] = sms(client, "+358401111118", "hur loggar jag in i Chaufförsklienten")
    assert from_finland.startswith("Förlåt, assistenten")


def test_mer_gets_the_rest_of_a_long_answer(client: TestClient) -> None:
    number = "+46701111113"
    [first] = sms(client, number, "hej")
    assert first.endswith("Svara MER så skickar jag resten.")
    [rest] = sms(client, number, "MER")
    whole = reply("assistant_unavailable", "sv")
    assert rest.startswith("Brådskar det") and whole.endswith(rest)
    assert "support.viol3@biometria.se" in rest  # addresses and links are never cut
    # Nothing left of that answer: "mer" is a message like any other.
    [again] = sms(client, number, "mer")
    assert again == first


def test_a_redelivered_message_is_answered_once(client: TestClient, db: Session) -> None:
    sid = "SM" + "3" * 32
    assert sms(client, "+46701111114", "hej", sid) != []
    stored = db.scalar(select(func.count()).select_from(Message))
    assert sms(client, "+46701111114", "hej", sid) == []
    assert db.scalar(select(func.count()).select_from(Message)) == stored


def test_a_number_over_its_hourly_limit_gets_no_more_sms(client: TestClient, db: Session) -> None:
    number = "+46701111115"
    for _ in range(LIMIT):
        assert sms(client, number, "hej") != []
    assert sms(client, number, "hallå?") == []
    # The message is kept all the same (for the agents), and other numbers are answered.
    said = db.scalars(select(Message.text).where(Message.author == "user")).all()
    assert "hallå?" in said
    assert sms(client, "+46701111116", "hej") != []


def test_the_number_is_kept_only_as_a_pseudonym_and_sealed(client: TestClient, db: Session) -> None:
    number = "+46701111117"
    sms(client, number, "hej")
    conversation = db.scalars(select(Conversation).where(Conversation.channel == "sms")).first()
    assert conversation is not None and conversation.sender.startswith("sms:")
    rows = db.scalars(select(OutboxMessage)).all()
    stored = [conversation.sender, conversation.reply_address or ""]
    stored += [r.recipient + r.address for r in rows]
    assert not any("701111117" in value for value in stored)


def test_over_the_rate_limit_an_sms_is_refused_with_429_and_kept(
    settings: Settings, database_url: str
) -> None:
    limited = settings.model_copy(update={"rate_limit_webhook_per_sender": "2/minute"})
    number = "+46701112233"
    with TestClient(create_app(limited)) as client:
        for body in ("hej", "hallå"):
            sms(client, number, body)
        params = sms_params(number, "är ni där?", f"SM{next(_sids):032x}")
        refused = client.post(PATH, data=params, headers=signed(URL, params))
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        # Twilio may not deliver it again: the message is kept for a person.
        with client.app.state.session_factory() as db:  # type: ignore[attr-defined]
            kept = db.scalars(select(Message).where(Message.text == "är ni där?")).one()
            assert kept.status == "needs_follow_up"
