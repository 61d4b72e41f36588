"""The outbox on a real database, sending through python-telegram-bot and twilio to
fake provider servers: nothing lost, retried with backoff, limited per number,
and a killed sender loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.addresses import pseudonym, seal
from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.outbox import service
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.senders import SmsSender, TelegramSender
from api.outbox.worker import deliver_due
from api.tickets.service import claim, reply
from stack.processes import MAIN_PYTHON, ROOT
from tests.api.desk import ticket_on
from tests.conftest import wait_until
from tests.fakes import FakeProvider, fake_provider

SECRET = b"outbox-test-key"
TOKEN = "123456:TEST"


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


@pytest.fixture
def telegram() -> Iterator[FakeProvider]:
    with fake_provider("telegram") as fake:
        yield fake


def _conversation(db: Session, channel: str, address: str | None) -> Conversation:
    sender = pseudonym(SECRET, channel, address) if channel == "sms" and address else "u1"
    conversation = Conversation(
        channel=channel,
        sender=sender,
        language="sv",
        reply_address=seal(SECRET, address) if address else None,
    )
    db.add(conversation)
    db.commit()
    return conversation


def _queue(db: Session, conversation: Conversation, texts: list[str]) -> None:
    for i, text in enumerate(texts):
        service.enqueue(db=db, conversation=conversation, text=text, kind="agent", key=f"k{i}")
    db.commit()


def _settings(**changes: object) -> Settings:
    return Settings(environment="test", outbox_first_retry_seconds=5, **changes)  # type: ignore[arg-type]


def test_a_message_is_queued_once_per_key_and_not_for_the_web_chat(db: Session) -> None:
    web = _conversation(db, "web", None)
    assert service.enqueue(db=db, conversation=web, text="Hej", kind="agent", key="w1") is None
    chat = _conversation(db, "telegram", "5550001")
    first = service.enqueue(db=db, conversation=chat, text="Hej", kind="agent", key="t1")
    again = service.enqueue(db=db, conversation=chat, text="Hej", kind="agent", key="t1")
    db.commit()
    assert first is again
    assert db.scalars(select(OutboxMessage)).all() == [first]
    assert first is not None and "5550001" not in first.address  # stored sealed


def test_the_sender_delivers_retries_with_backoff_and_gives_up_when_refused(
    factory: sessionmaker[Session], db: Session, telegram: FakeProvider
) -> None:
    chat = _conversation(db, "telegram", "5550001")
    _queue(db, chat, ["Hej! Ditt konto är upplåst nu."])
    senders = {"telegram": TelegramSender(TOKEN, f"{telegram.url}/bot")}
    settings = _settings()
    telegram.fail_next = [502]  # Telegram has a bad moment (on the sender's first call)
    assert deliver_due(factory=factory, senders=senders, settings=settings, secret=SECRET) == 0
    db.expire_all()
    row = db.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > utcnow() + timedelta(seconds=3)  # waits before trying again
    later = utcnow() + timedelta(seconds=6)
    sent = deliver_due(
        factory=factory, senders=senders, settings=settings, secret=SECRET, now=later
    )
    assert sent == 1
    assert telegram.sent("sendMessage") == [
        {"chat_id": "5550001", "text": "Hej! Ditt konto är upplåst nu."}
    ]

    service.enqueue(db=db, conversation=chat, text="Blockerad?", kind="agent", key="k-blocked")
    db.commit()
    telegram.fail_next = [403]  # the user has blocked the bot: trying again cannot help
    deliver_due(factory=factory, senders=senders, settings=settings, secret=SECRET)
    db.expire_all()
    blocked = db.scalars(select(OutboxMessage).where(OutboxMessage.key == "k-blocked")).one()
    assert blocked.status == OutboxStatus.FAILED and blocked.attempts == 1


def test_sms_to_one_number_are_limited_per_hour(
    factory: sessionmaker[Session], db: Session
) -> None:
    sms = _conversation(db, "sms", "+46701234567")
    _queue(db, sms, ["ett", "två", "tre"])
    with fake_provider("twilio") as twilio:
        senders = {"sms": SmsSender("AC" + "1" * 32, "tok", "+46700000000", twilio.url)}
        settings = _settings(sms_per_number_per_hour=2)
        assert deliver_due(factory=factory, senders=senders, settings=settings, secret=SECRET) == 2
        assert [m["To"] for m in twilio.sent("Messages.json")] == ["+46701234567"] * 2
    db.expire_all()
    held = db.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent")).one()
    assert held.status == OutboxStatus.PENDING and held.attempts == 0
    assert held.next_attempt_at > utcnow() + timedelta(minutes=59)  # when the hour is up


def _start_sender(database_url: str, telegram: FakeProvider) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIOL3_DATABASE_URL": database_url,
        "VIOL3_ADDRESS_KEY": SECRET.decode(),
        "VIOL3_TELEGRAM_BOT_TOKEN": TOKEN,
        "VIOL3_TELEGRAM_API_URL": f"{telegram.url}/bot",
        "VIOL3_OUTBOX_POLL_SECONDS": "0.1",
        "VIOL3_OUTBOX_LEASE_SECONDS": "2",
    }
    return subprocess.Popen(
        [str(MAIN_PYTHON), "-m", "api.outbox"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _texts_by_status(factory: sessionmaker[Session]) -> dict[str, set[str]]:
    """The outbox rows' texts by status, as the database has them now."""
    by_status: dict[str, set[str]] = {}
    with factory() as db:
        for row in db.scalars(select(OutboxMessage)):
            by_status.setdefault(row.status, set()).add(row.text)
    return by_status


