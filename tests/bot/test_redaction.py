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
    "phone",
    [
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "+46 (0)70 123 45 67",
        "+358 40 1234567",
        "+358 40 123 4567",
        "010-228 59 00",
        "08-123 456 78",
        "040 123 4567",  # Finnish mobile, written nationally
        "09 123 4567",  # Helsinki
        "+47 912 34 567",
        "+49 151 23456789",
        "0049 151 23456789",
        "+44 20 7946 0958",
        "+1 415 555 2671",
        "+372 5123 4567",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    assert redact(f"ring mig på {phone} tack") == f"ring mig på {PHONE_MASK} tack"


def test_a_bracketed_number_keeps_its_brackets() -> None:
    text = "ring 010-228 59 00 (+46 10 228 59 00) eller (070) 123 45 67."
    assert redact(text) == f"ring {PHONE_MASK} ({PHONE_MASK}) eller {PHONE_MASK}."


def test_two_numbers_joined_by_a_slash_are_both_masked() -> None:
    assert redact("tel 070-123 45 67/08-123 456 78") == f"tel {PHONE_MASK}/{PHONE_MASK}"


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
        "vrakkod 9993 och 9901 på leverans 2026-12-03",
        "mätbeskedet från 03.12.2026 eller 3/12/26",
        "öppet vardagar 08.00–16.30, lördag 10:00-14:00",
        "summa 12 345,50 kr, 1 234,5 m3fub, 0,75 m3to",
        "123 45 Stockholm, 00100 Helsinki, 02100 Espoo",
        "ordernummer 4500123456, avtal 20261203, id 7120000",
        "beställning 811218-9875",  # a wrong check digit: not a personal number either
        "kontrakt FK00000004, objekt 000000018, mätplats MP-0701234567",
    ],
)
def test_note_numbers_codes_and_dates_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_a_personal_number_is_masked_as_one_not_as_a_phone() -> None:
    assert redact("pnr 19811218-9876, tel 070-123 45 67") == f"pnr {PNR_MASK}, tel {PHONE_MASK}"


def test_contact_details_are_found_for_the_tickets_contact_field() -> None:
    found = contact_details("ring 070-123 45 67 eller mejla anna@akeri.se, tack")
    assert found == ["anna@akeri.se", "070-123 45 67"]
    assert contact_details("inga kontaktuppgifter här") == []


def test_contact_details_find_foreign_numbers_as_written() -> None:
    text = "soita +358 40 123 4567 tai (+47 912 34 567), ei 2026-12-03"
    assert contact_details(text) == ["+358 40 123 4567", "+47 912 34 567"]
    assert contact_details("mejla anna@akeri.se", emails=False) == []
