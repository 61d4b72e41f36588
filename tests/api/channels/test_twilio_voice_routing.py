"""Where a caller who asks for a person goes, at given times; and the call's state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from api.channels.twilio_voice_service import (
    CallState,
    Destination,
    destination,
    phone_number,
    spoken_pages,
)
from api.config import Settings
from bot.channels.speech import speech_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUNDAY_NIGHT = datetime(2025, 5, 18, 23, 30, tzinfo=STOCKHOLM)
MONDAY_MORNING = datetime(2025, 5, 19, 10, 0, tzinfo=STOCKHOLM)
FRIDAY_EVENING = datetime(2025, 5, 23, 16, 45, tzinfo=STOCKHOLM)
MIDSUMMER_EVE = datetime(2025, 6, 20, 10, 0, tzinfo=STOCKHOLM)  # a Friday, closed


@pytest.mark.parametrize("now", [MONDAY_MORNING, datetime(2025, 5, 19, 8, 0, tzinfo=STOCKHOLM)])
@pytest.mark.parametrize(("queue", "priority"), [("general", 3), ("driver", 1), ("access", 4)])
def test_in_office_hours_every_caller_is_connected_to_customer_service(
    now: datetime, queue: str, priority: int
) -> None:
    assert destination(queue=queue, priority=priority, now=now) is Destination.SUPPORT


@pytest.mark.parametrize("now", [SUNDAY_NIGHT, FRIDAY_EVENING, MIDSUMMER_EVE])
def test_outside_office_hours_drivers_and_stops_go_to_fmc_and_the_rest_becomes_a_ticket(
    now: datetime,
) -> None:
    assert destination(queue="driver", priority=3, now=now) is Destination.FMC
    assert destination(queue="measurement", priority=1, now=now) is Destination.FMC
    assert destination(queue="general", priority=3, now=now) is Destination.TICKET
    assert destination(queue="accounting", priority=2, now=now) is Destination.TICKET


def test_calls_go_to_the_support_number_unless_the_desks_numbers_are_set() -> None:
    default = Settings(environment="test")
    assert phone_number(default, Destination.SUPPORT) == "+46102285900"  # 010-228 59 00
    # Outside office hours the support number goes straight to FMC.
    assert phone_number(default, Destination.FMC) == "+46102285900"
    desks = Settings(
        environment="test", support_phone_number="+46101111111", fmc_phone_number="+46102222222"
    )
    assert phone_number(desks, Destination.SUPPORT) == "+46101111111"
    assert phone_number(desks, Destination.FMC) == "+46102222222"


def test_the_call_state_survives_the_round_trip_through_the_next_url() -> None:
    state = CallState("fi", misses=1, more=2, person=True)
    query = dict(pair.split("=") for pair in state.query().split("&"))
    assert CallState.from_query(query) == state
    # A query that is missing or garbled gives the defaults, not an error.
    assert CallState.from_query({"lang": "de", "misses": "x"}) == CallState("sv")


def test_a_long_answer_is_said_in_parts_that_each_end_with_how_to_hear_more() -> None:
    sentence = "Kuljettaja kirjautuu Chaufförsklienteniin käyttäjätunnuksella ja salasanalla."
    text = " ".join([sentence] * 20)
    parts = spoken_pages(text, "fi")
    assert len(parts) > 1
    assert all(len(part) <= 600 for part in parts)
    assert all(part.endswith("Sano 'lisää', niin kerron loput.") for part in parts[:-1])
    assert "lisää" not in parts[-1]
    said = " ".join(p.removesuffix(" Sano 'lisää', niin kerron loput.") for p in parts)
    assert said == " ".join([speech_text(sentence, "fi")] * 20)  # nothing lost or repeated
    assert spoken_pages(sentence, "fi") == [speech_text(sentence, "fi")]
