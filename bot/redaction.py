"""Mask personal data before a text is stored, logged or sent to the NLU.

Masked: Swedish personal identity and coordination numbers (personnummer,
samordningsnummer) and Finnish personal identity codes (henkilötunnus), each
only when its check digit is right, so order and note numbers stay readable;
phone numbers in any country's format (Google's libphonenumber, through
`phonenumbers`: international ones as written, national ones as Swedish or
Finnish); e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from phonenumbers import Leniency, PhoneNumberMatch, PhoneNumberMatcher

PNR_MASK = "[personnummer]"
HETU_MASK = "[henkilötunnus]"
PHONE_MASK = "[telefon]"
EMAIL_MASK = "[e-post]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDDNNNN, YYYYMMDD-NNNN
_PNR = re.compile(r"(?<![\w-])(\d{2})?(\d{2})(\d{2})(\d{2})\s?([-+]?)\s?(\d{3})(\d)(?![\w-])")
# DDMMYYCNNNX with century sign + - A-F (and the 2023 additions B-F, U-Y)
_HETU = re.compile(r"(?<![\w-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![\w-])")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# A number without a country code is read as Swedish, then as Finnish.
_NATIONAL_REGIONS = ("SE", "FI")
# Written with a country code (+47 ..., 0049 ...), or nationally with the trunk
# prefix 0 (070-..., 040 ...): digits without either are ids, amounts or dates.
_INTERNATIONAL = re.compile(r"\(?(?:\+|00)[1-9]")
_NATIONAL = re.compile(r"\(?0[1-9]")
# 03.12.2026, 2026-12-03, 3/12/26, and 08.00–16.30: a valid number's digits,
# but a date or opening hours.
_DATE = re.compile(r"\d{1,4}([-./])\d{1,2}\1\d{1,4}")
_HOURS = re.compile(r"\d{1,2}[.:]\d{2}\s*[-–—]\s*\d{1,2}[.:]\d{2}")
# Digits joined to a word by a hyphen or slash are an id (MP-0701234567); joined
# to other digits they may be a second number ("070-123 45 67/08-123 456 78").
_JOINED_BEFORE = re.compile(r"[^\W\d_][-/]$")
_JOINED_AFTER = re.compile(r"[-/][^\W\d_]")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _is_date(year: int, month: int, day: int) -> bool:
    if day > 60:  # coordination numbers add 60 to the day
        day -= 60
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_personnummer(match: re.Match[str]) -> bool:
    """Whether a _PNR match is a real Swedish personal or coordination number."""
    century, yy, mm, dd, _sign, serial, check = match.groups()
    year = int((century or "19") + yy)
    if not _is_date(year, int(mm), int(dd)):
        return False
    return _luhn_ok(f"{yy}{mm}{dd}{serial}{check}")


def is_henkilotunnus(match: re.Match[str]) -> bool:
    """Whether a _HETU match is a real Finnish personal identity code."""
    dd, mm, yy, sign, serial, check = match.groups()
    century = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900}
    year = century.get(sign, 2000) + int(yy)
    if not _is_date(year, int(mm), int(dd)) or int(dd) > 31:
        return False
    return _HETU_CHECK[int(f"{dd}{mm}{yy}{serial}") % 31] == check


def _is_phone_number(match: PhoneNumberMatch) -> bool:
    """Whether a match (a valid number for its region, per libphonenumber) is
    written the way people write phone numbers."""
    raw = match.raw_string
    if _DATE.fullmatch(raw) or _HOURS.fullmatch(raw):
        return False
    return bool(_INTERNATIONAL.match(raw) or _NATIONAL.match(raw))


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Where the phone numbers in `text` are, left to right, none overlapping."""
    found: list[tuple[int, int]] = []
    for region in _NATIONAL_REGIONS:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            start, end = _without_open_bracket(match)
            joined = _JOINED_BEFORE.search(text, 0, start) or _JOINED_AFTER.match(text, end)
            if _is_phone_number(match) and not joined and not _overlaps(found, start, end):
                found.append((start, end))
    return sorted(found)


def _without_open_bracket(match: PhoneNumberMatch) -> tuple[int, int]:
    """The match's span; "(+46 10 ...)" matches from its "(" but not to its ")",
    so an unclosed bracket is left in the text."""
    unclosed = match.raw_string.startswith("(") and ")" not in match.raw_string
    return match.start + unclosed, match.end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def _phone_numbers(text: str) -> Iterator[str]:
    for start, end in _phone_spans(text):
        yield text[start:end]


def _mask_phone_numbers(text: str) -> str:
    for start, end in reversed(_phone_spans(text)):
        text = f"{text[:start]}{PHONE_MASK}{text[end:]}"
    return text


def redact(text: str) -> str:
    """`text` with personal identity numbers, phone numbers and e-mail addresses masked."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _HETU.sub(lambda m: HETU_MASK if is_henkilotunnus(m) else m.group(0), text)
    text = _PNR.sub(lambda m: PNR_MASK if is_personnummer(m) else m.group(0), text)
    return _mask_phone_numbers(text)


def contact_details(text: str, *, emails: bool = True) -> list[str]:
    """The phone numbers and (unless `emails` is false) e-mail addresses in `text`, as
    written (for a ticket's contact)."""
    return [m.group(0) for m in _EMAIL.finditer(text) if emails] + list(
        _phone_numbers(_EMAIL.sub(" ", text))
    )
