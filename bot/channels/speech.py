"""Answers shaped for the ear, for Twilio <Say>: sentences, no links, numbers said clearly.

The words are in bot/data/speech.yml, with the reasons for how clock times,
phone numbers and ranges are read in each language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

from bot.channels.plain import EMAIL, URL, Line, in_language, load_data, markdown_lines, shorten
from bot.channels.sms import country_code, international_digits
from bot.language import SUPPORTED

_SOURCE = "bot/data/speech.yml"
_SECTIONS = (
    "languages", "more_keyword", "more", "url_pointers", "email", "plus",
    "clock", "ranges", "word_range", "priority", "abbreviations", "numbers",
)  # fmt: skip
_HOUR = r"[01]?\d|2[0-3]"
_PHONE = re.compile(
    r"(?<![\w+-])(?:(?:\+|00)\d{1,3}|0\d{1,4})(?:[ -]?\(0\))?(?:[ -]?\d{1,4}){2,6}(?!\w)"
)
_RANGE = re.compile(r"(?<![\w.,:/-])(\d{1,6})\s?[–—-]\s?(\d{1,6})(?!\w|[.,:/-]\d)")
_WORD_RANGE = re.compile(r"\b([^\W\d_]+)–([^\W\d_]+)\b")
_PRIORITY = re.compile(r"\bP([1-5])\b|\b([Pp])rio\.?\s?([1-5])\b")
_EMOJI_PARTS = frozenset("\ufe0f\u200d\u20e3")
_DROPPED = str.maketrans({c: None for c in '`\u201c\u201d\u201e\u00ab\u00bb"\u2026*#'})


@cache
def _data() -> dict[str, Any]:
    data = load_data("speech")
    for section in _SECTIONS:
        missing = set(SUPPORTED) - set(data[section])
        if missing:
            raise ValueError(f"{_SOURCE}: {section} has no entry for {sorted(missing)}")
    return data


SPEECH_LANGUAGES: dict[str, str] = dict(_data()["languages"])


def speech_text(text: str, language: str) -> str:
    """`text` made for the ear in `language`, for Twilio <Say>; capped, with a spoken pointer."""
    lang = language if language in SUPPORTED else "sv"
    spoken = _sentences(_without_emoji(text))
    steps: tuple[Callable[[str, str], str], ...] = (
        _emails, _urls, _times, _phones, _ranges, _word_ranges, _priorities, _abbreviations,
    )  # fmt: skip
    for step in steps:
        spoken = step(spoken, lang)
    return _cap(_tidy(spoken), lang)


def _without_emoji(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) != "So"
        and ch not in _EMOJI_PARTS
        and not "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


def _sentences(text: str) -> str:
    """The Markdown lines as running sentences: headings and list items end with a stop."""
    lines = markdown_lines(text, _link)
    said = []
    for i, line in enumerate(lines):
        if line.kind == "blank":
            continue
        following = lines[i + 1] if i + 1 < len(lines) else Line("blank", "")
        ends_sentence = line.kind != "text" or following.kind != "text"
        sentence = line.text[:1].upper() + line.text[1:] if line.kind == "item" else line.text
        said.append(_stop(sentence) if ends_sentence else sentence)
    return " ".join(said)


def _stop(sentence: str) -> str:
    return sentence if sentence.endswith((".", "!", "?", ":")) else f"{sentence}."


def _link(label: str, url: str) -> str:
    if URL.fullmatch(label) or EMAIL.fullmatch(label) or not URL.match(url):
        return label
    return f"{label} {url}"


def _emails(text: str, lang: str) -> str:
    words = in_language(_data()["email"], lang)

    def say(match: re.Match[str]) -> str:
        local, domain = match.group().split("@", 1)
        dot = f" {words['dot']} "
        local_words = dot.join(_spaced_digits(p) for p in local.split("."))
        domain_words = dot.join(_spaced_digits(p) for p in domain.split("."))
        return f"{local_words} {words['at']} {domain_words}"

    return EMAIL.sub(say, text)


def _spaced_digits(part: str) -> str:
    """Letters and digits apart ("viol3" -> "viol 3"), so the voice does not guess at them."""
    return re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", part)


def _urls(text: str, lang: str) -> str:
    pointers = in_language(_data()["url_pointers"], lang)
    pattern = re.compile(rf"(?:\b([^\W\d_]+)\s+)?({URL.pattern})")

    def say(match: re.Match[str]) -> str:
        word, url = match.group(1), match.group(2)
        host = re.sub(r"^(?:https?://)?", "", url).split("/", 1)[0].lower()
        site = next((s for s in pointers if s != "other" and _on_site(host, s)), "other")
        phrases = pointers[site]
        key = (word or "").lower()
        if key in phrases:
            phrase = str(phrases[key])
            return phrase[:1].upper() + phrase[1:] if word and word[0].isupper() else phrase
        return f"{word} {phrases['default']}" if word else str(phrases["default"])

    return pattern.sub(say, text)


def _on_site(host: str, site: str) -> bool:
    return host == site or host.endswith(f".{site}")


def number_words(n: int, language: str, case: str = "nominative") -> str | None:
    """`n` in words (Finnish in `case`), or None past what bot/data/speech.yml spells."""
    table = in_language(_data()["numbers"], language).get(case)
    if table is None or n < 0:
        return None
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    words = [
        _nth(table, "thousands", thousands),
        _nth(table, "hundreds", hundreds),
        _below_hundred(table, rest) if rest or n == 0 else "",
    ]
    if None in words:
        return None
    return str(table["joiner"]).join(w for w in words if w)


def _nth(table: dict[str, Any], key: str, count: int) -> str | None:
    if count == 0:
        return ""
    words = table.get(key) or []
    return str(words[count - 1]) if count <= len(words) else None


def _below_hundred(table: dict[str, Any], n: int) -> str:
    if n < 20:
        return str(table["ones"][n])
    tens, ones = divmod(n, 10)
    word = str(table["tens"][tens - 2])
    return f"{word}{table['joiner']}{table['ones'][ones]}" if ones else word


def _clock_pattern(lang: str) -> re.Pattern[str]:
    clock = in_language(_data()["clock"], lang)
    words = "|".join(re.escape(w) for w in sorted(clock["words"], key=len, reverse=True))
    word = rf"(?:(?P<word>{words})\s+)?" if words else r"(?P<word>(?!))?"
    time = r"(?P<h{n}>{h})(?:(?P<sep{n}>[:.])(?P<m{n}>[0-5]\d))?(?!\d|[.:,]\d)"
    return re.compile(
        rf"(?<![\w.,:]){word}{time.format(n=1, h=_HOUR)}"
        rf"(?:\s?[–-]\s?{time.format(n=2, h=_HOUR)})?(?=(?:\s+(?P<after>\w+))?)",
        re.IGNORECASE,
    )


def _times(text: str, lang: str) -> str:
    clock = in_language(_data()["clock"], lang)

    def say(match: re.Match[str]) -> str:
        if not _is_time(match):
            return match.group()
        start = (int(match["h1"]), int(match["m1"] or 0))
        if match["h2"] is None:
            case = clock.get("cases_before", {}).get((match["after"] or "").lower(), "nominative")
            said = str(clock["time"]).format(time=_clock(*start, lang, case))
        else:
            first, last = clock.get("range_cases", ["nominative", "nominative"])
            end = (int(match["h2"]), int(match["m2"] or 0))
            said = str(clock["range"]).format(
                start=_clock(*start, lang, first), end=_clock(*end, lang, last)
            )
        return said[:1].upper() + said[1:] if (match["word"] or "x")[0].isupper() else said

    return _clock_pattern(lang).sub(say, text)


def _is_time(match: re.Match[str]) -> bool:
    """A clock word before it, a colon, a range of two times, or a zero-padded hour: 08.00."""
    times = [(match["h1"], match["m1"], match["sep1"])]
    if match["h2"] is not None:
        times.append((match["h2"], match["m2"], match["sep2"]))
    if match["word"]:
        return True
    if any(minutes is None for _, minutes, _ in times):
        return False
    padded = match["h1"].startswith("0")
    return len(times) == 2 or padded or any(sep == ":" for _, _, sep in times)


def _clock(hour: int, minute: int, lang: str, case: str) -> str:
    clock = in_language(_data()["clock"], lang)
    named = clock.get("named", {}).get(f"{hour}:{minute:02d}")
    if named:
        return str(named)
    said_hour = (hour % 12 or 12) if clock.get("twelve_hour") else hour
    starts = sorted(clock.get("periods", {0: ""}).items())
    period = next(name for start, name in reversed(starts) if hour >= start)
    key = "full_hour" if minute == 0 else "minutes_below_ten" if minute < 10 else "minutes"
    return str(clock[key]).format(
        h=number_words(said_hour, lang, case),
        m=number_words(minute, lang, case),
        period=period,
    )


def _phones(text: str, lang: str) -> str:
    def say(match: re.Match[str]) -> str:
        groups = _phone_groups(match.group())
        if groups is None:
            return match.group()
        digits = in_language(_data()["numbers"], lang)["nominative"]["ones"]
        said = [" ".join(str(digits[int(d)]) for d in group.lstrip("+")) for group in groups]
        if groups[0].startswith("+"):
            said[0] = f"{in_language(_data()['plus'], lang)} {said[0]}"
        return ", ".join(said)

    return _PHONE.sub(say, text)


def _phone_groups(number: str) -> list[str] | None:
    """The digit groups of a phone number as written, or grouped if written without spaces."""
    compact = number.replace("(0)", " ")
    count = sum(ch.isdigit() for ch in compact)
    if not 8 <= count <= 15:
        return None
    groups = re.split(r"[ -]+", compact.strip())
    if len(groups) > 1:
        return groups
    digits = international_digits(compact)
    code = country_code(digits) if digits else None
    if digits is None or code is None:
        return _chunks(compact)
    return [f"+{code}", *_chunks(digits[len(code) :])]


def _chunks(digits: str) -> list[str]:
    """Groups of three, the last two of four: 0701234567 -> 070 123 45 67."""
    chunks = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    if len(chunks) > 1 and len(chunks[-1]) == 1:
        chunks[-2:] = [chunks[-2][:2], chunks[-2][2] + chunks[-1]]
    return chunks


def _ranges(text: str, lang: str) -> str:
    rule = in_language(_data()["ranges"], lang)
    first, last = rule.get("cases", [None, None])

    def say(match: re.Match[str]) -> str:
        start, end = match.group(1), match.group(2)
        if first:
            start_words = number_words(int(start), lang, first)
            end_words = number_words(int(end), lang, last)
            if start_words is None or end_words is None:
                return match.group()
            start, end = start_words, end_words
        return str(rule["template"]).format(start=start, end=end)

    return _RANGE.sub(say, text)


def _word_ranges(text: str, lang: str) -> str:
    template = in_language(_data()["word_range"], lang)
    if not template:
        return text
    return _WORD_RANGE.sub(lambda m: str(template).format(start=m[1], end=m[2]), text)


def _priorities(text: str, lang: str) -> str:
    template = str(in_language(_data()["priority"], lang))

    def say(match: re.Match[str]) -> str:
        said = template.format(n=match[1] or match[3])
        return said[:1].upper() + said[1:] if match[2] == "P" else said

    return _PRIORITY.sub(say, text)


def _abbreviations(text: str, lang: str) -> str:
    table: dict[str, str] = in_language(_data()["abbreviations"], lang)
    for short in sorted(table, key=len, reverse=True):
        full = str(table[short])
        pattern = rf"(?<![\w.]){re.escape(short)}(?!\w)"
        text = re.sub(pattern, full, text)
        if short[:1].islower():
            capital = rf"(?<![\w.]){re.escape(short[:1].upper() + short[1:])}(?!\w)"
            text = re.sub(capital, full[:1].upper() + full[1:], text)
    return text


def _tidy(text: str) -> str:
    """Marks a voice reads out or stumbles on removed, pauses as commas, spaces collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").translate(_DROPPED)
    text = re.sub(r"\(\s*[–—-]?\s*\)", "", text)  # "(*)" once the asterisk is gone, "(–)"
    text = re.sub(r"\s+[–—-]\s+", ", ", text)
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    return re.sub(r",(?=[,.;:!?])", "", text)


def _cap(text: str, lang: str) -> str:
    data = _data()
    limit = int(data["max_chars"])
    if len(text) <= limit:
        return text
    keyword = in_language(data["more_keyword"], lang)
    pointer = str(in_language(data["more"], lang)).format(keyword=keyword)
    kept = shorten(text, lambda start: len(start) + 1 + len(pointer) <= limit, ellipsis="...")
    return f"{kept} {pointer}" if kept else pointer
