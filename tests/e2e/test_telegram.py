"""Telegram, end to end: updates built with python-telegram-bot (the JSON Telegram
posts) go to the webhook of the real assistant, and the answers arrive at the
fake Telegram Bot API server through the outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from datetime import UTC, datetime
from itertools import count

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from telegram import Bot, Chat, Message, MessageEntity, PhotoSize, Sticker, Update, User

from api.addresses import pseudonym
from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.channels.models import InboundReceipt
from api.channels.telegram_polling import main as polling_main
from api.channels.telegram_polling import poll
from api.config import Settings
from api.conversations.models import Conversation
from api.conversations.schemas import BotMessage, Button
from api.conversations.service import find_conversation
from api.outbox.models import OutboxMessage
from api.tickets.queries import open_ticket_of
from bot.language import detect
from bot.triage.training import QUEUES
from tests.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN, Stack, wait_until
from tests.e2e.conftest import fresh, user_messages

pytestmark = pytest.mark.e2e

ADDRESS_KEY = b"test-address-key"  # the stack's VIOL3_ADDRESS_KEY (tests/conftest.py)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_update_ids = count(random.randrange(10**8, 9 * 10**8))


class TelegramUser:
    """One person writing to the bot in a private chat, as Telegram reports them."""

    def __init__(self, language_code: str | None) -> None:
        self.chat_id = random.randrange(10**9, 2 * 10**9)
        self.user = User(
            id=self.chat_id, first_name="Aino", is_bot=False, language_code=language_code
        )
        self.chat = Chat(id=self.chat_id, type=Chat.PRIVATE, first_name="Aino")

    def message(self, text: str | None = None, **fields: object) -> Message:
        entities = None
        if text and text.startswith("/"):  # Telegram marks commands itself
            entities = (MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split()[0])),)
        return Message(
            message_id=random.randrange(1, 10**6),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            text=text,
            entities=entities,
            **fields,  # type: ignore[arg-type]
        )

    def says(self, text: str) -> Update:
        return Update(next(_update_ids), message=self.message(text))

    @property
    def sender(self) -> str:
        return pseudonym(ADDRESS_KEY, "telegram", str(self.chat_id))


def post(stack: Stack, update: Update, secret: str | None = TELEGRAM_SECRET) -> httpx.Response:
    """POST the update as Telegram does: its JSON, with the secret token header."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return httpx.post(
        f"{stack.api}/api/v1/channels/telegram/webhook",
        content=update.to_json(),
        headers=headers,
        timeout=60,
    )


def sent_to(stack: Stack, user: TelegramUser) -> list[str]:
    """The texts the outbox sent to the user's chat so far."""
    sent = stack.telegram.sent("sendMessage")
    return [f["text"] for f in sent if str(f.get("chat_id")) == str(user.chat_id)]


def wait_for_texts(stack: Stack, user: TelegramUser, n: int) -> list[str]:
    """The texts sent to the user, once there are at least `n`."""
    try:
        wait_until(lambda: len(sent_to(stack, user)) >= n, f"{n} texts")
    except AssertionError:
        raise AssertionError(f"{n} texts expected, got {sent_to(stack, user)}") from None
    return sent_to(stack, user)


def received(db: Session, update: Update) -> bool:
    query = select(InboundReceipt).where(
        InboundReceipt.channel == "telegram", InboundReceipt.external_id == str(update.update_id)
    )
    return fresh(db).scalars(query).first() is not None


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
def test_an_update_without_the_right_secret_token_is_refused(
    stack: Stack, db: Session, secret: str | None
) -> None:
    user = TelegramUser("fi")
    update = user.says("miten kirjaudun chaufförsklienttiin?")
    response = post(stack, update, secret=secret)
    assert response.status_code == 403
    assert response.json()["code"] == "webhook_rejected"
    # Nothing stored, so nothing can be sent either.
    assert not received(db, update)
    assert find_conversation(db=db, channel="telegram", sender=user.sender) is None
    assert sent_to(stack, user) == []