def _all_final(factory: sessionmaker[Session]) -> bool:
    return set(_texts_by_status(factory)) <= {OutboxStatus.SENT, OutboxStatus.FAILED}


def test_killing_the_sender_loses_nothing_and_repeats_nothing_it_had_not_sent(
    database_url: str, factory: sessionmaker[Session], db: Session, telegram: FakeProvider
) -> None:
    chat = _conversation(db, "telegram", "5550001")
    texts = [f"Svar nummer {i}" for i in range(12)]
    _queue(db, chat, texts)  # accepted: committed before any sending starts
    telegram.delay = 0.15  # a slow provider, so the kill lands mid-run

    sender = _start_sender(database_url, telegram)
    try:
        wait_until(lambda: len(telegram.sent("sendMessage")) >= 4, "the first sends")
    finally:
        os.killpg(sender.pid, signal.SIGKILL)  # no chance to clean up (nor left behind)
        sender.wait()
    at_kill = _texts_by_status(factory)
    # One message at a time: at most one row was held, and it may or may not have
    # reached the provider. Everything marked sent had reached it.
    cut_short = at_kill.get(OutboxStatus.SENDING, set())
    assert len(cut_short) <= 1, at_kill
    assert at_kill.get(OutboxStatus.PENDING), "killed with work left"

    restarted = _start_sender(database_url, telegram)
    try:
        # The held row comes back once its lease (2 s here) has run out.
        wait_until(lambda: _all_final(factory), "every row to be sent or failed", timeout=120)
        wait_until(telegram.idle, "the provider to finish answering")
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(15)

    assert _texts_by_status(factory) == {OutboxStatus.SENT: set(texts)}  # nothing lost
    counts = Counter(m["text"] for m in telegram.sent("sendMessage"))
    assert set(counts) == set(texts), counts
    # Only the message whose provider call the kill cut short can go out again:
    # neither we nor the provider can tell whether it arrived.
    repeated = {text for text, n in counts.items() if n > 1}
    assert repeated <= cut_short, (counts, cut_short)
    assert all(counts[text] == 1 for text in at_kill.get(OutboxStatus.SENT, set())), counts


def test_the_user_receives_the_agents_words_while_only_masked_text_is_stored(
    factory: sessionmaker[Session], db: Session, telegram: FakeProvider
) -> None:
    chat = _conversation(db, "telegram", "5550001")
    ticket = ticket_on(db, chat, description="ring mig")
    anna = create_agent(
        db=db, username="anna", display_name="A", password="pw", role=AgentRole.AGENT
    )
    claim(db=db, ticket=ticket, agent=anna)
    words = "Ring oss på 010-228 59 00 så hjälper vi dig"
    message = reply(db=db, ticket=ticket, agent=anna, text=words, seal_key=SECRET)

    row = db.scalars(select(OutboxMessage)).one()
    stored = db.get(Message, message.id)
    assert stored is not None and "228" not in stored.text and stored.sealed_original
    assert "228" not in row.text and row.sealed_text and "228" not in row.sealed_text
    senders = {"telegram": TelegramSender(TOKEN, f"{telegram.url}/bot")}
    assert deliver_due(factory=factory, senders=senders, settings=_settings(), secret=SECRET) == 1
    assert [m["text"] for m in telegram.sent("sendMessage")] == [words]


def test_a_text_sealed_under_another_key_is_not_sent(
    factory: sessionmaker[Session], db: Session, telegram: FakeProvider
) -> None:
    chat = _conversation(db, "telegram", "5550001")
    service.enqueue(
        db=db,
        conversation=chat,
        text="Ring [telefon]",
        sealed_text=seal(b"an-old-key", "Ring 070-123 45 67"),
        kind="agent",
        key="k-old",
    )
    db.commit()
    senders = {"telegram": TelegramSender(TOKEN, f"{telegram.url}/bot")}
    assert deliver_due(factory=factory, senders=senders, settings=_settings(), secret=SECRET) == 0
    db.expire_all()
    assert db.scalars(select(OutboxMessage)).one().status == OutboxStatus.FAILED
    assert telegram.sent("sendMessage") == []  # neither the masked copy nor anything else
