"""Which language the assistant answers in."""

import pytest

from bot.knowledge.vocabulary import swedish_terms
from bot.language import choose_language, detect, explicit_choice, significant_text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jag kan inte logga in i chaufforsklienten", "sv"),
        ("jag har glömt mitt lösenord", "sv"),
        ("en pääse kirjautumaan sisään", "fi"),
        ("koodi ei kelpaa", "fi"),
        ("Chaufförsklienten ei aukea", "fi"),  # a Swedish product name in Finnish
        ("mistä löydän mätbeskedin", "fi"),
        ("how do i read my mätbesked", "en"),
        ("the code from the app does not work", "en"),
    ],
)
def test_detects_the_language_of_a_real_sentence(text: str, language: str) -> None:
    decision = choose_language(text, previous="sv" if language != "sv" else "en")
    assert (decision.language, decision.source) == (language, "detected")


@pytest.mark.parametrize(
    "text", ["ok", "OK!", "2FA", "BankID", "12345", "?", "mätbesked", "VIOL 3"]
)
@pytest.mark.parametrize("previous", ["sv", "en", "fi"])
def test_short_or_neutral_messages_keep_the_conversation_language(text: str, previous: str) -> None:
    decision = choose_language(text, previous=previous)
    assert (decision.language, decision.source) == (previous, "previous")


def test_a_new_conversation_with_a_neutral_message_defaults_to_swedish() -> None:
    assert choose_language("2FA").language == "sv"
    assert choose_language("2FA").source == "default"


def test_the_users_choice_beats_the_channel_hint_and_detection() -> None:
    decision = choose_language("jag kan inte logga in", choice="fi", channel_hint="en")
    assert (decision.language, decision.source) == ("fi", "choice")


def test_the_channel_hint_beats_detection_and_history() -> None:
    decision = choose_language("jag kan inte logga in", channel_hint="en", previous="fi")
    assert (decision.language, decision.source) == ("en", "channel")


def test_detection_beats_the_previous_language() -> None:
    assert choose_language("kiitos paljon avusta", previous="sv").language == "fi"


def test_unsupported_hints_are_ignored() -> None:
    decision = choose_language("2FA", choice="de", channel_hint="no", previous="en")
    assert (decision.language, decision.source) == ("en", "previous")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("In English please", "en"),
        ("på svenska", "sv"),
        ("suomeksi kiitos", "fi"),
        ("på finska", "fi"),  # asked for in Swedish, means Finnish
        ("englanniksi", "en"),
    ],
)
def test_asking_for_a_language_in_words_is_an_explicit_choice(text: str, language: str) -> None:
    assert explicit_choice(text) == language
    decision = choose_language(text, choice="sv" if language != "sv" else "fi")
    assert (decision.language, decision.source) == (language, "choice")


def test_a_long_message_that_mentions_a_language_is_not_a_choice() -> None:
    assert explicit_choice("I do not speak Swedish very well so I write in english") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("kan du svara på engelska? min kollega från Lettland läser med", "en"),
        ("voitko vastata englanniksi? kollegani ei puhu suomea", "en"),
        ("Could you write in Finnish from now on? My Swedish is poor.", "fi"),
    ],
)
def test_a_sentence_asking_for_replies_in_a_language_is_a_choice(text: str, language: str) -> None:
    assert explicit_choice(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Finns handboken för chaufförsklienten på engelska?",  # about the handbook
        "In English please. What does avdrag mean?",  # a question to answer as well
        "svara på svenska eller engelska, vad du vill",  # no one language
    ],
)
def test_a_question_about_a_language_or_beside_the_choice_is_not_a_choice(text: str) -> None:
    assert explicit_choice(text) is None


def test_product_names_and_codes_are_not_evidence_of_a_language() -> None:
    assert significant_text("Chaufförsklienten ei toimi, 2FA koodi 123456") == "ei toimi koodi"
    assert detect("Mina Sidor VIOL 3") is None


def test_an_e_mail_or_web_address_does_not_change_the_language() -> None:
    for text in ("eva.berg@akeriberg.example", "https://www.biometria.se/kontakt"):
        decision = choose_language(text, previous="sv")
        assert decision.language == "sv", (text, decision)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What is 'Omvandlad m3f' on my note?", "en"),
        ('Can you tell me what "Mätmetod: Travmätning" means?', "en"),
        ("what does Avtalsobjekt extern mean on my note", "en"),
        ("Mitä «Nya leveranser» tarkoittaa?", "fi"),
        ("mitä tarkoittaa Omvandlad m3f", "fi"),
    ],
)
def test_quoted_swedish_and_the_notes_field_names_do_not_make_a_message_swedish(
    text: str, language: str
) -> None:
    assert choose_language(text).language == language
    assert choose_language(text, previous=language).language == language


def test_the_swedish_vocabulary_comes_from_the_knowledge_base() -> None:
    terms = swedish_terms()
    # Field names and reject-code names that the English and Finnish articles quote ...
    assert {"avtalsobjekt", "omvandlad", "travmätning", "skogsröta"} <= terms
    # ... but no word our English or Finnish texts use as their own.
    assert not {"the", "and", "och", "all", "to", "ja"} & terms


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("kan inte lossa nu", "sv"),
        ("hjalp", "sv"),
        ("jag har glomt losenordet", "sv"),
        ("hur laser jag matbeskedet", "sv"),
        ("mä en pääse sisään", "fi"),
        ("toimiiks", "fi"),
        ("ei toimi tää appi", "fi"),
        ("mita tama tarkottaa", "fi"),
    ],
)
def test_swedish_and_finnish_without_diacritics_and_colloquial_finnish_are_recognised(
    text: str, language: str
) -> None:
    assert choose_language(text).language == language


def test_one_word_does_not_switch_a_running_conversation_but_a_sentence_does() -> None:
    assert choose_language("kiitos", previous="sv").language == "sv"
    assert choose_language("kiitos paljon", previous="sv").language == "fi"
    assert choose_language("Thanks", previous="fi").language == "fi"
    assert choose_language("thank you so much", previous="fi").language == "en"
