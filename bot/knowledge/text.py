"""Turn text into search terms: spaCy tokens, Snowball stems, folded letters, compound parts.

The same analysis runs on articles and questions, per language:
- tokens from spaCy's rule-based tokenizer for the language (no model needed);
- unit spellings made one ("m³f" -> "m3f");
- Snowball stems ("mätbeskedet" -> "mätbesked"), then å/ä/ö folded, so that
  "matbesked" (typed without Swedish letters) meets "mätbesked";
- compound words split into parts the vocabulary knows ("vrakkvantitet" ->
  "vrak" + "kvantitet", "mittaustodistus" -> "mittaus" + "todistus"), so a
  question with the compound finds articles with the parts, and back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import snowballstemmer
import spacy
from spacy.language import Language as SpacyLanguage

_STEMMER_NAMES = {"sv": "swedish", "en": "english", "fi": "finnish"}
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_UNIT = re.compile(r"m\s?(?:³|\^3)")
_MIN_PART = 3
# Swedish and Finnish compounds often join their parts with these letters.
_LINKS = ("", "s")
_QUOTES = "'\"`´‘’“”«»"


@cache
def _tokenizer(language: str) -> SpacyLanguage:
    return spacy.blank(language)


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMER_NAMES[language])


# A quoted span: "…", “…”, «…», `…`, or '…' (an apostrophe inside a word, as in
# "don't", opens nothing).
QUOTED = re.compile(
    r"\"[^\"\n]{1,120}\"|“[^”\n]{1,120}”|”[^”\n]{1,120}”|«[^»\n]{1,120}»|`[^`\n]{1,120}`"
    r"|(?<!\w)['‘’][^'‘’\n]{1,120}['‘’](?!\w)"
)


def normalise(text: str) -> str:
    """Lower case, NFC, one spelling of cubic-metre units."""
    text = unicodedata.normalize("NFC", text).lower()
    return _UNIT.sub("m3", text)


def folded(text: str) -> str:
    """`normalise`d, with å/ä/ö (and é/ü) folded: "Mätbesked" -> "matbesked"."""
    return normalise(text).translate(_FOLD)


def words(text: str, language: str) -> list[str]:
    """The word and number tokens of `text` (punctuation dropped)."""
    doc = _tokenizer(language)(normalise(text))
    out: list[str] = []
    for token in doc:
        out.extend(_parts(token.text.strip(_QUOTES)))
    return [w for w in out if any(ch.isalnum() for ch in w)]


_CASE_AFTER_COLON = re.compile(r"(.+?):[^\W\d_]{1,5}")


def _parts(token: str) -> list[str]:
    """A quoted field joined to a Finnish or English word ("'avdrag'-rivi", "m3f-luku")
    is the two words; short prefixes stay joined ("e-post"). A Finnish case ending
    after a colon is the word's own ("m3f:llä" is m3f; "7:30" stays a time)."""
    inflected = _CASE_AFTER_COLON.fullmatch(token)
    if inflected:
        token = inflected.group(1)
    head, dash, tail = token.partition("-")
    if not dash:
        return [token]
    head = head.strip(_QUOTES)
    if len(head) >= _MIN_PART and len(tail) >= 2 and not head.isdigit() and not tail.isdigit():
        return [head, *_parts(tail.strip(_QUOTES))]
    return [token]


def stem(word: str, language: str) -> str:
    """The folded Snowball stem of one lower-case word; numbers and codes stay as they are."""
    if any(ch.isdigit() for ch in word):
        return word.translate(_FOLD)
    return str(_stemmer(language).stemWord(word)).translate(_FOLD)


def terms(text: str, language: str) -> list[str]:
    """Search terms of `text`, before compound splitting."""
    return [stem(w, language) for w in words(text, language)]


def split_compound(term: str, vocabulary: set[str] | frozenset[str]) -> list[str]:
    """Two known parts that make up `term`, or [] ("vrakkvantitet" -> ["vrak", "kvantitet"])."""
    if len(term) < 2 * _MIN_PART or any(ch.isdigit() for ch in term):
        return []
    best: list[str] = []
    for cut in range(_MIN_PART, len(term) - _MIN_PART + 1):
        head, tail = term[:cut], term[cut:]
        for link in _LINKS:
            if link and not head.endswith(link):
                continue
            core = head[: len(head) - len(link)] if link else head
            known = len(core) >= _MIN_PART and core in vocabulary and tail in vocabulary
            # Prefer the split with the longest tail: "kvantitet" over "antitet".
            if known and (not best or len(tail) > len(best[1])):
                best = [core, tail]
    return best


def with_compound_parts(found: Iterable[str], vocabulary: set[str] | frozenset[str]) -> list[str]:
    """`found` plus the parts of every compound in it."""
    out: list[str] = []
    for term in found:
        out.append(term)
        out.extend(split_compound(term, vocabulary))
    return out
