"""Short conversations with the real assistant in Swedish, English and Finnish.

The stack fixture runs the real action server, the Rasa server with the model
trained on nlu_data/, and the API over HTTP.
"""

from __future__ import annotations

import pytest

from bot.language import detect
from tests.conftest import Stack, unique

pytestmark = pytest.mark.e2e

# (message, intent the assistant must handle, topic it answers with, words in the answer)
CONVERSATIONS = {
    "sv": [
        ("hej hej", "greet", None, ["Hej"]),
        (
            "jag kommer inte in i chaufförsklienten, lösenordet funkar inte",
            "driver_login",
            "driver_login",
            ["228 59 00"],
        ),
        ("tack för hjälpen", "thanks", None, ["Varsågod"]),
        ("hej då", "goodbye", None, ["Hej då"]),
    ],
    "en": [
        ("hello there", "greet", None, ["Hi"]),
        (
            "i cant log in to the driver app, it says wrong password",
            "driver_login",
            "driver_login",
            ["228 59 00"],
        ),
        ("thanks a lot", "thanks", None, ["welcome"]),
        ("bye, have a nice day", "goodbye", None, ["Goodbye"]),
    ],
    "fi": [
        ("moikka", "greet", None, ["Hei"]),
        (
            "en pääse kirjautumaan chaufförsklienteniin, salasana ei kelpaa",
            "driver_login",
            "driver_login",
            ["228 59 00"],
        ),
        ("kiitos avusta", "thanks", None, ["Ole hyvä"]),
        ("näkemiin", "goodbye", None, ["onnea"]),
    ],
}


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_a_driver_gets_help_logging_in_in_their_language(stack: Stack, language: str) -> None:
    sender = f"e2e-login-{language}"
    for message, intent, topic, words in CONVERSATIONS[language]:
        response = stack.chat(sender, message)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["sender"] == sender
        assert body["language"] == language, message
        assert body["intent"] == intent, message
        assert body["assistant_available"] is True
        text = " ".join(m["text"] for m in body["messages"])
        for word in words:
            assert word in text, (message, text)
        # The answer itself reads as the user's language.
        detected = detect(text)
        assert detected is not None and detected[0] == language, text
        assert body["topic"] == topic, message
        assert body["handoff"] is None


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "koden till tvåfaktorsautentiseringen kommer inte"),
        ("en", "the 2fa code is not accepted"),
        ("fi", "kaksivaiheinen tunnistautuminen ei toimi, koodi ei tule"),
    ],
)
def test_two_factor_questions_are_understood(stack: Stack, language: str, message: str) -> None:
    body = stack.chat(f"e2e-2fa-{language}", message).json()
    assert (body["language"], body["intent"], body["topic"]) == (
        language,
        "driver_2fa",
        "driver_2fa",
    )


def test_a_neutral_message_keeps_the_conversation_language(stack: Stack) -> None:
    sender = "e2e-neutral"
    assert stack.chat(sender, "en pääse kirjautumaan sisään").json()["language"] == "fi"
    for neutral in ("ok", "2FA", "BankID", "123456"):
        body = stack.chat(sender, neutral).json()
        assert body["language"] == "fi", neutral
        assert body["language_source"] == "previous"


def test_the_language_picked_in_the_client_wins_and_sticks(stack: Stack) -> None:
    sender = "e2e-choice"
    body = stack.chat(sender, "jag kan inte logga in", language="en").json()
    assert (body["language"], body["intent"], body["topic"]) == (
        "en",
        "driver_login",
        "driver_login",
    )
    assert "log in" in body["messages"][0]["text"]
    # Without a choice in the request, the earlier choice still holds.
    assert stack.chat(sender, "tack så mycket").json()["language"] == "en"


def test_asking_for_another_language_in_words_switches(stack: Stack) -> None:
    sender = "e2e-switch"
    assert stack.chat(sender, "hej").json()["language"] == "sv"
    assert stack.chat(sender, "suomeksi kiitos").json()["language"] == "fi"
    body = stack.chat(sender, "I cannot log in").json()
    assert body["language"] == "fi" and body["intent"] == "driver_login"


def test_out_of_scope_gets_a_polite_answer_and_no_topic(stack: Stack) -> None:
    body = stack.chat("e2e-oos", "vad blir det för väder i helgen?").json()
    assert body["intent"] == "out_of_scope"
    assert body["topic"] is None
    assert "VIOL 3" in body["messages"][0]["text"]


def test_health_reports_every_part_up(stack: Stack) -> None:
    import httpx

    body = httpx.get(f"{stack.api}/health", timeout=10).json()
    assert body["status"] == "ok"
    assert body["rasa"]["status"] == "up" and body["rasa"]["model"].endswith("viol3.tar.gz")
    assert body["action_server"]["status"] == "up"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "vad betyder vrakkod 9993 på mätbeskedet"),
        ("en", "what does reject code 9993 mean on my mätbesked"),
        ("fi", "mitä hylkykoodi 9993 tarkoittaa mittaustodistuksessa"),
    ],
)
def test_a_knowledge_question_is_answered_from_the_article(
    stack: Stack, language: str, message: str
) -> None:
    body = stack.chat(f"e2e-kb-{language}", message).json()
    assert (body["language"], body["topic"]) == (language, "mb_reject")
    text = body["messages"][0]["text"]
    assert text.startswith("9993") and "Skogsröta" in text.splitlines()[0]
    assert len(text) <= 700  # fits a chat bubble


@pytest.mark.parametrize(
    ("language", "message", "topic"),
    [
        ("sv", "hur länge sparas mätbeskeden", "mb_archive"),
        ("en", "how long are measurement notes kept in the archive", "mb_archive"),
        ("fi", "mitä övermål tarkoittaa", "mb_price_basis"),
    ],
)
def test_measurement_note_questions_get_the_right_article(
    stack: Stack, language: str, message: str, topic: str
) -> None:
    body = stack.chat(f"e2e-mb-{topic}-{language}", message).json()
    assert (body["language"], body["topic"]) == (language, topic)
    assert body["messages"][0]["text"]


def test_reading_the_note_as_a_whole_offers_its_parts_to_go_on_to(stack: Stack) -> None:
    body = stack.chat(unique("e2e-how-to-read"), "hur läser jag mitt mätbesked").json()
    assert body["topic"] == "mb_how_to_read", body
    buttons = [b["title"] for m in body["messages"] for b in m.get("buttons", [])]
    assert buttons[0] == "Mätbeskedets huvuduppgifter" and len(buttons) == 6, buttons


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/greet"])
def test_a_leading_slash_is_text_the_assistant_reads_never_a_command(
    stack: Stack, command: str
) -> None:
    sender = unique("slash")
    asked = stack.chat(sender, "vad betyder avdrag på mätbeskedet?").json()
    assert asked["topic"] == "mb_deduction", asked
    answer = stack.chat(sender, command).json()
    # Read as a command, "/restart" wiped the conversation and the user was told the
    # assistant was down; read as text it is just a word the assistant answers.
    assert answer["assistant_available"] is True, answer
    again = stack.chat(sender, "och vad betyder brutto?").json()
    assert again["topic"] == "mb_gross" and again["language"] == "sv", again
