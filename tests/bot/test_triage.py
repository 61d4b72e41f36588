"""Triage: safety first, then the learned model."""

from __future__ import annotations

import pytest

from bot.triage import first_rule, needs_person, triage
from bot.triage.reasons import render_all

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


ORDERS_THAT_BLOCK = [
    ("en", "Could you please add contract object 4411 for us? Our trucks are waiting at the mill."),
    ("sv", "Kan ni lägga upp avtalsobjektet åt oss? Bilarna står vid bruket och kan inte lossa."),
    ("fi", "Voisitteko lisätä sopimuskohteen? Rekat odottavat tehtaalla eivätkä voi purkaa."),
]


@pytest.mark.parametrize(("language", "text"), ORDERS_THAT_BLOCK)
def test_an_order_that_blocks_deliveries_is_priority_one(language: str, text: str) -> None:
    assert triage(text, language).priority == 1


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Vi vill beställa en ny användare till vår nya chaufför", "order"),
        ("Please create a new user for Anna, she starts next week", "order"),
        ("Jag står vid mätplatsen och kan inte logga in, kan inte lossa", "driver_stuck_at_site"),
        ("Prisräkningen har stannat för hela vår leverans", "administrative_flow_stopped"),
    ],
)
def test_requests_a_person_must_act_on_are_handed_over(text: str, rule: str) -> None:
    found = needs_person(text)
    assert found is not None and found.id == rule


@pytest.mark.parametrize(
    "text",
    [
        "Hur beställer jag en ny användare?",
        "How do I order a new user",
        "Miten tilaan uuden käyttäjän?",
        "måste vi lägga upp våra prislistor själva i viol 3?",
        "hur läser jag mitt mätbesked",
    ],
)
def test_questions_about_how_to_order_are_left_to_the_knowledge_base(text: str) -> None:
    assert needs_person(text) is None


def test_a_stop_is_handed_over_even_when_phrased_as_a_question() -> None:
    found = needs_person("mittaus ei toimi millään mittauspaikalla, mitä teemme?")
    assert found is not None and found.priority == 1


def test_integration_requests_go_to_the_integration_queue_with_the_reason() -> None:
    result = triage("Våra prislistor skickas som XML via SFTP och filen från i natt saknas", "sv")
    assert result.queue == "integration"
    assert any("mellan kundens system och VIOL 3" in r for r in result.reasons)


def test_reasons_are_kept_as_data_and_told_in_every_language_without_ids() -> None:
    result = triage("Våra prislistor skickas som XML via SFTP och filen från i natt saknas", "sv")
    assert all(isinstance(item, dict) for item in result.stored_reasons)
    told = [render_all(item) for item in result.stored_reasons]
    assert result.reasons == [t["sv"] for t in told]  # the request's language, as before
    queue = next(t for t in told if "VIOL 3" in t["en"])
    assert queue["sv"].startswith("Kö Integration:") and queue["fi"].startswith(
        "Jono Integraatiot (Integration):"
    )


def test_a_model_reason_names_the_queue_in_the_language() -> None:
    item = {"key": "reason_queue", "params": {"queue": "transport", "p": 0.5}}
    told = render_all(item)
    assert (
        told["sv"] == "Kö Transportredovisning enligt modellen för liknande ärenden (säkerhet 50%)."
    )
    assert "transport " not in told["en"] and "Transport accounting" in told["en"]
    assert render_all({"rule": "order"})["fi"].startswith("Tilaus")
    # rows stored before reasons were data read as themselves
    assert render_all("Kö driver enligt modellen") == dict.fromkeys(
        ("sv", "en", "fi"), "Kö driver enligt modellen"
    )
