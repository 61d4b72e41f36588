"""The operating message comes before the assistant's answer on every channel, to
everyone whose message concerns an affected area, once per version.

Rasa is not running here (tests/api/conftest.py): the assistant's answer is the
gateway's "the assistant is unavailable" text, and which area a message concerns
is read from the user's own words (or the hand-off, for e-mail)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import count
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Chat, Update, User
from telegram import Message as TelegramMessage

from api.channels.email import answer_mail
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.mail.parse import IncomingMail
from api.outbox.models import OutboxMessage
from bot.replies import reply
from tests.api.channels.twilio_signing import signed, sms_params, with_twilio
from tests.api.incidents.helpers import LOGIN_TROUBLE, admin_login, publish
from tests.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN
from tests.web_chat import WebChat

LOGIN_SV = "Jag kan inte logga in i chaufförsklienten"
NOTICE_SV = "Driftstörning: " + LOGIN_TROUBLE["sv"]["title"]
_ids = count(random.randrange(10**6, 9 * 10**6))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_twilio(
        settings,
        telegram_bot_token=SecretStr(TELEGRAM_TOKEN),
        telegram_secret_token=SecretStr(TELEGRAM_SECRET),
    )


def texts(response: object) -> list[str]:
    return [m["text"] for m in response.json()["messages"]]  # type: ignore[attr-defined]


def test_the_notice_comes_before_the_answer_in_the_users_language(
    client: TestClient, db: Session, web: WebChat
) -> None:
    publish(client, admin_login(client, db), areas=("driver",))
    said = texts(web.send("anna", LOGIN_SV))
    assert said[0].startswith(NOTICE_SV)
    assert LOGIN_TROUBLE["sv"]["text"] in said[0]
    assert said[1] == reply("assistant_unavailable", "sv")  # the answer itself, after it

    finnish = texts(web.send("aino", "En pääse kirjautumaan kuljettajasovellukseen"))
    assert finnish[0].startswith("Käyttöhäiriö: " + LOGIN_TROUBLE["fi"]["title"])
    assert finnish[1] == reply("assistant_unavailable", "fi")


def test_the_notice_is_kept_in_the_conversation_before_the_answer(
    client: TestClient, db: Session, web: WebChat
) -> None:
    publish(client, admin_login(client, db))
    web.send("anna", LOGIN_SV)
    history = client.get(
        "/api/v1/chat/messages",
        params={"sender": "anna", "history": "true"},
        headers=web.headers("anna"),
    ).json()["messages"]
    assert [m["author"] for m in history] == ["user", "system", "system"]
    assert history[1]["text"].startswith(NOTICE_SV)
    assert history[2]["text"] == reply("assistant_unavailable", "sv")


def test_each_conversation_is_told_once_per_version(
    client: TestClient, db: Session, web: WebChat
) -> None:
    admin = admin_login(client, db)
    incident = publish(client, admin)
    assert texts(web.send("anna", LOGIN_SV))[0].startswith(NOTICE_SV)
    assert texts(web.send("anna", "Det går fortfarande inte att logga in")) == [
        reply("assistant_unavailable", "sv")
    ]
    update = {"texts": {"sv": {"title": "Inloggningen krånglar", "text": "Felet är hittat."}}}
    url = f"/api/v1/incidents/{incident['id']}/updates"
    assert client.post(url, json=update, headers=admin).status_code == 200
    again = texts(web.send("anna", "Kan jag logga in nu?"))
    assert again[0].startswith("Uppdatering om driftstörningen: Inloggningen krånglar")
    assert "Felet är hittat." in again[0]
    assert len(texts(web.send("anna", "Inloggningen då?"))) == 1


def test_a_message_about_another_area_gets_no_notice(
    client: TestClient, db: Session, web: WebChat
) -> None:
    admin = admin_login(client, db)
    publish(client, admin, areas=("accounting",))
    assert texts(web.send("anna", LOGIN_SV)) == [reply("assistant_unavailable", "sv")]
    resolved = publish(client, admin, areas=("driver",))
    body = {"resolution": {"sv": "Det fungerar igen."}}
    client.post(f"/api/v1/incidents/{resolved['id']}/resolve", json=body, headers=admin)
    assert texts(web.send("bertil", LOGIN_SV)) == [reply("assistant_unavailable", "sv")]


def sms(client: TestClient, number: str, body: str) -> list[str]:
    """An SMS as Twilio sends it, signed; the texts of the TwiML answer."""
    params = sms_params(number, body, f"SM{next(_ids):032x}")
    path = "/api/v1/channels/twilio/sms"
    response = client.post(path, data=params, headers=signed(f"http://testserver{path}", params))
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


def test_sms_users_are_told_first(client: TestClient, db: Session) -> None:
    publish(client, admin_login(client, db))
    first = sms(client, "+46701234567", LOGIN_SV)
    assert first[0].startswith(NOTICE_SV)
    assert not sms(client, "+46701234567", "Går det att logga in nu?")[0].startswith(NOTICE_SV)


def telegram_update(chat_id: int, text: str) -> Update:
    user = User(id=chat_id, first_name="Aino", is_bot=False, language_code="fi")
    chat = Chat(id=chat_id, type=Chat.PRIVATE, first_name="Aino")
    message = TelegramMessage(
        message_id=next(_ids), date=datetime.now(UTC), chat=chat, from_user=user, text=text
    )
    return Update(next(_ids), message=message)


def queued_texts(db: Session, channel: str) -> list[str]:
    db.expire_all()
    query = select(OutboxMessage.text).where(OutboxMessage.channel == channel)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def test_telegram_users_are_told_first(client: TestClient, db: Session) -> None:
    publish(client, admin_login(client, db))
    update = telegram_update(1_234_567, "En pääse kirjautumaan kuljettajasovellukseen")
    response = client.post(
        "/api/v1/channels/telegram/webhook",
        content=update.to_json(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        },
    )
    assert response.status_code == 200, response.text
    sent = queued_texts(db, "telegram")
    assert sent[0].startswith("Käyttöhäiriö: " + LOGIN_TROUBLE["fi"]["title"])
    assert sent[1] == reply("assistant_unavailable", "fi")


def test_mail_users_are_told_first(client: TestClient, db: Session, settings: Settings) -> None:
    publish(client, admin_login(client, db))
    mail = IncomingMail(
        sender="anna@kund.test",
        sender_name="Anna",
        subject="Inloggning",
        message_id="<incident-1@kund.test>",
        in_reply_to=None,
        references=(),
        text="Jag kan inte logga in i chaufförsklienten sedan i morse. Vad gör jag?",
        automatic=False,
        bounce_of=None,
        attachments=(),
        too_large=(),
        case_number=None,
    )
    ticket = answer_mail(db=db, settings=settings, mail=mail, key="incident-mail-1")
    assert ticket is not None and ticket.queue == "driver"
    (sent,) = queued_texts(db, "email")
    assert sent.startswith(NOTICE_SV)
    assert f"{ticket.id}" in sent.split(LOGIN_TROUBLE["sv"]["text"], 1)[1]  # the case, after
    conversation = db.get(Conversation, ticket.conversation_id)
    assert conversation is not None
    stored = db.scalars(
        select(Message.author)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id)
    ).all()
    assert stored == ["user", "system", "system"]
