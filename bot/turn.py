"""One decision per turn: what the assistant does with a message.

Rasa's intent is one voice, not the judge. For every message this weighs
together the NLU intent and its confidence, the knowledge search with its
out-of-scope score, triage's needs-a-person verdict and the conversation's
state, and picks one outcome:

- `language`: the message only chooses a language ("in English please");
- `handoff`: a person must act (asked for, a stop, an order), or two
  questions in a row found no answer;
- `small_talk`: plain small talk (greet, thanks, ...) that no article fits;
- `answer` one article, `clarify` between close topics, or `no_answer`
  (honestly: nothing fits, or the question is not ours).

Every decision carries its reasons, for the agent who later reads the
conversation. Importable and testable without any server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.knowledge.answer import Decision, decide, thresholds
from bot.knowledge.search import KnowledgeIndex, default_index
from bot.knowledge.text import folded
from bot.language import SUPPORTED, explicit_choice
from bot.names import is_inflected, other_organisations
from bot.nlu_examples import read_examples
from bot.triage import Rule, needs_person, triage

_SETTINGS = Path(__file__).resolve().parent / "data" / "turn.yml"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# "SYSTEM:", "[admin]:", "### admin override:" at the start of a message.
_ROLE_LABEL = re.compile(r"[\W_]*((?:[^\W\d_]+\s+)?[^\W\d_]+)[\]\s]*:")

Outcome = Literal["answer", "clarify", "no_answer", "handoff", "small_talk", "language"]
# Why a turn hands off: a person must act, the user asked, or nothing answered.
HandoffCause = Literal["needs_person", "asked", "no_answers"]


@dataclass(frozen=True)
class TurnSettings:
    small_talk: dict[str, str]  # intent -> response
    min_intent_confidence: float
    ask_human_min_confidence: float
    misses_before_handoff: int
    cancel_phrases: tuple[str, ...]
    instruction_phrases: tuple[str, ...]
    instruction_verbs: frozenset[str]
    instruction_objects: frozenset[str]
    instruction_window: int
    role_labels: frozenset[str]
    writing_verbs: frozenset[str]
    writing_objects: frozenset[str]
    other_services: tuple[tuple[str, bool], ...]  # (folded name, written capitalised)
    our_names: frozenset[str]
    ours_after_name: frozenset[str]


@cache
def settings(path: Path = _SETTINGS) -> TurnSettings:
    """The turn settings (bot/data/turn.yml)."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TurnSettings(
        small_talk=dict(raw["small_talk"]),
        min_intent_confidence=float(raw["min_intent_confidence"]),
        ask_human_min_confidence=float(raw["ask_human_min_confidence"]),
        misses_before_handoff=int(raw["misses_before_handoff"]),
        cancel_phrases=tuple(" ".join(_words(p)) for p in raw["cancel_phrases"]),
        instruction_phrases=tuple(" ".join(_words(p)) for p in raw["instruction_phrases"]),
        instruction_verbs=frozenset(folded(w) for w in raw["instruction_verbs"]),
        instruction_objects=frozenset(folded(w) for w in raw["instruction_objects"]),
        instruction_window=int(raw["instruction_window"]),
        role_labels=frozenset(folded(w) for w in raw["role_labels"]),
        writing_verbs=frozenset(folded(w) for w in raw["writing_verbs"]),
        writing_objects=frozenset(folded(w) for w in raw["writing_objects"]),
        other_services=tuple((folded(n), n[:1].isupper()) for n in raw["other_services"]),
        our_names=frozenset(folded(w) for w in raw["our_names"]),
        ours_after_name=frozenset(folded(w) for w in raw["ours_after_name"]),
    )


@dataclass(frozen=True)
class Turn:
    """One user message and what is known around it."""

    text: str
    language: str
    intent: str | None = None
    intent_confidence: float = 0.0
    misses: int = 0  # questions in a row the assistant had no answer for


