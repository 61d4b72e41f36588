"""Personal data never reaches storage, logs or the NLU in clear text."""

import pytest

from bot.redaction import EMAIL_MASK, HETU_MASK, PHONE_MASK, PNR_MASK, contact_details, redact


@pytest.mark.parametrize(
    "pnr", ["19811218-9876", "811218-9876", "198112189876", "811218+9876", "811278-9873"]
)
def test_swedish_personal_and_coordination_numbers_are_masked(pnr: str) -> None:
    assert redact(f"mitt personnummer är {pnr}, hjälp") == f"mitt personnummer är {PNR_MASK}, hjälp"


def test_a_number_with_a_wrong_check_digit_is_left_alone() -> None:
    assert redact("beställning 811218-9875") == "beställning 811218-9875"


@pytest.mark.parametrize("hetu", ["131052-308T", "010594Y9032", "131052A308T"])
def test_finnish_personal_identity_codes_are_masked(hetu: str) -> None:
    assert redact(f"hetu {hetu}") == f"hetu {HETU_MASK}"


@pytest.mark.parametrize(
    "phone", ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+358 40 1234567", "010-228 59 00"]
)
def test_phone_numbers_are_masked(phone: str) -> None:
    assert redact(f"ring mig på {phone} tack") == f"ring mig på {PHONE_MASK} tack"


def test_email_addresses_are_masked() -> None:
    assert redact("skriv till anna.berg+viol@akeri.se") == f"skriv till {EMAIL_MASK}"


@pytest.mark.parametrize(
    "text",
    [
        "Mätbesked MB-000000001",
        "avtalsobjekt 00000018 och kontrakt FK00000004",
        "vrakkod 9993, 1,678 m3f",
        "leverans BIOM76F9FFD3 den 2024-01-31",
        "koordinater N 7120000.0, E 700000.0",
    ],
)
def test_note_numbers_codes_and_dates_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_contact_details_are_found_for_the_tickets_contact_field() -> None:
    found = contact_details("ring 070-123 45 67 eller mejla anna@akeri.se, tack")
    assert found == ["anna@akeri.se", "070-123 45 67"]
    assert contact_details("inga kontaktuppgifter här") == []
