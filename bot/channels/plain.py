"""Markdown to plain lines, and cutting text at a sentence or word (for SMS and speech)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.language import SUPPORTED

DATA = Path(__file__).resolve().parents[1] / "data"

# A web address: with a scheme or starting with www., without trailing punctuation.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?')\]*_]")
EMAIL = re.compile(r"(?<![^\W_])(?<![.+-])[^\W_][\w.+-]*@[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|www\.|mailto:)[^>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|(\d{1,3}[.)]))\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$|^\s*```")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)|\n")

LineKind = Literal["text", "heading", "item", "blank"]


@dataclass(frozen=True)
class Line:
    """One line of an answer, with its Markdown marks removed."""

    kind: LineKind
    text: str
    number: str = ""  # "3." for an item of a numbered list


@cache
def load_data(name: str) -> dict[str, Any]:
    """bot/data/<name>.yml, parsed."""
    data: dict[str, Any] = yaml.safe_load((DATA / f"{name}.yml").read_text(encoding="utf-8"))
    return data


def per_language(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    """`data[key]`, checked to hold every supported language."""
    texts: dict[str, Any] = data[key]
    missing = set(SUPPORTED) - set(texts)
    if missing:
        raise ValueError(f"{source}: {key} has no entry for {sorted(missing)}")
    return texts


def in_language(texts: dict[str, Any], language: str) -> Any:
    """The entry for `language`, or the Swedish one if there is none (as bot/replies.py)."""
    return texts.get(language, texts["sv"])


def markdown_lines(text: str, link: Callable[[str, str], str]) -> list[Line]:
    """The lines of `text` without Markdown; `link(label, url)` renders a link."""
    lines: list[Line] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _RULE.match(raw):
            continue
        raw = _QUOTE.sub("", raw)
        heading, item = _HEADING.match(raw), _ITEM.match(raw)
        kind: LineKind = "heading" if heading else "item" if item else "text"
        body = heading.group(1) if heading else item.group(2) if item else raw
        body = " ".join(inline(body, link).split())
        number = (item.group(1) or "") if item else ""
        lines.append(Line(kind, body, number) if body else Line("blank", ""))
    return lines


def plain_line(line: Line) -> str:
    """A line as plain text: an item with its number or a dash, anything else as it is."""
    if line.kind == "item":
        return f"{line.number or '-'} {line.text}"
    return line.text


def inline(text: str, link: Callable[[str, str], str]) -> str:
    """`text` with links rendered by `link` and bold, italics and code marks removed."""
    text = _LINK.sub(lambda m: link(m.group(1).strip(), _bare(m.group(2))), text)
    text = _AUTOLINK.sub(lambda m: _bare(m.group(1)), text)
    text = re.sub(rf"(\*\*|__|\*|_)({EMAIL.pattern}|{URL.pattern})\1", r"\2", text)  # **url**
    parts = re.split(f"({EMAIL.pattern}|{URL.pattern})", text)
    for i in range(0, len(parts), 2):  # odd parts are addresses: left alone
        part = _CODE.sub(r"\1", parts[i])
        part = _BOLD.sub(r"\2", part)
        parts[i] = _ITALIC.sub(lambda m: m.group(1) or m.group(2), part)
    return "".join(parts)


def _bare(url: str) -> str:
    return url.removeprefix("mailto:").removeprefix("tel:")


def shorten(
    text: str,
    fits: Callable[[str], bool],
    *,
    not_sentence_ends: frozenset[str] = frozenset(),
    ellipsis: str = "",
) -> str:
    """The longest start of `text` that `fits`, or "" if not even one word does.

    The start ends at a sentence (or line) end, unless cutting at a word
    keeps more than twice as much; a word cut gets `ellipsis`. Words
    (and so URLs) are never split.
    """
    sentences = [text[:end].rstrip() for end in _sentence_ends(text, not_sentence_ends)]
    words = [_word_cut(text[: m.start()], ellipsis) for m in re.finditer(r"\s+", text)]
    by_sentence = _longest_fitting(sentences, fits)
    by_word = _longest_fitting([w for w in words if w], fits)
    return by_sentence if 2 * len(by_sentence) >= len(by_word) else by_word


def _word_cut(start: str, ellipsis: str) -> str:
    start = start.rstrip().rstrip(",;:-–—(").rstrip()
    return start if not start or start.endswith((".", "!", "?")) else start + ellipsis


def _sentence_ends(text: str, not_sentence_ends: frozenset[str]) -> list[int]:
    """Where sentences and lines end, except after an abbreviation or a colon."""
    ends = []
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start() + 1].rstrip()
        if m.group() == "\n" and before.endswith(":"):
            continue  # "There are three codes:" announces what was cut
        if before.rsplit(None, 1)[-1].lower() not in not_sentence_ends:
            ends.append(m.end())
    return ends


def _longest_fitting(candidates: Sequence[str], fits: Callable[[str], bool]) -> str:
    """The last candidate that fits; candidates grow, and a longer one never fits better."""
    low, high = 0, len(candidates)
    while low < high:
        middle = (low + high) // 2
        if fits(candidates[middle]):
            low = middle + 1
        else:
            high = middle
    return candidates[low - 1] if low else ""