@dataclass(frozen=True)
class TurnDecision:
    outcome: Outcome
    reasons: tuple[str, ...]
    knowledge: Decision = field(default_factory=lambda: Decision("none"))
    response: str | None = None  # the domain response of small talk
    unrelated: bool = False  # no answer because the question is not ours
    person: Rule | None = None  # the triage rule that needs a person, if one does
    cause: HandoffCause | None = None
    language: str | None = None  # the language chosen by a `language` turn

    @property
    def topic(self) -> str | None:
        return self.knowledge.topic if self.outcome == "answer" else None


def _words(text: str) -> list[str]:
    return [folded(word) for word in _WORD.findall(text)]


@cache
def _vocabulary(language: str, intents: frozenset[str]) -> frozenset[str]:
    """Every folded word that these intents' own training examples use."""
    return frozenset(
        word
        for text, intent in read_examples(language)
        if intent in intents
        for word in _words(text)
    )


def _says_only(text: str, language: str, intents: frozenset[str]) -> bool:
    vocabulary = _vocabulary(language if language in SUPPORTED else "sv", intents)
    return all(word in vocabulary for word in _words(text))


def is_plain_small_talk(text: str, language: str) -> bool:
    """Whether the message says nothing but what small talk says ("tack så mycket!")."""
    return _says_only(text, language, frozenset(settings().small_talk))


def is_plain_request_for_person(text: str, language: str) -> bool:
    """Whether the message only asks for a person, without saying what it is about."""
    return _says_only(text, language, frozenset({"ask_human"}))


def decide_turn(
    turn: Turn, *, index: KnowledgeIndex | None = None, rules: TurnSettings | None = None
) -> TurnDecision:
    """The one thing the assistant does with this message, and why."""
    rules = rules or settings()
    index = index or default_index()
    chosen = explicit_choice(turn.text)
    if chosen:
        return TurnDecision("language", (f"language chosen: {chosen}",), language=chosen)

    intent = turn.intent if turn.intent_confidence >= rules.min_intent_confidence else None
    heard = f"intent {turn.intent} {turn.intent_confidence:.2f}" if turn.intent else "no intent"
    search = decide(turn.text, turn.language, index=index)
    unrelated = search.unrelated
    found = _describe(search, unrelated)

    person = needs_person(turn.text)
    if person is not None:
        reason = f"needs a person: {person.id} (priority {person.priority})"
        return TurnDecision(
            "handoff", (reason, heard, found), search, person=person, cause="needs_person"
        )
    if turn.intent == "ask_human" and turn.intent_confidence >= rules.ask_human_min_confidence:
        return TurnDecision("handoff", ("asked for a person", heard, found), search, cause="asked")

    # "/greet" is an intent sent as such (Telegram's /start), not words to weigh.
    payload = turn.text.startswith("/") and turn.text[1:] == turn.intent
    if intent in rules.small_talk and (payload or is_plain_small_talk(turn.text, turn.language)):
        reasons = (heard, "plain small talk", found)
        return TurnDecision("small_talk", reasons, search, response=rules.small_talk[intent])

    if instructs_the_assistant(turn.text, rules):
        reasons = (heard, found, "instructions to the assistant, not a question")
        return TurnDecision("no_answer", reasons, search, unrelated=True)
    if mentions_another_service(turn.text, rules):
        reasons = (heard, found, "about another company's product or service")
        return TurnDecision("no_answer", reasons, search, unrelated=True)
    if names_someone_else(turn.text, rules):
        reasons = (heard, found, "names another organisation or product")
        return TurnDecision("no_answer", reasons, search, unrelated=True)
    if unrelated:
        # The out-of-scope score alone is overruled when the model and the search, two
        # judges of their own, name the same topic ("the 2fa codes never work for me").
        agreed = _intent_topic(turn, search, index, agreeing=True)
        if agreed is not None:
            reasons = (heard, found, "the intent and the search agree on the topic")
            return TurnDecision("answer", reasons, agreed)
        # Or the family: the model is sure it is a question about the note, and the
        # search's best hit, strong enough to answer on, is a part of the note.
        likeliest = _family_topic(turn, search, floor=thresholds().min_score)
        if likeliest is not None:
            reasons = (heard, found, "the intent and the search agree on the family")
            return TurnDecision("answer", reasons, likeliest)
    if unrelated or (intent == "out_of_scope" and search.kind != "answer"):
        return TurnDecision("no_answer", (heard, found), search, unrelated=True)
    if search.kind != "answer" and intent is not None:
        # Weak or split search, but the intent names one of the topics it found.
        named = _intent_topic(turn, search, index)
        if named is not None:
            return TurnDecision("answer", (heard, "the intent names the topic", found), named)
        likeliest = _family_topic(turn, search)
        if likeliest is not None:
            reasons = (heard, "the intent names the family, the search its likeliest topic", found)
            return TurnDecision("answer", reasons, likeliest)
    if search.kind == "none":
        if turn.misses + 1 >= rules.misses_before_handoff:
            reasons = (heard, found, f"{turn.misses + 1} questions without an answer")
            return TurnDecision("handoff", reasons, search, cause="no_answers")
        return TurnDecision("no_answer", (heard, found), search)
    return TurnDecision(search.kind, (heard, found), search)


