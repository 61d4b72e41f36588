"""Whose names a message uses (bot/names.py): someone else's organisation, or a
person, a place, a name we know or a line quoted from the note."""

from __future__ import annotations

import pytest

from bot.names import other_organisations


def _others(text: str) -> list[str]:
    return other_organisations(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I can't log in to my Barclays online banking", "Barclays"),
        ("Miten saan Danske Bankin tunnuslukusovelluksen uuteen puhelimeen?", "Danske Bankin"),
        ("What's the customer service number for Royal Mail?", "Royal Mail"),
        ("Vilken tid öppnar Biltema på lördagar?", "Biltema"),
        ("Mikä on Elisan asiakaspalvelun numero?", "Elisan"),  # a first name, but alone
        ("Mitä VR:n junalipun vaihtaminen maksaa?", "VR"),
        ("Har Systembolaget öppet på midsommarafton?", "Systembolaget"),
    ],
)
def test_an_organisation_we_do_not_know_is_found(text: str, name: str) -> None:
    assert _others(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        # places, after a preposition or known as towns in any spelling
        "Jag står på mätplatsen i Obbola och undrar vad Avdrag betyder",
        "Olen metsänomistaja ja asun Oulussa, miten luen mittaustodistuksen?",
        # people introduced as such
        "Hej, jag heter Anna och undrar hur jag läser mitt mätbesked",
        "Kalle Ek här, vad betyder bruttovolym?",
        "my colleague Tom can't get the code for the driver client",
        "Ta bort behörigheten för Per Olsson, han har slutat",
        "Lisätkää rooli kollegalleni Mika Korhoselle",
        # a customer's own company, named with its legal form
        "kan ni lägga upp aktören Lindqvists Skogstransport AB åt oss?",
        # our customers, trucks and phones, codes and quoted lines from the note
        "Mitt mätbesked från Holmen visar Qbera, vad betyder det?",
        "The code never arrives on my Samsung",
        "Vad är prislista SERROT1 på mätbeskedet?",
        "What does 'Mätande företag: Skogsbolaget AB' mean on my note?",
        # our own words, hyphenated or inflected
        "Vad står MB-numret högst upp för?",
        "Mina Sidor visar inte mina mätbesked",
    ],
)
def test_people_places_and_names_we_know_are_not_someone_else(text: str) -> None:
    assert _others(text) == []


def test_a_word_capitalised_only_because_it_opens_a_sentence_is_no_name() -> None:
    assert _others("Tjenixen! Skulle behöva veta vad vrak är. Moikka, mitä on vrak?") == []
