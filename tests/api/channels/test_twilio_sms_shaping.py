"""Texts shaped into SMS: the assistant's answers in parts, agents' replies whole."""

from __future__ import annotations

from api.channels.twilio_sms_service import sms_pages
from api.outbox.senders import SmsSender
from bot.channels.sms import plain_sms, segments

POINTER = "Svara MER så skickar jag resten."
SENTENCE = "Logga in i Chaufförsklienten med ditt konto på https://www.biometria.se/mina-sidor."


def test_a_long_answer_is_split_into_parts_of_at_most_three_sms_with_nothing_lost() -> None:
    text = "## Inloggning\n\n" + " ".join(f"**Steg {n}.** {SENTENCE}" for n in range(1, 9))
    parts = sms_pages(text, "sv")
    assert len(parts) > 1
    assert all(segments(part)[1] <= 3 for part in parts)
    assert all(part.endswith(f"\n{POINTER}") for part in parts[:-1])
    assert POINTER not in parts[-1]
    joined = " ".join(p.removesuffix(f"\n{POINTER}") for p in parts)
    assert " ".join(joined.split()) == " ".join(plain_sms(text).split())
    assert all("**" not in part and "##" not in part for part in parts)


def test_a_short_answer_is_one_part() -> None:
    assert sms_pages(SENTENCE, "sv") == [SENTENCE]


def test_an_agents_reply_is_plain_and_whole_and_cut_only_past_ten_sms() -> None:
    reply = "**Hej!** Se [Mina Sidor](https://www.biometria.se/mina-sidor) – där finns det."
    assert SmsSender.shape(reply) == (
        "Hej! Se Mina Sidor: https://www.biometria.se/mina-sidor - där finns det."
    )
    long = " ".join([SENTENCE] * 20)
    shaped = SmsSender.shape(long)
    assert segments(shaped)[1] <= SmsSender.MAX_SEGMENTS
    assert shaped.endswith("mina-sidor.") and "MER" not in shaped
