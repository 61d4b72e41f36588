"""Decide which language (sv, en, fi) a message is answered in.

Precedence, highest first: the user's explicit choice (a language picked in
the client, or a phrase such as "in English please"), the channel's hint
(Telegram's language_code, a phone number's country code), detection
restricted to sv/en/fi, the conversation's previous language, and `sv`.
Messages that are too short or language-neutral ("ok", "2FA", a number)
skip detection and so keep the conversation's language.

Detection reads the sentence, not what it quotes: quoted spans, codes,
numbers, addresses and the Swedish domain vocabulary (the note's field names,
reject-code names, units, price terms: bot/knowledge/vocabulary.py) are left
out first. Words that our own training data (NLU examples, knowledge
questions) uses in one language only decide first, so Swedish and Finnish
typed without å/ä/ö and Finnish colloquial forms are recognised; lingua
decides the rest. In a running conversation, a switch to another language
needs a sentence of it (`switch_min_words` words), not one word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import yaml

from bot.knowledge.text import QUOTED, folded

if TYPE_CHECKING:
    from lingua import LanguageDetector

Lang = Literal["sv", "en", "fi"]
Source = Literal["choice", "channel", "detected", "previous", "default"]
SUPPORTED: tuple[Lang, ...] = get_args(Lang)

_DATA = Path(__file__).parent / "data" / "language.yml"
_ADDRESS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+")
_TRAINING = Path(__file__).resolve().parent.parent / "knowledge" / "training"
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class LanguageDecision:
    """The language chosen for one message, and why."""

    language: Lang
    source: Source
    confidence: float | None = None


@dataclass(frozen=True)
class LanguageRules:
    """The tunable data of language decisions (bot/data/language.yml)."""

    default: Lang
    min_confidence: float
    min_margin: float
    min_letters: int
    neutral_words: frozenset[str]
    neutral_stems: tuple[str, ...]
    neutral_phrases: tuple[str, ...]
    choice_phrases: dict[str, Lang]
    switch_min_words: int = 3
    reply_verbs: frozenset[str] = frozenset()
    language_names: dict[str, Lang] = field(default_factory=dict)  # name -> language
    choice_max_words: int = 8


def is_supported(value: str | None) -> bool:
    """Whether `value` is one of the language ids sv, en, fi."""
    return value in SUPPORTED


@cache
def load_rules(path: Path = _DATA) -> LanguageRules:
    """Read and validate the language rules file once."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    choices: dict[str, Lang] = {}
    for lang, phrases in raw["choice_phrases"].items():
        if not is_supported(lang):
            raise ValueError(f"{path}: unknown language {lang!r} in choice_phrases")
        for phrase in phrases:
            choices[_normalise(phrase)] = lang
    if not is_supported(raw["default"]):
        raise ValueError(f"{path}: default must be one of {SUPPORTED}")
    return LanguageRules(
        default=raw["default"],
        min_confidence=float(raw["min_confidence"]),
        min_margin=float(raw["min_margin"]),
        min_letters=int(raw["min_letters"]),
        neutral_words=frozenset(w.lower() for w in raw["neutral_words"]),
        neutral_stems=tuple(s.lower() for s in raw["neutral_stems"]),
        neutral_phrases=tuple(p.lower() for p in raw["neutral_phrases"]),
        choice_phrases=choices,
        switch_min_words=int(raw.get("switch_min_words", 3)),
        reply_verbs=frozenset(_normalise(v) for v in raw.get("reply_verbs", [])),
        language_names=_language_names(raw.get("language_names", {}), path),
        choice_max_words=int(raw.get("choice_max_words", 8)),
    )


def _language_names(raw: dict[str, list[str]], path: Path) -> dict[str, Lang]:
    """Each language's names ("engelska", "englanniksi") -> that language."""
    names: dict[str, Lang] = {}
    for lang in SUPPORTED:
        names.update((_normalise(word), lang) for word in raw.get(lang, []))
    unknown = set(raw) - set(SUPPORTED)
    if unknown:
        raise ValueError(f"{path}: unknown language {sorted(unknown)} in language_names")
    return names


def _chosen_in(words: list[str], rules: LanguageRules) -> Lang | None:
    """The language one short sentence asks for: a choice phrase, or a reply verb
    with one language's name ("kan du svara på engelska")."""
    if not words or len(words) > rules.choice_max_words:
        return None
    if " ".join(words) in rules.choice_phrases:
        return rules.choice_phrases[" ".join(words)]
    named = {rules.language_names[w] for w in words if w in rules.language_names}
    if len(named) == 1 and any(w in rules.reply_verbs for w in words):
        return named.pop()
    return None


_SENTENCE_WITH_END = re.compile(r"[^.!?;\n]+[.!?;\n]*")


def _normalise(text: str) -> str:
    """Lower case, NFC, punctuation dropped and whitespace folded."""
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(_WORD.findall(text))


def explicit_choice(text: str, rules: LanguageRules | None = None) -> Lang | None:
    """The language a message asks for in words ("på svenska", "in English please")."""
    rules = rules or load_rules()
    normalised = _normalise(text)
    if normalised and len(normalised.split()) <= 6 and normalised in rules.choice_phrases:
        return rules.choice_phrases[normalised]
    sentences = [m.group(0) for m in _SENTENCE_WITH_END.finditer(text)]
    for i, sentence in enumerate(sentences):
        chosen = _chosen_in(_normalise(sentence).split(), rules)
        # A question asked beside the choice ("In English please. What is avdrag?")
        # is to be answered, not dropped: then the message is not a choice alone.
        others = sentences[:i] + sentences[i + 1 :]
        if chosen is not None and not any("?" in other for other in others):
            return chosen
    return None


