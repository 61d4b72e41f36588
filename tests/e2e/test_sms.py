"""SMS through Twilio, end to end: requests built and signed as Twilio sends them
(twilio's `RequestValidator`) go to the webhook of the real assistant; the
answers come back as TwiML, and an agent's reply arrives at the fake Twilio
REST server through the outbox sender."""

from __future__ import annotations

import random
from itertools import count
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy.orm import Session

from api.addresses import pseudonym
from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.config import Settings
from api.conversations.service import find_conversation
from api.tickets.queries import open_ticket_of
from bot.channels.sms import segments
from bot.language import detect
from bot.triage.training import QUEUES
from tests.api.channels.twilio_signing import signed, sms_params
from tests.conftest import TWILIO_NUMBER, Stack, unique, wait_until
from tests.e2e.conftest import fresh, user_messages

pytestmark = pytest.mark.e2e

ADDRESS_KEY = b"test-address-key"  # the stack's VIOL3_ADDRESS_KEY (tests/conftest.py)
PATH = "/api/v1/channels/twilio/sms"
_sids = count(random.randrange(10**8, 9 * 10**8))


class Phone:
    """Someone texting the support number from a mobile in `country` (calling code)."""

    def __init__(self, country: str) -> None:
        self.number = f"+{country}70{random.randrange(10**6, 10**7)}"

    @property
    def sender(self) -> str:
        return pseudonym(ADDRESS_KEY, "sms", self.number)


def new_sid() -> str:
    return f"SM{next(_sids):032x}"


