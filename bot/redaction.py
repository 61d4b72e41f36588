"""Mask personal data before a text is stored, logged or sent to the NLU.

Masked: Swedish personal identity and coordination numbers (personnummer,
samordningsnummer) and Finnish personal identity codes (henkilötunnus), each
only when its check digit is right, so order and note numbers stay readable;
Swedish and Finnish phone numbers; e-mail addresses.
"""

from __future__ import annotations

import re
from datetime import date

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
# International (+46, +358, 0046, 00358) or national (0 and an area code), with
# the spaces and hyphens people type; 7 to 13 digits in all.
_PHONE = re.compile(
    r"(?<![\w+-])(?:(?:\+|00)(?:46|358)[\s-]?\(?0?\)?[\s-]?[1-9]|0[1-9])(?:[\s-]?\d){5,11}(?![\w-])"
)


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


def redact(text: str) -> str:
    """`text` with personal identity numbers, phone numbers and e-mail addresses masked."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _HETU.sub(lambda m: HETU_MASK if is_henkilotunnus(m) else m.group(0), text)
    text = _PNR.sub(lambda m: PNR_MASK if is_personnummer(m) else m.group(0), text)
    return _PHONE.sub(PHONE_MASK, text)


def contact_details(text: str, *, emails: bool = True) -> list[str]:
    """The phone numbers and (unless `emails` is false) e-mail addresses in `text`, as
    written (for a ticket's contact)."""
    return [m.group(0) for m in _EMAIL.finditer(text) if emails] + [
        m.group(0).strip() for m in _PHONE.finditer(_EMAIL.sub(" ", text))
    ]
