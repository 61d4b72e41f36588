"""Phone calls through Twilio, end to end: the requests Twilio makes during a call
(the call itself, the key pressed, what the caller said), signed with twilio's
`RequestValidator`, go to the webhooks of the real assistant, and the TwiML
answers are checked the way Twilio would carry them out.

Whether a caller who asks for a person is connected or gets a ticket depends
on the time of day; these tests read bot.hours at test time and check the
branch that applies (each branch is tested at fixed times in
tests/api/channels/test_twilio_voice_routing.py).
"""

from __future__ import annotations

import random
from itertools import count
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.database import utcnow
from api.tickets.models import Ticket
from bot.hours import office_hours
from bot.language import detect
from bot.replies import reply
from tests.api.channels.twilio_signing import call_params, signed
from tests.conftest import Stack

pytestmark = pytest.mark.e2e

SUPPORT_NUMBER = "+46102285900"  # 010-228 59 00; FMC takes it outside office hours
_calls = count(random.randrange(10**8, 9 * 10**8))


class PhoneCall:
    """One call from `number`: each step posts what Twilio posts and follows the TwiML."""

    def __init__(self, stack: Stack, number: str = "+46701234567") -> None:
        self.stack = stack
        self.params = call_params(number, f"CA{next(_calls):032x}")
        self.next_url = f"{stack.api}/api/v1/channels/twilio/voice"

    def post(self, url: str, **fields: str) -> ElementTree.Element:
        params = {**self.params, **fields}
        response = httpx.post(url, data=params, headers=signed(url, params), timeout=60)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        root = ElementTree.fromstring(response.text)
        gather = root.find("Gather")
        if gather is not None:
            self.next_url = str(gather.get("action"))
        return root

    def ring(self) -> ElementTree.Element:
        return self.post(self.next_url)

    def press(self, digit: str) -> ElementTree.Element:
        return self.post(self.next_url, Digits=digit)

    def say(self, words: str) -> ElementTree.Element:
        return self.post(self.next_url, SpeechResult=words, Confidence="0.9")

    def start(self, digit: str) -> None:
        self.ring()
        self.press(digit)


def said(root: ElementTree.Element) -> list[str]:
    return [s.text or "" for s in root.iter("Say")]


def test_a_request_not_signed_by_twilio_is_refused(stack: Stack) -> None:
    params = call_params("+46701234567", f"CA{next(_calls):032x}")
    url = f"{stack.api}/api/v1/channels/twilio/voice"
    assert httpx.post(url, data=params, timeout=60).status_code == 403
    forged = signed(url, params, token="guess")
    assert httpx.post(url, data=params, headers=forged, timeout=60).status_code == 403


def test_a_call_hears_a_greeting_and_the_three_language_menu(stack: Stack) -> None:
    root = PhoneCall(stack).ring()
    menu = root.find("Gather")
    assert menu is not None and menu.get("input") == "dtmf" and menu.get("numDigits") == "1"
    options = [(s.get("language"), s.text) for s in menu.iter("Say")][1:]
    assert options == [
        ("sv-SE", reply("voice_menu_option", "sv")),
        ("en-US", reply("voice_menu_option", "en")),
        ("fi-FI", reply("voice_menu_option", "fi")),
    ]


def test_choosing_3_then_asking_gets_a_finnish_spoken_answer_without_links(stack: Stack) -> None:
    call = PhoneCall(stack)
    call.ring()
    listening = call.press("3").find("Gather")
    assert listening is not None
    assert (listening.get("input"), listening.get("language")) == ("speech", "fi-FI")

    root = call.say("Miten kirjaudun Chaufförsklienttiin?")
    gather = root.find("Gather")
    assert gather is not None and gather.get("language") == "fi-FI"  # listening again
    says = list(root.iter("Say"))
    assert says and all(s.get("language") == "fi-FI" for s in says)
    answer = " ".join(said(root))
    for written in ("http", "www.", "**", "](", "@"):
        assert written not in answer, answer
    detected = detect(answer)
    assert detected is not None and detected[0] == "fi", answer


def test_thanks_and_goodbye_end_the_call(stack: Stack) -> None:
    call = PhoneCall(stack)
    call.start("2")
    root = call.say("Thank you, goodbye")
    assert root.find("Hangup") is not None
    assert said(root)[-1] == reply("voice_goodbye", "en")


def test_a_driver_stuck_at_a_site_is_put_through_at_any_hour(stack: Stack) -> None:
    call = PhoneCall(stack)
    call.start("1")
    open_before = office_hours().is_open(utcnow())
    root = call.say("Chauffören står vid mätplatsen och kan inte logga in")
    open_after = office_hours().is_open(utcnow())
    dial = root.find("Dial")
    assert dial is not None and dial.text == SUPPORT_NUMBER
    # Customer service in office hours, FMC outside them (either, if the call
    # happened to cross 08:00 or 16:30).
    keys = {
        "voice_connecting" if open_now else "voice_connecting_fmc"
        for open_now in (open_before, open_after)
    }
    assert said(root)[-1] in {reply(key, "sv") for key in keys}


def test_asking_for_a_person_connects_in_office_hours_or_opens_a_ticket_outside_them(
    stack: Stack, db: Session
) -> None:
    call = PhoneCall(stack, number="+46709876543")
    call.start("1")
    if office_hours().is_open(utcnow()):
        root = call.say("Jag vill prata med en människa")
        dial = root.find("Dial")
        assert dial is not None and dial.text == SUPPORT_NUMBER
        assert said(root)[-1] == reply("voice_connecting", "sv")
        return
    # Outside office hours: what is it about? Not a driver matter: a ticket.
    asked = call.say("Jag vill prata med en människa")
    assert asked.find("Gather") is not None and asked.find("Dial") is None
    company = call.say("Jag har en fråga om en faktura från Biometria")
    assert company.find("Gather") is not None and company.find("Dial") is None
    root = call.say("Skogsbolaget AB, ekonomi")
    assert root.find("Hangup") is not None and root.find("Dial") is None
    db.rollback()
    ticket = db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert ticket is not None and ticket.queue == "general"
    assert ticket.contact == "+46709876543"  # for the agent's call back
    spoken = " ".join(said(root))
    assert f"Ditt ärende har nummer {ticket.id}." in spoken
    assert "har stängt nu" in spoken and "tas om hand" in spoken  # and when
    assert reply("voice_call_back", "sv") in spoken
