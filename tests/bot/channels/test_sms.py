"""Answers by SMS: plain text, GSM-7 where it can be, at most three segments, links whole."""

from __future__ import annotations

import pytest

from bot.channels.plain import URL
from bot.channels.sms import language_from_phone, segments, sms_text
from bot.knowledge.articles import Article, load_articles
from bot.language import SUPPORTED

POINTERS = {
    "sv": "Svara MER så skickar jag resten.",
    "en": "Reply MORE for the rest.",
    "fi": "Vastaa LISÄÄ, niin lähetän loput.",
}


def article(topic: str, language: str) -> Article:
    return next(a for a in load_articles() if (a.topic, a.language) == (topic, language))


def test_an_english_answer_in_gsm_7_gets_160_characters_per_sms() -> None:
    assert segments("a" * 160) == ("GSM-7", 1)
    assert segments("a" * 161) == ("GSM-7", 2)
    assert segments("a" * 306) == ("GSM-7", 2)  # 153 per part once it is split
    assert segments("a" * 307) == ("GSM-7", 3)
    answer = article("support_channels", "en").summary
    assert segments(answer) == ("GSM-7", 2)


def test_a_text_outside_gsm_7_gets_70_utf16_units_per_sms() -> None:
    assert segments("Привет" + "a" * 64) == ("UCS-2", 1)
    assert segments("Привет" + "a" * 65) == ("UCS-2", 2)
    assert segments("Ж" * 134) == ("UCS-2", 2)  # 67 per part
    assert segments("Ж" * 135) == ("UCS-2", 3)
    assert segments("🌲" * 35) == ("UCS-2", 1)  # an emoji is two UTF-16 units
    assert segments("🌲" * 36) == ("UCS-2", 2)


def test_extension_characters_cost_two_and_are_not_split_between_parts() -> None:
    assert segments("€" * 80) == ("GSM-7", 1)
    assert segments("€" * 81) == ("GSM-7", 2)
    assert segments("a" + "€" * 76) == ("GSM-7", 1)
    assert segments("a" + "[" * 80) == ("GSM-7", 2)  # 1 + 76 pairs fill part one


def test_swedish_letters_are_gsm_7_but_budgeted_as_ucs_2() -> None:
    swedish = "Hör av dig på Mina Sidor, så återkommer vi."
    assert segments(swedish, assume_ucs2_for_nordic_letters=False) == ("GSM-7", 1)
    assert segments(swedish) == ("UCS-2", 1)  # the setting in bot/data/sms.yml
    assert segments("") == ("GSM-7", 0)


def test_a_long_swedish_answer_keeps_its_link_whole_and_ends_with_a_swedish_pointer() -> None:
    url = "https://www.biometria.se/kontakt-och-support/chaufforer"
    answer = (
        f"Läs [instruktionen för chaufförer]({url}) först. " + article("driver_login", "sv").body
    )
    sms = sms_text(answer, "sv")
    assert segments(sms)[1] <= 3
    assert sms.startswith(f"Läs instruktionen för chaufförer: {url} först.")
    assert sms.endswith("\n" + POINTERS["sv"])


def test_a_shortened_answer_points_to_the_whole_answer_when_there_is_a_url() -> None:
    url = "https://www.biometria.se/viol3"
    for language, pointer in {"sv": "Läs mer: ", "en": "Read more: ", "fi": "Lue lisää: "}.items():
        sms = sms_text(article("opening_hours", language).body, language, more_url=url)
        assert sms.endswith(f"\n{pointer}{url}")
        assert segments(sms)[1] <= 3


def test_a_shortened_answer_ends_at_a_sentence() -> None:
    sms = sms_text(article("case_priority", "sv").summary, "sv")
    assert sms == (
        "Biometria prioriterar ärenden i fem nivåer, och stoppande fel i virkesflödet"
        " hanteras först. En chaufför som inte kan lossa för att användare saknas blir"
        " alltid prio 1.\n" + POINTERS["sv"]
    )


def test_an_answer_that_fits_is_sent_as_it_is() -> None:
    answer = article("support_channels", "en").summary
    assert sms_text(answer, "en") == answer


def test_a_url_is_never_cut() -> None:
    url = "https://www.biometria.se/" + "a" * 40
    for filler in range(100, 200, 7):
        sms = sms_text("word " * (filler // 5) + f"see {url} now. " + "more " * 60, "en", 2)
        assert segments(sms)[1] <= 2
        assert url in sms or "https" not in sms, sms


def test_typographic_characters_do_not_force_ucs_2() -> None:
    sms = sms_text("Biometria’s “Mina Sidor” – open 08:00–16:30 Swedish time…", "en")
    assert sms == 'Biometria\'s "Mina Sidor" - open 08:00-16:30 Swedish time...'
    assert segments(sms)[0] == "GSM-7"


def test_markdown_becomes_plain_lines() -> None:
    answer = (
        "## Contact\n\n**First:** open a case in [Mina Sidor](https://www.biometria.se).\n\n"
        "- e-mail _support.viol3@biometria.se_\n* call `010-228 59 00`\n"
        "1. the phone has limited staffing"
    )
    assert sms_text(answer, "en", max_segments=5) == (
        "Contact\nFirst: open a case in Mina Sidor: https://www.biometria.se.\n"
        "- e-mail support.viol3@biometria.se\n- call 010-228 59 00\n"
        "1. the phone has limited staffing"
    )


def test_a_link_to_itself_is_just_the_url_and_underscores_in_urls_stay() -> None:
    url = "https://www.biometria.se/a_b_c/d_e"
    assert sms_text(f"See [{url}]({url}) and {url}", "en") == f"See {url} and {url}"


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_article_fits_three_segments_with_its_links_or_a_pointer(language: str) -> None:
    for answer in load_articles():
        if answer.language != language:
            continue
        for text in (answer.summary, answer.body):
            sms = sms_text(text, language)
            assert segments(sms)[1] <= 3, sms
            assert "**" not in sms and "](" not in sms, sms
            shortened = sms.endswith(POINTERS[language])
            for url in URL.findall(text):
                assert url in sms or shortened, (answer.topic, url, sms)


@pytest.mark.parametrize(
    ("number", "language"),
    [
        ("+46701234567", "sv"),
        ("+46 70-123 45 67", "sv"),
        ("+46 (0)70-123 45 67", "sv"),
        ("0046701234567", "sv"),
        ("+358401234567", "fi"),
        ("+358 18 123 456", "sv"),  # Åland
        ("+4791234567", "sv"),  # Norway
        ("+4520123456", "en"),  # Denmark
        ("+3725123456", "en"),  # Estonia
        ("+14155550100", "en"),
        ("+4915112345678", "en"),
        ("46701234567", None),  # no + or 00: could be a national number
        ("0701234567", None),
        ("+80012345678", None),  # international freephone: no country
        ("+46 70 ABC", None),
        ("", None),
    ],
)
def test_the_country_code_hints_at_the_language(number: str, language: str | None) -> None:
    assert language_from_phone(number) == language