@cache
def _swedish_terms() -> frozenset[str]:
    # Imported here: bot.knowledge itself imports this module.
    from bot.knowledge.vocabulary import swedish_terms

    return frozenset(folded(term) for term in swedish_terms())


def significant_text(text: str, rules: LanguageRules | None = None) -> str:
    """The part of a message that says something about its language."""
    rules = rules or load_rules()
    normalised = unicodedata.normalize("NFC", text)
    # What is quoted is the note's (or someone else's) language, not the writer's.
    normalised = QUOTED.sub(" ", normalised)
    # An e-mail address or a web address is a name, not words of any language.
    lowered = _ADDRESS.sub(" ", normalised.lower())
    for phrase in rules.neutral_phrases:
        lowered = lowered.replace(phrase, " ")
    terms = _swedish_terms()
    words = [
        w
        for w in _WORD.findall(lowered)
        if not any(ch.isdigit() for ch in w)
        and w not in rules.neutral_words
        and not w.startswith(rules.neutral_stems)
        and folded(w) not in terms
    ]
    return " ".join(words)


def training_texts(language: str, *, unrelated: bool = True) -> list[str]:
    """What our own training data says in `language`: NLU examples, knowledge questions,
    and (unless `unrelated` is false) the examples of what is not ours."""
    from bot.nlu_examples import read_examples

    texts = [
        text for text, intent in read_examples(language) if unrelated or intent != "out_of_scope"
    ]
    questions = yaml.safe_load((_TRAINING / f"questions_{language}.yml").read_text("utf-8"))
    texts += [q for qs in questions["questions"].values() for q in qs]
    if unrelated:
        others = yaml.safe_load((_TRAINING / f"out_of_scope_{language}.yml").read_text("utf-8"))
        texts += list(others["out_of_scope"])
    return texts


@cache
def _lexicon() -> dict[str, frozenset[Lang]]:
    """Each folded word of the training data, with the languages that use it."""
    used: dict[str, set[Lang]] = {}
    for language in SUPPORTED:
        for text in training_texts(language):
            for word in significant_text(text).split():
                used.setdefault(folded(word), set()).add(language)
    return {word: frozenset(languages) for word, languages in used.items()}


def _vote(words: list[str]) -> Lang | None:
    """The language whose own words the message uses, if they point one way only."""
    lexicon = _lexicon()
    votes: Counter[Lang] = Counter()
    for word in words:
        languages = lexicon.get(folded(word), frozenset())
        if len(languages) == 1:
            votes[next(iter(languages))] += 1
    ranked = votes.most_common(2)
    if not ranked:
        return None
    best, best_votes = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best if runner_up == 0 or best_votes >= 2 * runner_up + 1 else None


@cache
def _detector() -> LanguageDetector:
    # Imported lazily: building the detector loads the language models (~1 s).
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.SWEDISH, Language.ENGLISH, Language.FINNISH)
        .with_preloaded_language_models()
        .build()
    )


_LINGUA_TO_ID: dict[str, Lang] = {"SWEDISH": "sv", "ENGLISH": "en", "FINNISH": "fi"}


def detect(text: str, rules: LanguageRules | None = None) -> tuple[Lang, float] | None:
    """Detect the language of `text`, or None when the text cannot tell."""
    rules = rules or load_rules()
    significant = significant_text(text, rules)
    if sum(ch.isalpha() for ch in significant) < rules.min_letters:
        return None
    voted = _vote(significant.split())
    if voted:
        return voted, 1.0
    values = _detector().compute_language_confidence_values(significant)
    best, runner_up = values[0], values[1]
    if best.value < rules.min_confidence or best.value - runner_up.value < rules.min_margin:
        return None
    return _LINGUA_TO_ID[best.language.name], float(best.value)


def warm_up() -> None:
    """Load the detector and the word lists now, so the first user does not wait."""
    _detector()
    _lexicon()


def _is_sentence(text: str, rules: LanguageRules) -> bool:
    """Whether `text` says enough in its own words to switch a running conversation."""
    return len(significant_text(text, rules).split()) >= rules.switch_min_words


def choose_language(
    text: str,
    *,
    choice: str | None = None,
    channel_hint: str | None = None,
    previous: str | None = None,
    rules: LanguageRules | None = None,
) -> LanguageDecision:
    """Decide the reply language of one message (see the module docstring)."""
    rules = rules or load_rules()
    said = explicit_choice(text, rules)
    if said:
        return LanguageDecision(said, "choice")
    if is_supported(choice):
        return LanguageDecision(choice, "choice")  # type: ignore[arg-type]
    if is_supported(channel_hint):
        return LanguageDecision(channel_hint, "channel")  # type: ignore[arg-type]
    detected = detect(text, rules)
    if detected and (
        not is_supported(previous) or detected[0] == previous or _is_sentence(text, rules)
    ):
        return LanguageDecision(detected[0], "detected", detected[1])
    if is_supported(previous):
        return LanguageDecision(previous, "previous")  # type: ignore[arg-type]
    return LanguageDecision(rules.default, "default")
