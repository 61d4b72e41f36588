"""Answers shaped for SMS: plain text, GSM-7 where it can be, within a number of segments.

Segment sizes (3GPP TS 23.038 / 23.040): GSM-7 160 septets in one SMS, 153
per part of a longer one; UCS-2 70 UTF-16 code units, 67 per part. An
extension character (€ [ ] { } ^ ~ \\ |) costs two septets, and neither an
extension character nor a surrogate pair is split between parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.channels.plain import (
    in_language,
    load_data,
    markdown_lines,
    per_language,
    plain_line,
    shorten,
)
from bot.language import SUPPORTED, detect

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 basic character set (without the escape to the extension table).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7 = GSM7_BASIC | GSM7_EXTENSION
# (units in a single SMS, units per part of a longer one)
LIMITS: dict[Encoding, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

_SOURCE = "bot/data/sms.yml"
_NUMBER = re.compile(r"(?:\+|00)(\d{7,15})")  # E.164: at most 15 digits
_FORMATTING = re.compile(r"\(0\)|[\s().\-/]")  # "+46 (0)70-123 45 67"


@dataclass(frozen=True)
class SmsRules:
    """The tunable data of SMS shaping (bot/data/sms.yml)."""

    assume_ucs2_for_nordic_letters: bool
    nordic_letters: frozenset[str]
    substitutes: dict[str, str]
    not_sentence_ends: frozenset[str]
    more_keyword: dict[str, str]
    more_with_url: dict[str, str]
    more_without_url: dict[str, str]
    phone_languages: dict[str, str | None]
    other_countries: str
    country_codes: frozenset[str]


@cache
def rules() -> SmsRules:
    """The SMS settings, validated."""
    data = load_data("sms")
    loaded = SmsRules(
        assume_ucs2_for_nordic_letters=bool(data["assume_ucs2_for_nordic_letters"]),
        nordic_letters=frozenset(data["nordic_letters"]),
        substitutes=dict(data["substitutes"]),
        not_sentence_ends=frozenset(w.lower() for w in data["not_sentence_ends"]),
        more_keyword=per_language(data, "more_keyword", _SOURCE),
        more_with_url=per_language(data, "more_with_url", _SOURCE),
        more_without_url=per_language(data, "more_without_url", _SOURCE),
        phone_languages={str(k): v for k, v in data["phone_languages"].items()},
        other_countries=data["other_countries"],
        country_codes=frozenset(str(c) for c in data["country_codes"]),
    )
    _check(loaded)
    return loaded


def _check(loaded: SmsRules) -> None:
    languages = [*loaded.phone_languages.values(), loaded.other_countries]
    problems = [
        *(f"{v!r} is not sv, en, fi or null" for v in languages if v and v not in SUPPORTED),
        *(
            f"{p} is no country code"
            for p in loaded.phone_languages
            if not _country_code(p, loaded)
        ),
        *(f"{c!r} is not GSM 03.38" for c in loaded.substitutes.values() if not is_gsm7(c)),
    ]
    if problems:
        raise ValueError(f"{_SOURCE}: " + "; ".join(problems))


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM 03.38 tables."""
    return _GSM7.issuperset(text)


def segments(text: str, *, assume_ucs2_for_nordic_letters: bool | None = None) -> tuple[str, int]:
    """The encoding ("GSM-7" or "UCS-2") an SMS of `text` is budgeted in, and its segment count.

    Å/Ä/Ö count as UCS-2 when `assume_ucs2_for_nordic_letters` (default: the
    setting in bot/data/sms.yml) is on. An empty text needs no segment.
    """
    settings = rules()
    nordic = assume_ucs2_for_nordic_letters
    if nordic is None:
        nordic = settings.assume_ucs2_for_nordic_letters
    ucs2 = not is_gsm7(text) or (nordic and not settings.nordic_letters.isdisjoint(text))
    encoding: Encoding = "UCS-2" if ucs2 else "GSM-7"
    single, per_part = LIMITS[encoding]
    if ucs2:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # surrogate pairs
    else:
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return encoding, _count(costs, single, per_part)


def _count(costs: list[int], single: int, per_part: int) -> int:
    total = sum(costs)
    if total <= single:
        return 1 if costs else 0
    if total == len(costs):  # nothing that must stay whole
        return -(-total // per_part)
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def sms_text(text: str, language: str, max_segments: int = 3, more_url: str | None = None) -> str:
    """`text` as an SMS in `language`: plain, GSM-friendly and at most `max_segments` long.

    A longer answer is cut at a sentence (or word) end and ends with a
    pointer to `more_url`, or to replying for the rest. URLs are never cut.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    body = plain_sms(text)
    if _fits(body, max_segments):
        return body
    pointer = _substitute(_pointer(language, more_url))
    kept = shorten(
        body,
        lambda start: _fits(f"{start}\n{pointer}", max_segments),
        not_sentence_ends=rules().not_sentence_ends,
        ellipsis="...",
    )
    return f"{kept}\n{pointer}" if kept else pointer


def plain_sms(text: str) -> str:
    """`text` without Markdown or typographic characters that force UCS-2, one line per line."""
    lines = markdown_lines(_substitute(text), _link)
    return "\n".join(plain_line(line) for line in lines if line.kind != "blank")


def _link(label: str, url: str) -> str:
    if label in (url, url.split("://", 1)[-1]):
        return url
    return f"{label.rstrip(':')}: {url}"


def _substitute(text: str) -> str:
    return "".join(rules().substitutes.get(ch, ch) for ch in text)


def _fits(text: str, max_segments: int) -> bool:
    return segments(text)[1] <= max_segments


def _pointer(language: str, more_url: str | None) -> str:
    settings = rules()
    if more_url:
        return str(in_language(settings.more_with_url, language)).format(url=more_url)
    keyword = in_language(settings.more_keyword, language)
    return str(in_language(settings.more_without_url, language)).format(keyword=keyword)


def language_from_phone(number: str) -> str | None:
    """The language a phone number's country code suggests (sv, en, fi), or None.

    Takes E.164 ("+46701234567", spaces and dashes allowed) or the 00 prefix
    ("0046701234567"); a number without either, or with an unknown or
    non-geographic country code, gives None. See bot/data/sms.yml.
    """
    digits = international_digits(number)
    if digits is None or country_code(digits) is None:
        return None
    hints = rules().phone_languages
    prefix = max((p for p in hints if digits.startswith(p)), key=len, default=None)
    return hints[prefix] if prefix is not None else rules().other_countries


def international_digits(number: str) -> str | None:
    """The digits after + or 00 (country code first) of an international number, or None."""
    match = _NUMBER.fullmatch(_FORMATTING.sub("", number.strip()))
    return match.group(1) if match else None


def country_code(digits: str) -> str | None:
    """The country calling code that `digits` (an international number) starts with."""
    return _country_code(digits, rules())


def _country_code(digits: str, loaded: SmsRules) -> str | None:
    return next((digits[:n] for n in (1, 2, 3) if digits[:n] in loaded.country_codes), None)


def phone_language_hint(number: str, text: str, *, new_conversation: bool) -> str | None:
    """The language a number's country code suggests, only for a first message that
    does not tell by itself.

    A country code is a weak hint (a Finland-Swede writes Swedish from +358, a
    Norwegian driver may write English), and the gateway ranks a channel hint
    above detection, so it is given only when the message cannot be detected and
    the conversation has no language of its own yet."""
    if not new_conversation or detect(text) is not None:
        return None
    return language_from_phone(number)
