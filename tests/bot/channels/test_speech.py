"""Answers read aloud on the phone: no links or Markdown, times and numbers said clearly."""

from __future__ import annotations

import re

import pytest

from bot.channels.speech import SPEECH_LANGUAGES, number_words, speech_text
from bot.knowledge.articles import Article, load_articles
from bot.language import SUPPORTED

POINTERS = {
    "sv": "Säg 'mer' för att höra resten.",
    "en": "Say 'more' to hear the rest.",
    "fi": "Sano 'lisää', niin kerron loput.",
}


def article(topic: str, language: str) -> Article:
    return next(a for a in load_articles() if (a.topic, a.language) == (topic, language))


def test_twilio_gets_a_language_tag_for_every_language() -> None:
    assert SPEECH_LANGUAGES == {"sv": "sv-SE", "en": "en-US", "fi": "fi-FI"}


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("sv", "Börja med Mina Sidor på Biometrias webbplats, som är den primära supportvägen."),
        ("en", "First use Mina Sidor on Biometria's website."),
        ("fi", "Tee tukipyyntö ensisijaisesti Mina Sidor -palvelussa Biometrian verkkosivuilla."),
    ],
)
def test_a_web_address_becomes_a_place(language: str, said: str) -> None:
    speech = speech_text(article("support_channels", language).summary, language)
    assert speech.startswith(said)
    assert "www" not in speech and "http" not in speech


def test_a_finnish_address_keeps_its_case() -> None:
    speech = speech_text("Löydät sen osoitteesta https://www.biometria.se/sv/matning.", "fi")
    assert speech == "Löydät sen Biometrian verkkosivuilta."


def test_a_link_says_its_label_and_where_it_is() -> None:
    speech = speech_text("Read [the handbook](https://www.biometria.se/handbok).", "en")
    assert speech == "Read the handbook on Biometria's website."


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        ("sv", "Vi öppnar 08:00.", "Vi öppnar klockan åtta."),
        (
            "sv",
            "Öppet vardagar 08.00–16.30.",
            "Öppet vardagar klockan åtta till sexton och trettio.",
        ),
        ("sv", "Ring före kl. 9.", "Ring före klockan nio."),
        ("sv", "Stänger kl 21.05.", "Stänger klockan tjugoett noll fem."),
        ("en", "We open at 08:00.", "We open at eight in the morning."),
        (
            "en",
            "Open Monday to Friday, 08:00–16:30 Swedish time.",
            "Open Monday to Friday, eight in the morning to four thirty in the afternoon"
            " Swedish time.",
        ),
        ("en", "Lunch is at 12:00, not 00:00.", "Lunch is at noon, not midnight."),
        ("en", "Call before 20:15.", "Call before eight fifteen in the evening."),
        ("fi", "Avaamme klo 8.00.", "Avaamme kello kahdeksan."),
        (
            "fi",
            "Avoinna klo 8.00–16.30 Ruotsin aikaa.",
            "Avoinna kello kahdeksasta kuuteentoista kolmeenkymmeneen Ruotsin aikaa.",
        ),
        ("fi", "Avoinna klo 16.30 asti.", "Avoinna kello kuuteentoista kolmeenkymmeneen asti."),
        ("fi", "Klo 10 alkaen.", "Kello kymmenestä alkaen."),
    ],
)
def test_clock_times_are_said_in_words(language: str, text: str, said: str) -> None:
    assert speech_text(text, language) == said