def text(stack: Stack, phone: Phone, body: str, sid: str | None = None) -> list[str]:
    """Send `body` as Twilio posts an incoming SMS; the <Message>s of the TwiML answer."""
    params = sms_params(phone.number, body, sid or new_sid(), to=TWILIO_NUMBER)
    url = f"{stack.api}{PATH}"  # the stack's public URL is its own address
    response = httpx.post(url, data=params, headers=signed(url, params), timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


def assert_sms_shaped(answer: str) -> None:
    assert 0 < segments(answer)[1] <= 3, answer
    for markdown in ("**", "](", "__", "`", "\n#", "\n* "):
        assert markdown not in answer, answer


def test_a_request_not_signed_by_twilio_is_refused(stack: Stack, db: Session) -> None:
    phone = Phone("46")
    params = sms_params(phone.number, "hur loggar jag in?", new_sid())
    url = f"{stack.api}{PATH}"
    unsigned = httpx.post(url, data=params, timeout=60)
    forged = httpx.post(url, data=params, headers=signed(url, params, token="guess"), timeout=60)
    assert unsigned.status_code == forged.status_code == 403
    assert forged.json()["code"] == "webhook_rejected"
    assert user_messages(db, "sms", phone.sender) == 0


def test_a_swedish_number_gets_a_swedish_answer_of_at_most_three_sms(
    stack: Stack, db: Session
) -> None:
    phone = Phone("46")
    [answer] = text(stack, phone, "hur loggar jag in i Chaufförsklienten")
    assert_sms_shaped(answer)
    detected = detect(answer)
    assert detected is not None and detected[0] == "sv", answer
    conversation = find_conversation(db=fresh(db), channel="sms", sender=phone.sender)
    assert conversation is not None and conversation.language == "sv"
    assert conversation.messages[0].topic == "driver_login"
    if answer.endswith("Svara MER så skickar jag resten."):
        [rest] = text(stack, phone, "MER")
        assert_sms_shaped(rest)
        assert user_messages(db, "sms", phone.sender) == 1  # "MER" asked nothing new


def test_a_finnish_number_gets_finnish_when_the_message_does_not_tell(
    stack: Stack, db: Session
) -> None:
    phone = Phone("358")
    [answer] = text(stack, phone, "2FA")
    assert_sms_shaped(answer)
    detected = detect(answer)
    assert detected is not None and detected[0] == "fi", answer
    # What the user writes wins over the country code: Swedish from Finland is answered in Swedish.
    finland_swede = Phone("358")
    [swedish] = text(stack, finland_swede, "hur loggar jag in i Chaufförsklienten")
    detected = detect(swedish)
    assert detected is not None and detected[0] == "sv", swedish


def test_a_redelivered_message_is_answered_once(stack: Stack, db: Session) -> None:
    phone = Phone("46")
    sid = new_sid()
    assert text(stack, phone, "hur läser jag mitt mätbesked", sid) != []
    assert text(stack, phone, "hur läser jag mitt mätbesked", sid) == []
    assert user_messages(db, "sms", phone.sender) == 1


def test_a_number_gets_no_more_sms_than_its_hourly_limit(stack: Stack, db: Session) -> None:
    limit = Settings.model_fields["sms_per_number_per_hour"].default  # the stack's setting
    phone = Phone("46")
    for _ in range(limit):
        assert text(stack, phone, "hej") != []
    assert text(stack, phone, "hej igen") == []
    assert (
        user_messages(db, "sms", phone.sender) == limit + 1
    )  # kept all the same, for a person to see


def test_an_agents_reply_reaches_the_sms_user_shaped_for_sms(stack: Stack, db: Session) -> None:
    phone = Phone("46")
    text(stack, phone, "jag vill prata med en människa")
    text(stack, phone, "prisräkningen har stannat för hela vår leverans")
    done = text(stack, phone, "Skogsbolaget AB, redovisning")  # no question about a number
    assert any("Ärende" in t for t in done), done
    conversation = find_conversation(db=fresh(db), channel="sms", sender=phone.sender)
    assert conversation is not None
    ticket = open_ticket_of(db=db, conversation=conversation)
    assert ticket is not None and ticket.contact == phone.number  # there, and only there

    login = {"username": unique("e2e-sms-agent"), "password": "pw-e2e"}
    create_agent(db=db, display_name="Sara", role=AgentRole.AGENT, queues=QUEUES, **login)
    token = httpx.post(f"{stack.api}/api/v1/agents/login", json=login).json()["token"]
    agent = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{stack.api}/api/v1/tickets/{ticket.id}/claim", headers=agent)
    written = "**Hej!** Prisräkningen är igång igen – se [Mina Sidor](https://www.biometria.se/mina-sidor)."
    reply = httpx.post(
        f"{stack.api}/api/v1/tickets/{ticket.id}/reply", json={"text": written}, headers=agent
    )
    assert reply.status_code == 200, reply.text

    def to_phone() -> list[dict[str, str]]:
        return [s for s in stack.twilio.sent("Messages.json") if s["To"] == phone.number]

    wait_until(lambda: bool(to_phone()), "the SMS to the phone")
    [sms] = to_phone()
    assert sms["From"] == TWILIO_NUMBER
    assert sms["Body"] == (
        "Hej! Prisräkningen är igång igen - se Mina Sidor: https://www.biometria.se/mina-sidor."
    )


def test_choices_come_as_numbered_lines_and_a_number_picks_one(stack: Stack) -> None:
    phone = Phone("358")
    [answer] = text(stack, phone, "miten luen mittaustodistukseni")
    assert_sms_shaped(answer)
    if "LISÄÄ" in answer:  # the summary and six parts do not fit in three SMS
        [answer] = text(stack, phone, "LISÄÄ")
    assert "1. Mittaustodistuksen otsikkotiedot" in answer, answer
    [picked] = text(stack, phone, "2")
    assert "bruttomäärä" in picked.lower(), picked


def test_a_driver_stuck_at_the_site_is_handed_over_at_once(stack: Stack, db: Session) -> None:
    phone = Phone("46")
    said = "\n".join(
        text(stack, phone, "står vid mätplatsen i Skoghall och kan inte logga in, kan inte lossa")
    )
    assert "stoppar flödet" in said, said
    if "Svara MER" in said:  # the form's question may be in the answer's next SMS
        said += "\n" + "\n".join(text(stack, phone, "MER"))
    assert "Vilket företag" in said, said
    # Registered on the first message: the case exists even if the driver stops answering.
    conversation = find_conversation(db=fresh(db), channel="sms", sender=phone.sender)
    assert conversation is not None
    ticket = open_ticket_of(db=db, conversation=conversation)
    assert ticket is not None and (ticket.queue, ticket.priority) == ("driver", 1)
    assert f"Ärende {ticket.id} är registrerat" in said, said
    text(stack, phone, "Virkesfrakt AB, chaufför")
    again = open_ticket_of(db=fresh(db), conversation=conversation)
    assert again is not None and again.id == ticket.id  # the form's answer, to the same case
