"""Decide how to answer a knowledge question: answer, ask which topic, or admit not knowing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from bot.knowledge.entities import FactMention, mentions
from bot.knowledge.search import Hit, KnowledgeIndex, default_index
from bot.knowledge.text import words

_SETTINGS = Path(__file__).resolve().parents[1] / "data" / "knowledge.yml"


@dataclass(frozen=True)
class Thresholds:
    max_oos: float
    sure_score: float
    min_score: float
    ambiguity_ratio: float
    max_choices: int
    clarify_max_words: int
    intent_min_confidence: float
    intent_topics: dict[str, str]
    intent_families: dict[str, str]  # intent -> the prefix of its topics' ids
    family_min_score: float


@cache
def thresholds() -> Thresholds:
    """The answer settings (bot/data/knowledge.yml)."""
    return Thresholds(**yaml.safe_load(_SETTINGS.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Decision:
    """`answer` the first hit (the others are close alternatives), `clarify`
    between the hits, or `none` fits."""

    kind: Literal["answer", "clarify", "none"]
    hits: list[Hit] = field(default_factory=list)
    facts: list[FactMention] = field(default_factory=list)
    unrelated: bool = False  # the search finds it is not about VIOL 3 at all

    @property
    def topic(self) -> str | None:
        return self.hits[0].topic if self.kind == "answer" else None

    @property
    def alternatives(self) -> list[Hit]:
        """Close topics offered beside the answer."""
        return self.hits[1:] if self.kind == "answer" else []

    def text(self) -> str:
        """The chat answer, a line each: the named facts first, then the article's
        summary, then the material it names as a list of links. One bubble: Rasa
        would make separate messages of blank-line paragraphs."""
        blocks = [fact.line for fact in self.facts]
        if self.kind == "answer":
            article = self.hits[0].article
            blocks.append(article.summary)
            if article.material:
                blocks.append("\n".join(f"- {m.label}: {m.url}" for m in article.material))
        return "\n".join(blocks)


def ranked(
    query: str, language: str, k: int = 5, *, index: KnowledgeIndex | None = None
) -> tuple[list[Hit], list[FactMention]]:
    """Search hits, with the article of a named fact (a code, unit, ...) first."""
    index = index or default_index()
    facts = mentions(query, language)
    hits = index.search(query, language, k=k)
    for fact in [f for f in facts if f.decisive][:1]:
        own = next((h for h in hits if h.topic == fact.topic), None)
        own = own or index.hit_for(fact.topic, language)
        if own is not None:
            hits = [own, *(h for h in hits if h.topic != fact.topic)][:k]
    return hits, facts


def decide(
    query: str,
    language: str,
    *,
    intent: str | None = None,
    intent_confidence: float = 1.0,
    index: KnowledgeIndex | None = None,
    limits: Thresholds | None = None,
) -> Decision:
    """Answer with the best article, ask between close ones, or say no article fits.

    A confident `intent` that names one topic (bot/data/knowledge.yml)
    answers with that topic's article directly.
    """
    limits = limits or thresholds()
    index = index or default_index()
    sure = intent_confidence >= limits.intent_min_confidence
    topic = limits.intent_topics.get(intent or "") if sure else None
    hit = index.hit_for(topic, language) if topic else None
    if hit is not None:
        return Decision("answer", [hit], mentions(query, language))
    index = index or default_index()
    hits, facts = ranked(query, language, limits.max_choices, index=index)
    if any(f.decisive for f in facts) and hits:  # "what does 9993 mean"
        return Decision("answer", hits[:1], facts)
    best = hits[0].score if hits else 0.0
    # A match this strong is not overruled by the out-of-scope score, which also
    # reacts to the way a question is put ("kan du berätta vad avdrag betyder").
    unrelated = best < limits.sure_score and index.out_of_scope(query, language) >= limits.max_oos
    if unrelated or best < limits.min_score:
        return Decision("none", hits, unrelated=unrelated)
    close = [h for h in hits[1:] if h.score >= limits.ambiguity_ratio * hits[0].score]
    if close and len(words(query, language)) <= limits.clarify_max_words:
        return Decision("clarify", [hits[0], *close], facts)
    return Decision("answer", [hits[0], *close], facts)