@pytest.mark.parametrize(
    "text",
    ["VIOL 3 otettiin käyttöön 2.5.2025.", "Summan blir 1,679 eller 1.5 m3f.", "Version 3.21.1."],
)
def test_dates_and_decimals_are_not_clock_times(text: str) -> None:
    assert speech_text(text, "fi") == text


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        (
            "sv",
            "Ring 010-228 59 00, dygnet runt.",
            "Ring noll ett noll, två två åtta, fem nio, noll noll, dygnet runt.",
        ),
        (
            "en",
            "Call +46 10 228 59 00.",
            "Call plus four six, one zero, two two eight, five nine, zero zero.",
        ),
        (
            "fi",
            "Soita numeroon +46 10 228 59 00.",
            "Soita numeroon plus neljä kuusi, yksi nolla, kaksi kaksi kahdeksan, viisi yhdeksän,"
            " nolla nolla.",
        ),
        (
            "sv",
            "Ring +46701234567.",
            "Ring plus fyra sex, sju noll ett, två tre fyra, fem sex sju.",
        ),
    ],
)
def test_phone_numbers_are_read_digit_by_digit_in_groups(
    language: str, text: str, said: str
) -> None:
    assert speech_text(text, language) == said


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("sv", "support punkt viol 3 snabel-a biometria punkt se"),
        ("en", "support dot viol 3 at biometria dot se"),
        ("fi", "support piste viol 3 ät biometria piste se"),
    ],
)
def test_an_email_address_is_spelled_out(language: str, said: str) -> None:
    assert said in speech_text("support.viol3@biometria.se", language)


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        ("sv", "mellan 1–365 dagar.", "mellan 1 till 365 dagar."),
        ("en", "Codes (9990–9999).", "Codes (9990 to 9999)."),
        ("fi", "(1–365) päivän.", "(yhdestä kolmeensataankuuteenkymmeneenviiteen) päivän."),
        ("sv", "Öppet måndag–fredag.", "Öppet måndag till fredag."),
        ("en", "Open Monday–Friday.", "Open Monday to Friday."),
    ],
)
def test_ranges_are_said_with_the_languages_word(language: str, text: str, said: str) -> None:
    assert speech_text(text, language) == said


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        ("sv", "T.ex. GROT, bl.a. ris.", "Till exempel GROT, bland annat ris."),
        ("sv", "Ärendet blir P1, alltså prio 1.", "Ärendet blir prioritet 1, alltså prioritet 1."),
        (
            "en",
            "Open 24/7, e.g. for a P1 case.",
            "Open around the clock, for example for a priority 1 case.",
        ),
        ("fi", "Esim. P2-tapaus.", "Esimerkiksi prioriteetti 2-tapaus."),
        ("sv", "Instruktion Konton & Enheter.", "Instruktion Konton och Enheter."),
    ],
)
def test_abbreviations_are_read_in_full(language: str, text: str, said: str) -> None:
    assert speech_text(text, language) == said


def test_markdown_and_emoji_are_not_read_and_list_items_become_sentences() -> None:
    text = "**Where you see it:** in the header 🌲\n\nThere are three codes:\n- **PEFC**\n- fsc\n"
    assert speech_text(text, "en") == (
        "Where you see it: in the header. There are three codes: PEFC. Fsc."
    )


@pytest.mark.parametrize("language", SUPPORTED)
def test_a_long_answer_is_cut_at_a_sentence_with_a_spoken_pointer(language: str) -> None:
    body = article("opening_hours", language).body
    speech = speech_text(body + "\n\n" + body, language)
    assert len(speech) <= 600
    assert speech.endswith(POINTERS[language])
    assert speech.removesuffix(" " + POINTERS[language]).endswith(".")


def test_an_unknown_language_is_read_in_swedish() -> None:
    assert speech_text("Öppet 08:00.", "de") == speech_text("Öppet 08:00.", "sv")


@pytest.mark.parametrize(
    ("n", "language", "case", "words"),
    [
        (21, "sv", "nominative", "tjugoett"),
        (45, "en", "nominative", "forty-five"),
        (21, "fi", "nominative", "kaksikymmentäyksi"),
        (16, "fi", "illative", "kuuteentoista"),
        (365, "fi", "elative", "kolmestasadastakuudestakymmenestäviidestä"),
        (2000, "fi", "illative", "kahteentuhanteen"),
        (100, "sv", "nominative", None),  # the voice reads it
        (10000, "fi", "nominative", None),
    ],
)
def test_number_words(n: int, language: str, case: str, words: str | None) -> None:
    assert number_words(n, language, case) == words


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_article_reads_without_links_markdown_or_written_times(language: str) -> None:
    for answer in load_articles():
        if answer.language != language:
            continue
        for text in (answer.summary, answer.body):
            speech = speech_text(text, language)
            assert len(speech) <= 600, answer.topic
            for mark in ("http", "www.", "**", "@", "\n", "•"):
                assert mark not in speech, (answer.topic, mark, speech)
            assert not re.search(r"(?:^|[.:] )[-*] ", speech), (answer.topic, speech)
            assert not re.search(r"\b\d{1,2}[:.]\d\d\b(?![.,]?\d)", speech), speech