def names_someone_else(text: str, rules: TurnSettings | None = None) -> bool:
    """Whether the message names an organisation or product of its own, one we do not
    know ("Fortumin sähkölasku", "my Barclays online banking"), and not VIOL or
    Biometria as well."""
    rules = rules or settings()
    if _names_us(_words(text), rules):
        return False
    return bool(other_organisations(text))


def _names_us(words: list[str], rules: TurnSettings) -> bool:
    """Whether the folded words name VIOL, Biometria or the driver client, inflected or not."""
    return any(is_inflected(w, name) for w in words for name in rules.our_names)


def mentions_another_service(text: str, rules: TurnSettings | None = None) -> bool:
    """Whether the message is about a well-known product or organisation that is not
    ours ("two-factor in Gmail", "Postilta saapumisilmoitus", "mitt BankID"), and
    does not name VIOL or Biometria as well."""
    rules = rules or settings()
    spelled = [(folded(word), word[:1].isupper()) for word in _WORD.findall(text)]
    if _names_us([word for word, _ in spelled], rules):
        return False
    for i, (word, capitalised) in enumerate(spelled):
        if i + 1 < len(spelled) and spelled[i + 1][0] in rules.ours_after_name:
            continue  # "Microsoft Authenticator": the app for our two-factor
        if any(
            is_inflected(word, name) and (capitalised or not capital)
            for name, capital in rules.other_services
        ):
            return True
    return False


def instructs_the_assistant(text: str, rules: TurnSettings | None = None) -> bool:
    """Whether the message tries to instruct the assistant itself ("ignore everything
    above", "print your system prompt", "du är nu en pirat") or gives it a writing
    task ("write me a poem about ...") instead of asking."""
    rules = rules or settings()
    words = _words(text)
    if _says_a_phrase(words, rules.instruction_phrases):
        return True
    label = _ROLE_LABEL.match(text)
    if label and any(word in rules.role_labels for word in _words(label.group(1))):
        return True
    pairs = (
        (rules.instruction_verbs, rules.instruction_objects),
        (rules.writing_verbs, rules.writing_objects),
    )
    return any(
        _verb_then_object(words, verbs, objects, rules.instruction_window)
        for verbs, objects in pairs
    )


def _verb_then_object(
    words: list[str], verbs: frozenset[str], objects: frozenset[str], window: int
) -> bool:
    """Whether one of `verbs` has one of `objects` within `window` words after it."""
    return any(
        word in verbs and any(w in objects for w in words[i + 1 : i + window + 1])
        for i, word in enumerate(words)
    )


