"""The phone webhooks in-process, with requests signed as Twilio signs them.

Rasa is not running here (see tests/api/conftest.py): what the assistant
says on the phone is in tests/e2e/test_voice.py. Here: the menu, the
language choice, silence, and a caller whose assistant is down.
"""

from __future__ import annotations

from itertools import count
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.database import utcnow
from bot.hours import office_hours
from bot.replies import reply
from tests.api.channels.twilio_signing import call_params, signed
from tests.conftest import TWILIO_SID, TWILIO_TOKEN

VOICE = "/api/v1/channels/twilio/voice"
BASE = "http://testserver"

_calls = count(1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "public_url": BASE,
            "address_key": SecretStr("test-address-key"),
            "twilio_account_sid": TWILIO_SID,
            "twilio_auth_token": SecretStr(TWILIO_TOKEN),
        }
    )


def post(client: TestClient, url: str, params: dict[str, str]) -> ElementTree.Element:
    """POST to `url` (absolute, as TwiML names it) as Twilio; the TwiML answered."""
    response = client.post(url.removeprefix(BASE), data=params, headers=signed(url, params))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ElementTree.fromstring(response.text)


def new_call(number: str = "+46701234567") -> dict[str, str]:
    return call_params(number, f"CA{next(_calls):032x}")


def test_requests_not_signed_by_twilio_are_refused(client: TestClient) -> None:
    params = new_call()
    assert client.post(VOICE, data=params).status_code == 403
    forged = signed(f"{BASE}{VOICE}", params, token="not-the-auth-token")
    assert client.post(VOICE, data=params, headers=forged).status_code == 403
    # The state in the next URL is signed with it: it cannot be changed on the way.
    url = f"{BASE}{VOICE}/speech?lang=fi&misses=0&more=0&person=0"
    said = {**params, "SpeechResult": "hei"}
    tampered = f"{VOICE}/speech?lang=sv&misses=0&more=0&person=0"
    assert client.post(tampered, data=said, headers=signed(url, said)).status_code == 403


def test_a_call_hears_a_greeting_and_a_menu_with_each_language_in_its_own(
    client: TestClient,
) -> None:
    root = post(client, f"{BASE}{VOICE}", new_call("+358401234567"))
    gather = root.find("Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("numDigits")) == ("dtmf", "1")
    said = [(s.get("language"), s.text) for s in gather.iter("Say")]
    assert said[0][0] == "fi-FI"  # greeted in the language of the caller's country code
    assert said[1:] == [
        ("sv-SE", "För svenska, tryck 1."),
        ("en-US", "For English, press 2."),
        ("fi-FI", "Palvelu suomeksi, paina 3."),
    ]
    # No key pressed: on to the language choice all the same.
    redirect = root.find("Redirect")
    assert redirect is not None and redirect.text == gather.get("action")


@pytest.mark.parametrize(("digits", "language"), [("1", "sv-SE"), ("2", "en-US"), ("3", "fi-FI")])
def test_the_key_pressed_sets_the_language_the_caller_is_heard_and_answered_in(
    client: TestClient, digits: str, language: str
) -> None:
    root = post(client, f"{BASE}{VOICE}/language", {**new_call(), "Digits": digits})
    gather = root.find("Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("language")) == ("speech", language)
    say = gather.find("Say")
    assert say is not None and say.get("language") == language


def test_a_key_not_in_the_menu_plays_the_menu_again(client: TestClient) -> None:
    root = post(client, f"{BASE}{VOICE}/language", {**new_call(), "Digits": "9"})
    gather = root.find("Gather")
    assert gather is not None and gather.get("input") == "dtmf"


def test_silence_is_asked_again_and_ends_the_call_the_third_time(client: TestClient) -> None:
    call = new_call()
    url = post(client, f"{BASE}{VOICE}/language", {**call, "Digits": "2"}).find("Gather")
    for _ in range(2):
        assert url is not None
        root = post(client, str(url.get("action")), call)  # no SpeechResult
        url = root.find("Gather")
        assert url is not None
        said = url.find("Say")
        assert said is not None and said.text == reply("voice_not_heard", "en")
    assert url is not None
    root = post(client, str(url.get("action")), call)
    assert root.find("Hangup") is not None
    assert [s.text for s in root.iter("Say")] == [reply("voice_goodbye", "en")]


def test_when_the_assistant_is_down_the_caller_is_put_through_to_a_person(
    client: TestClient,
) -> None:
    call = new_call()
    gather = post(client, f"{BASE}{VOICE}/language", {**call, "Digits": "1"}).find("Gather")
    assert gather is not None
    open_before = office_hours().is_open(utcnow())
    root = post(client, str(gather.get("action")), {**call, "SpeechResult": "Hur loggar jag in?"})
    open_after = office_hours().is_open(utcnow())
    said = [s.text or "" for s in root.iter("Say")]
    assert said[0] == reply("voice_unavailable", "sv")
    # Customer service in office hours; FMC, on the same number, outside them
    # (either, if the call happened to cross 08:00 or 16:30).
    keys = {
        "voice_connecting" if is_open else "voice_connecting_fmc"
        for is_open in (open_before, open_after)
    }
    assert said[1] in {reply(key, "sv") for key in keys}
    dial = root.find("Dial")
    assert dial is not None and dial.text == "+46102285900"
