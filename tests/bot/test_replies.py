"""The gateway's own texts exist in every language and carry the support facts."""

import pytest

from bot.language import SUPPORTED
from bot.replies import _replies, reply, support_facts


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_unavailable_answer_tells_how_to_reach_support(language: str) -> None:
    text = reply("assistant_unavailable", language)
    contact = support_facts()["contact"]
    for fact in (contact["email"], contact["phone"], contact["portal"]):
        assert fact in text


def test_every_text_exists_in_every_language_and_fills_in() -> None:
    for key, texts in _replies().items():
        assert set(texts) == set(SUPPORTED), key
        for language in SUPPORTED:
            params = {
                "length": 1,
                "seconds": 3,
                "limit": 2,
                "value": "x",
                "opens": "8",
                "closes": "9",
                "area": "A",
                "when": "W",
                "time": "T",
                "weekday": "D",
                "ticket": 7,
                "handling": "H",
                "agent": "Anna",
                "files": "kvitto.exe",
                "title": "Inloggningen",
                "text": "Fel hos leverantören",
                "end": "10:00",
                "day": 6,
                "month": 12,
                "hour": "09",
                "minute": "30",
            }
            text = reply(key, language, **params)
            assert "{" not in text, key


def test_an_unknown_language_falls_back_to_swedish() -> None:
    assert reply("error_message_empty", "de") == reply("error_message_empty", "sv")