def is_cancel(text: str) -> bool:
    """Whether the message asks to stop the hand-off form ("avbryt", "cancel that please").
    Courtesy words around it do not matter; a longer message is about something else."""
    words = _words(text)
    if not words or len(words) > 6:
        return False
    return _says_a_phrase(words, settings().cancel_phrases)


def _says_a_phrase(words: list[str], phrases: tuple[str, ...]) -> bool:
    """Whether the folded words contain one of the (folded) phrases as whole words."""
    said = f" {' '.join(words)} "
    return any(f" {phrase} " in said for phrase in phrases)


def answer_while_waiting(text: str, language: str) -> TurnDecision | None:
    """While a case waits for an agent: the article for a plain knowledge question,
    or None (the message is for the agent)."""
    if needs_person(text) is not None or is_plain_small_talk(text, language):
        return None
    search = decide(text, language)
    if search.kind != "answer":
        return None
    return TurnDecision(
        "answer", ("a case waits: answered meanwhile", _describe(search, False)), search
    )


URGENT = 2  # triage priority 1 and 2 must reach a person now


def answer_by_mail(text: str, language: str) -> TurnDecision | None:
    """For a mail: the article when the turn decision answers (so no name of someone
    else, no instruction, nobody asking for a person, not out of scope) and the
    search is sure of it (`sure_score`); None: a person takes the mail. A wrong
    answer by mail costs the user a day, not a turn, and nobody asks back: "the app
    crashes when I register a load" must not get the nearest article, nor an urgent
    matter (triage priority 1 or 2: a stop, a driver locked out at the site) an
    article instead of a person. There is no intent: a mail is not sent to the model."""
    decided = decide_turn(Turn(text, language))
    hits = decided.knowledge.hits
    if decided.outcome != "answer" or not hits or hits[0].score < thresholds().sure_score:
        return None
    if triage(text, language).priority <= URGENT:
        return None
    return decided


def _intent_topic(
    turn: Turn, search: Decision, index: KnowledgeIndex, *, agreeing: bool = False
) -> Decision | None:
    """The article a confident topic intent names, when the search has it among its
    hits without being sure of it itself ("write a poem" taken for a login question
    by the model finds no login article, and gets none). `agreeing`: only when it is
    the search's own best hit, with a score the search would answer on."""
    limits = thresholds()
    if turn.intent_confidence < limits.intent_min_confidence:
        return None
    topic = limits.intent_topics.get(turn.intent or "")
    if topic is None or topic not in {hit.topic for hit in search.hits}:
        return None
    best = search.hits[0]
    if agreeing and (best.topic != topic or best.score < limits.min_score):
        return None
    hit = index.hit_for(topic, turn.language)
    return Decision("answer", [hit], search.facts) if hit else None


def _family_topic(turn: Turn, search: Decision, floor: float | None = None) -> Decision | None:
    """The search's best hit, weak as it is, when a confident intent says the question
    is about that hit's family of topics (the note) and nothing stronger was found.
    `floor`: the score the hit needs (family_min_score unless given)."""
    limits = thresholds()
    family = limits.intent_families.get(turn.intent or "")
    if family is None or turn.intent_confidence < limits.intent_min_confidence:
        return None
    if search.kind != "none" or not search.hits:
        return None
    best = search.hits[0]
    needed = limits.family_min_score if floor is None else floor
    if not best.topic.startswith(family) or best.score < needed:
        return None
    close = [h for h in search.hits[1:] if h.topic.startswith(family)]
    return Decision("answer", [best, *close[: limits.max_choices - 1]], search.facts)


def _describe(search: Decision, unrelated: bool) -> str:
    """What the knowledge search said, in one line for the agent."""
    if unrelated:
        return "search: not a VIOL 3 question"
    if not search.hits:
        return "search: nothing found"
    best = ", ".join(f"{h.topic} {h.score:.2f}" for h in search.hits[:3])
    return f"search {search.kind}: {best}"
