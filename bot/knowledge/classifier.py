"""A topic classifier per language, learned from how people ask.

BM25 matches the words of the articles; people describe their problem in
other words ("why am I not paid for the whole log" is about övermål). This
model learns from labelled questions (knowledge/training/questions_<lang>.yml),
the articles' own titles, aliases and summaries, and an `out_of_scope` class
learned from the NLU out-of-scope examples. Features are character n-grams of
the folded text and word stems, so typos and Swedish words inside English or
Finnish questions still count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.knowledge.articles import KNOWLEDGE, Article
from bot.knowledge.text import folded
from bot.modelcache import cached
from bot.nlu_examples import read_examples
from bot.textmodel import TextClassifier

OUT_OF_SCOPE = "out_of_scope"
ROOT = KNOWLEDGE.parent


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def training_questions(language: str, root: Path = KNOWLEDGE) -> list[Example]:
    """Labelled questions from knowledge/training/questions_<lang>.yml."""
    path = root / "training" / f"questions_{language}.yml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Example(q, topic) for topic, qs in data["questions"].items() for q in qs]


def out_of_scope_examples(language: str, root: Path = ROOT) -> list[Example]:
    """Messages no topic answers: knowledge/training/out_of_scope_<lang>.yml and
    the NLU examples of the out_of_scope intent."""
    examples = []
    own = root / "knowledge" / "training" / f"out_of_scope_{language}.yml"
    if own.exists():
        texts = yaml.safe_load(own.read_text(encoding="utf-8"))["out_of_scope"]
        examples += [Example(t, OUT_OF_SCOPE) for t in texts]
    nlu = read_examples(language, root / "nlu_data" / "nlu")
    examples += [Example(text, OUT_OF_SCOPE) for text, intent in nlu if intent == OUT_OF_SCOPE]
    return examples


def article_examples(articles: Iterable[Article]) -> list[Example]:
    """Each article's title, aliases and summary as examples of its topic."""
    out = []
    for a in articles:
        out.append(Example(a.title, a.topic))
        out.append(Example(a.summary, a.topic))
        out.extend(Example(alias, a.topic) for alias in a.aliases)
    return out


@cache
def _openings(language: str) -> re.Pattern[str]:
    """The polite openings of knowledge/training/polite_frames.yml, one after another."""
    frames = yaml.safe_load((KNOWLEDGE / "training" / "polite_frames.yml").read_text("utf-8"))
    phrases = sorted((folded(f) for f in frames.get(language, [])), key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in phrases) or "(?!)"
    return re.compile(rf"^(?:\s*(?:{alternatives})\b[\s,.!:;-]*)+")


def without_opening(text: str, language: str) -> str:
    """`text` folded, without the polite opening ("kan du berätta vad ..." -> "vad ...");
    all of it when nothing else is left."""
    text = folded(text).strip()
    return _openings(language).sub("", text) or text


class TopicClassifier(TextClassifier):
    """Probabilities of each topic (and of `out_of_scope`) for a question in one language."""

    def __init__(self, language: str, examples: list[Example]) -> None:
        texts = [without_opening(e.text, language) for e in examples]
        super().__init__(language, texts, [e.label for e in examples])

    def probabilities(self, text: str) -> Mapping[str, float]:
        return super().probabilities(without_opening(text, self.language))


def cached_classifiers(articles: tuple[Article, ...]) -> dict[str, TopicClassifier]:
    """The trained classifiers, from var/cache unless what they learn from changed."""
    sources = [
        KNOWLEDGE / "articles",
        KNOWLEDGE / "training",
        KNOWLEDGE / "facts",
        ROOT / "nlu_data" / "nlu",
        Path(__file__),
    ]
    return cached("topic-classifiers", sources, lambda: train_classifiers(articles))


def train_classifiers(articles: tuple[Article, ...]) -> dict[str, TopicClassifier]:
    """A classifier for every language that has labelled training questions."""
    classifiers = {}
    for language in sorted({a.language for a in articles}):
        questions = training_questions(language)
        if not questions:
            continue
        own = [a for a in articles if a.language == language]
        examples = questions + article_examples(own) + out_of_scope_examples(language)
        classifiers[language] = TopicClassifier(language, examples)
    return classifiers
