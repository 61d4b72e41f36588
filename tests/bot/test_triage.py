"""Triage: safety first, then the learned model."""

from __future__ import annotations

import pytest

from bot.triage import first_rule, triage

PRIORITY_ONE = [
    ("sv", "Chauffören står vid mätplatsen och kan inte logga in, han kan inte lossa", "driver"),
    ("en", "driver at the measuring site has no user and cannot unload the truck", "driver"),
    (
        "fi",
        "kuljettaja on mittauspaikalla eikä pääse kirjautumaan, ei voi purkaa kuormaa",
        "driver",
    ),
    ("sv", "inmätningen har stannat på mätplatsen i Hultsfred", "measurement"),
    ("en", "measurement has stopped at our site since 6 am", "measurement"),
    ("fi", "mittaus on pysähtynyt terminaalilla", "measurement"),
]


@pytest.mark.parametrize(("language", "text", "queue"), PRIORITY_ONE)
def test_stopping_faults_in_the_timber_flow_are_priority_one(
    language: str, text: str, queue: str
) -> None:
    result = triage(text, language)
    assert (result.priority, result.queue, result.language) == (1, queue, language)
    assert result.rule is not None and result.reasons


def test_missing_master_data_that_stops_deliveries_is_priority_one() -> None:
    result = triage("Masterdata saknas för avtalsobjektet och leveranserna stoppas", "sv")
    assert result.priority == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Inmätningen har stannat i kundtestmiljön"),
        ("en", "the driver cannot log in at the measuring site in the test environment"),
        ("fi", "testiympäristössä mittaus on pysähtynyt"),
    ],
)
def test_anything_in_the_customer_test_environment_is_priority_five(
    language: str, text: str
) -> None:
    assert triage(text, language).priority == 5


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Vi vill beställa en ny användare till vår åkeriadministratör"),
        ("en", "please create a new user for our new dispatcher"),
        ("fi", "haluaisimme tilata uuden käyttäjän uudelle kuljettajalle"),
    ],
)
def test_orders_are_priority_four(language: str, text: str) -> None:
    assert triage(text, language).priority == 4


def test_a_stopped_price_calculation_is_priority_two_for_accounting() -> None:
    result = triage("Prisräkningen står still sedan i morse", "sv")
    assert (result.priority, result.queue) == (2, "accounting")


def test_driver_support_is_free_and_ordered_support_is_billable() -> None:
    assert triage("jag kan inte logga in i chaufförsklienten", "sv").billable is False
    assert triage("Vi vill beställa en ny prislista", "sv").billable is True


def test_reasons_are_written_in_the_requests_language() -> None:
    result = triage("mittaus on pysähtynyt terminaalilla", "fi")
    assert "prioriteetti 1" in result.reasons[0]


def test_a_how_to_question_matches_no_rule() -> None:
    assert first_rule("hur läser jag av bruttokvantiteten på mätbeskedet") is None