def test_a_finnish_user_gets_a_finnish_answer_in_their_chat(stack: Stack, db: Session) -> None:
    user = TelegramUser("fi")
    response = post(stack, user.says("miten kirjaudun chaufförsklienttiin?"))
    assert response.status_code == 200 and response.json() == {"ok": True}
    texts = wait_for_texts(stack, user, 1)
    answer = " ".join(texts)
    assert "228 59 00" in answer, answer  # the driver login article
    detected = detect(answer)
    assert detected is not None and detected[0] == "fi", answer
    # The conversation is keyed by a pseudonym, never by the Telegram id itself.
    stored = db.scalars(select(Conversation).where(Conversation.sender == str(user.chat_id)))
    assert stored.first() is None
    assert find_conversation(db=db, channel="telegram", sender=user.sender) is not None


@pytest.mark.parametrize(
    ("language_code", "greeting"), [("fi", "Hei"), ("sv", "Hej"), ("en-GB", "Hi"), (None, "Hej")]
)
def test_start_greets_in_the_language_of_the_users_app(
    stack: Stack, language_code: str | None, greeting: str
) -> None:
    user = TelegramUser(language_code)
    assert post(stack, user.says("/start")).status_code == 200
    texts = wait_for_texts(stack, user, 1)
    assert greeting in texts[0], texts


def test_a_redelivered_update_is_answered_once(stack: Stack, db: Session) -> None:
    user = TelegramUser("en")
    update = user.says("how do I log in to the driver client?")
    first, again = post(stack, update), post(stack, update)
    assert first.status_code == again.status_code == 200
    assert user_messages(db, "telegram", user.sender) == 1
    # The webhook answers after queueing, so every reply to the update is queued by now.
    conversation = find_conversation(db=db, channel="telegram", sender=user.sender)
    assert conversation is not None
    queued = db.scalar(select(func.count()).where(OutboxMessage.conversation_id == conversation.id))
    assert queued
    texts = wait_for_texts(stack, user, queued)
    assert len(texts) == queued, texts


def test_an_agents_reply_reaches_the_users_telegram_chat(stack: Stack, db: Session) -> None:
    user = TelegramUser("fi")
    for text in (
        "haluan puhua ihmisen kanssa",
        "kuljettaja seisoo mittauspaikalla eikä pääse kirjautumaan",
        "Kuljetus Virtanen Oy, kuljettaja",
        "+358 40 123 4567",
    ):
        assert post(stack, user.says(text)).status_code == 200
    conversation = find_conversation(db=db, channel="telegram", sender=user.sender)
    assert conversation is not None
    ticket = open_ticket_of(db=db, conversation=conversation)
    assert ticket is not None, wait_for_texts(stack, user, 4)
    assert ticket.contact == "+358 40 123 4567"
    told = wait_for_texts(stack, user, 4)
    assert any(f"Tapaus {ticket.id}" in text for text in told), told

    create_agent(
        db=db,
        username=f"e2e-telegram-{user.chat_id}",
        display_name="Anna",
        password="telegram-agent-pw",
        role=AgentRole.AGENT,
        queues=QUEUES,
    )
    api = stack.api
    login = {"username": f"e2e-telegram-{user.chat_id}", "password": "telegram-agent-pw"}
    token = httpx.post(f"{api}/api/v1/agents/login", json=login).json()["token"]
    agent = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{api}/api/v1/tickets/{ticket.id}/claim", headers=agent).is_success
    said = "Hei! Nollasin salasanasi, kokeile uudelleen."
    replied = httpx.post(
        f"{api}/api/v1/tickets/{ticket.id}/reply", json={"text": said}, headers=agent
    )
    assert replied.is_success, replied.text
    wait_until(lambda: said in sent_to(stack, user), "the agent's reply")


def test_a_sticker_gets_a_request_to_type_the_question(stack: Stack) -> None:
    user = TelegramUser("fi")
    sticker = Sticker("sticker-file", "sticker-unique", 512, 512, False, False, Sticker.REGULAR)
    update = Update(next(_update_ids), message=user.message(sticker=sticker))
    assert post(stack, update).status_code == 200
    assert wait_for_texts(stack, user, 1) == [
        "Viesti on tyhjä. Kirjoita kysymyksesi ja lähetä se uudelleen."
    ]


