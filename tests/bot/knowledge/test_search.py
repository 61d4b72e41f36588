"""Search finds the right article for the way people ask, in each language."""

from __future__ import annotations

import pytest

from bot.knowledge.answer import decide, ranked
from bot.knowledge.text import split_compound, terms

QUESTIONS = [
    ("sv", "vad betyder vrakkvantitet", "mb_reject"),
    ("sv", "hur länge sparas mätbeskeden", "mb_archive"),
    ("sv", "varför finns ingen stocknota längre", "mb_no_log_list"),
    ("sv", "vad kostar supporten", "support_costs"),
    ("sv", "matbesked for rotpost?", "mb_contract_forms"),
    ("en", "how long are measurement notes archived", "mb_archive"),
    ("en", "what is the bruttokvantitet on my mätbesked", "mb_gross"),
    ("en", "teamviewer remote help", "driver_remote_help"),
    ("en", "who pays for support", "support_costs"),
    ("fi", "mitä bruttokvantitet tarkoittaa", "mb_gross"),
    ("fi", "kauanko mittaustodistukset säilytetään", "mb_archive"),
    ("fi", "miksi summa ei täsmää, desimaalit", "mb_rounding"),
    ("fi", "etätuki teamviewer", "driver_remote_help"),
]


@pytest.mark.parametrize(("language", "question", "topic"), QUESTIONS)
def test_representative_questions_find_their_topic_in_the_top_three(
    language: str, question: str, topic: str
) -> None:
    hits, _ = ranked(question, language, k=3)
    assert topic in [h.topic for h in hits], [h.topic for h in hits]


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_a_named_reject_code_is_answered_with_that_code_first(language: str) -> None:
    decision = decide("9993?", language)
    assert decision.kind == "answer" and decision.topic == "mb_reject"
    first_line = decision.text().splitlines()[0]
    assert first_line.startswith("9993") and "Skogsröta" in first_line


def test_results_are_in_the_asked_language() -> None:
    hits, _ = ranked("mätbesked", "fi", k=5)
    assert hits and {h.language for h in hits} == {"fi"}


def test_swedish_and_finnish_compounds_split_into_known_parts() -> None:
    vocabulary = {"vrak", "kvantitet", "mittaus", "todistus", "avtal", "objekt"}
    assert split_compound("vrakkvantitet", vocabulary) == ["vrak", "kvantitet"]
    assert split_compound("mittaustodistus", vocabulary) == ["mittaus", "todistus"]
    assert split_compound("avtalsobjekt", vocabulary) == ["avtal", "objekt"]
    assert split_compound("kvantitet", vocabulary) == []


def test_units_and_missing_swedish_letters_are_normalised() -> None:
    assert terms("m³f", "sv") == terms("m3f", "sv")
    assert terms("mätbeskedet", "sv") == terms("matbeskedet", "sv")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "vem vann fotbollen igår"),
        ("en", "what's the weather in Oslo"),
        ("fi", "mikä on paras pizza"),
    ],
)
def test_unrelated_questions_get_no_answer(language: str, text: str) -> None:
    assert decide(text, language).kind == "none"


@pytest.mark.parametrize(
    ("language", "question", "topic"),
    [
        ("en", "There's a row saying 'Slirskada' on the note, what is it?", "mb_reject"),
        ("en", "what does 'Konjunkturstillägg' on my statement mean", "mb_additions"),
        ("fi", "Mitä rivi 'Skrymvolym' tarkoittaa?", "mb_units"),
    ],
)
def test_a_swedish_line_quoted_in_another_language_is_looked_up_where_the_note_is_written(
    language: str, question: str, topic: str
) -> None:
    decision = decide(question, language)
    assert decision.topic == topic, [(h.topic, h.score) for h in decision.hits]
    assert decision.hits[0].language == language
