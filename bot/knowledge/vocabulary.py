"""The Swedish domain vocabulary: the note's field names, product names, reject-code
names, units and price terms, as our own English and Finnish texts quote them.

Derived from knowledge/ itself, not kept as a second list: a Swedish term is a
word that our English or Finnish articles and facts put in parentheses or
quotes ("Avtalsobjekt extern", "(Vrak Skogsröta)") and that our Swedish texts
use too. Such a word in an English or Finnish message is a quotation, not
evidence that the message is Swedish (bot/language.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from bot.knowledge.articles import KNOWLEDGE, load_articles
from bot.knowledge.facts import FACTS, load

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A Swedish term as the English and Finnish texts quote it: (…), "…", “…”.
_QUOTED_TERM = re.compile(r"\(([^()\n]{2,80})\)|\"([^\"\n]{2,80})\"|“([^”\n]{2,80})”")
SWEDISH_LETTERS = frozenset("åäö")
# A long word that our English or Finnish texts also use on its own is still a
# Swedish compound ("bruttokvantitet"); a short one may be an English word too.
_LONG_WORD = 9


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _fact_texts(node: Any, language: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(language, text) of every string in a facts file; None where it has no language."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _fact_texts(value, key if key in ("sv", "en", "fi") else language)
    elif isinstance(node, list):
        for value in node:
            yield from _fact_texts(value, language)
    elif isinstance(node, str):
        yield language, node


def _texts(root: Path) -> Iterator[tuple[str | None, str]]:
    for article in load_articles(root):
        yield article.language, "\n".join((article.title, article.summary, article.body))
    for path in sorted(FACTS.glob("*.yml")):
        yield from _fact_texts(load(path.stem))


@cache
def swedish_terms(root: Path = KNOWLEDGE) -> frozenset[str]:
    """Lower-case words of the Swedish terms our English and Finnish texts quote."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fi.stop_words import STOP_WORDS as FI
    from spacy.lang.sv.stop_words import STOP_WORDS as SV

    swedish: set[str] = set()
    quoted: set[str] = set()
    running: set[str] = set()  # words the English and Finnish texts use outside quotes
    for language, text in _texts(root):
        if language == "sv":
            swedish |= _words(text)
        elif language in ("en", "fi"):
            for match in _QUOTED_TERM.finditer(text):
                quoted |= _words(next(group for group in match.groups() if group))
            running |= _words(_QUOTED_TERM.sub(" ", text))
    stop_words = SV | EN | FI
    return frozenset(
        word
        for word in quoted & swedish
        if len(word) > 1
        and word not in stop_words
        and (word not in running or SWEDISH_LETTERS & set(word) or len(word) >= _LONG_WORD)
    )


def is_note_word(word: str) -> bool:
    """A word of the note's Swedish vocabulary that no English or Finnish writer uses
    as their own ("övermål", "lagringsröta"; not "information")."""
    lowered = word.lower()
    return lowered in swedish_terms() and bool(SWEDISH_LETTERS & set(lowered))