def test_a_photos_caption_is_answered_as_its_text(stack: Stack) -> None:
    user = TelegramUser("fi")
    screenshot = PhotoSize("photo-file", "photo-unique", 1080, 1920)
    photo = user.message(photo=(screenshot,), caption="en pääse kirjautumaan chaufförsklienttiin")
    assert post(stack, Update(next(_update_ids), message=photo)).status_code == 200
    [answer, *_] = wait_for_texts(stack, user, 1)
    assert "228 59 00" in answer, answer


def test_a_too_long_message_is_answered_with_the_limit(stack: Stack) -> None:
    user = TelegramUser("sv")
    assert post(stack, user.says("hej " * 600)).status_code == 200
    [text] = wait_for_texts(stack, user, 1)
    assert "för långt (2399 tecken)" in text and "2000" in text, text


def test_edits_and_group_messages_are_acknowledged_and_left_alone(
    stack: Stack, db: Session
) -> None:
    user = TelegramUser("sv")
    edited = Update(
        next(_update_ids),
        edited_message=user.message("jag kan inte logga in", edit_date=datetime.now(UTC)),
    )
    group = Chat(id=-(10**12) - user.chat_id, type=Chat.GROUP, title="Åkeri")
    in_group = Update(
        next(_update_ids),
        message=Message(
            message_id=1, date=datetime.now(UTC), chat=group, from_user=user.user, text="hej"
        ),
    )
    for update in (edited, in_group):
        response = post(stack, update)
        assert response.status_code == 200 and response.json() == {"ok": True}
        assert not received(db, update)
    assert find_conversation(db=db, channel="telegram", sender=user.sender) is None


def test_a_body_that_is_not_an_update_gets_a_422(stack: Stack) -> None:
    url = f"{stack.api}/api/v1/channels/telegram/webhook"
    headers = {SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": "application/json"}
    not_json = httpx.post(url, content=b"{not json", headers=headers)
    assert not_json.status_code == 422 and not_json.json()["code"] == "not_json"
    no_id = httpx.post(url, json={"message": {"text": "hej"}}, headers=headers)
    assert no_id.status_code == 422 and no_id.json()["code"] == "invalid_request"


def test_choices_become_lines_the_user_can_type_back() -> None:
    message = BotMessage(
        text="Gäller det något av det här?",
        buttons=[
            Button(title="Mätbesked", payload="Mätbesked"),
            Button(title="2FA", payload="2FA"),
        ],
    )
    assert message.as_plain_text() == "Gäller det något av det här?\n\n1. Mätbesked\n2. 2FA"


def test_polling_removes_the_webhook_and_long_polls(stack: Stack) -> None:
    fake = stack.telegram
    before = {method: len(fake.sent(method)) for method in ("deleteWebhook", "getUpdates")}

    async def until_it_has_polled() -> None:
        async with Bot(TELEGRAM_TOKEN, base_url=f"{fake.url}/bot") as bot:
            polling = asyncio.create_task(poll(bot=bot, handle=lambda update: None))
            deadline = time.monotonic() + 60  # only turns a hang into a failure
            while len(fake.sent("getUpdates")) <= before["getUpdates"]:
                assert not polling.done(), polling  # it polls until stopped
                assert time.monotonic() < deadline, "no getUpdates"
                await asyncio.sleep(0.05)
            assert not polling.done(), polling
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling

    asyncio.run(until_it_has_polled())
    assert len(fake.sent("deleteWebhook")) > before["deleteWebhook"]
    poll_request = fake.sent("getUpdates")[before["getUpdates"]]
    assert poll_request["timeout"] == "30" and "message" in poll_request["allowed_updates"]


def test_polling_without_a_bot_token_says_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(telegram_bot_token=None, _env_file=None)  # type: ignore[call-arg]
    assert polling_main(settings) == 2
    assert "VIOL3_TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
