"""Orders a person carries out (a user, a permission, an actor): which one a message
is, what the agent needs for it (bot/data/orders.yml), and what the message
already gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.text import folded
from bot.names import our_words
from bot.redaction import EMAIL_MASK

_DATA = Path(__file__).resolve().parent / "data" / "orders.yml"
# "Skogsbolaget AB", "Mäkisen Metsäpalvelu Oy", "Shaw Forestry Ltd"
_COMPANY = re.compile(
    r"\b((?:[A-ZÅÄÖ][\w&.-]*\s){0,3}(?:AB|Ab|Oy|Oyj|Ltd|Ltd\.|AS|A/S|Ky|HB|KB))(?![\w])"
)


# "Per Berg", "Linda Shaw": capitalised words in a row, not opening a sentence.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÅÄÖ][a-zåäö]+(?:[- ][A-ZÅÄÖ][a-zåäö]+)+)\b")


@dataclass(frozen=True)
class OrderKind:
    id: str
    patterns: tuple[re.Pattern[str], ...]
    fields: tuple[str, ...]


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return loaded


@cache
def kinds() -> tuple[OrderKind, ...]:
    """The order kinds, in the order they are tried."""
    return tuple(
        OrderKind(kind, tuple(re.compile(p) for p in spec["match"]), tuple(spec["fields"]))
        for kind, spec in _data()["orders"].items()
    )


def slot_of(field: str) -> str:
    """The hand-off form's slot that holds `field`."""
    return str(_data()["slots"][field])


def kind_of(text: str) -> OrderKind | None:
    """Which of the common orders `text` is, if any."""
    flat = folded(text)
    return next((k for k in kinds() if any(p.search(flat) for p in k.patterns)), None)


def given(text: str) -> dict[str, str]:
    """The order's fields that the (masked) message itself gives: the company, and
    that an e-mail address was written (the agent opens it from the transcript)."""
    found: dict[str, str] = {}
    company = _COMPANY.search(text)
    if company:
        found["company"] = company.group(1).strip()
    person = _person(text, company.span(1) if company else None)
    if person:
        found["person"] = person
    if EMAIL_MASK in text:
        found["email"] = EMAIL_MASK
    return found


def _person(text: str, company: tuple[int, int] | None) -> str | None:
    """A person's name in the message: capitalised words in a row that are not the
    company's and not words of our own texts ("Mina Sidor")."""
    for match in _NAME.finditer(text.strip()):
        inside = company and company[0] <= match.start(1) < company[1]
        words = match.group(1).replace("-", " ").split()
        if not inside and any(w.lower() not in our_words() for w in words):
            return match.group(1)
    return None
