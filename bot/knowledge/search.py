"""Language-aware search over the knowledge articles.

Each language has its own BM25 index, analysed with that language's stemmer
and compound splitting (bot/knowledge/text.py). Fields count differently: a
word in the title or the aliases says more about the topic than one in the
body. Where the language has a topic classifier (bot/knowledge/classifier.py),
its probabilities are added to the lexical score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.knowledge.articles import Article, load_articles
from bot.knowledge.classifier import OUT_OF_SCOPE, TopicClassifier, cached_classifiers
from bot.knowledge.text import QUOTED, terms, with_compound_parts, words
from bot.knowledge.vocabulary import is_note_word

FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "summary": 2.0, "body": 1.0}
K1, B = 1.2, 0.75
# A certain classifier counts twice as much as a strong BM25 match; a BM25
# score of BM25_HALF counts half as much as the strongest possible one.
CLASSIFIER_WEIGHT = 2.0
BM25_HALF = 8.0
# Swedish lines quoted from the note in an English or Finnish question ("what
# is 'Vrak Lagringsröta'") are looked up in the Swedish articles too, where the
# note's own words are; a strong match there counts like one in the question's
# own language.
QUOTED_SWEDISH_WEIGHT = 1.0
SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Hit:
    """One search result."""

    topic: str
    language: str
    title: str
    score: float
    snippet: str
    article: Article


def snippet(article: Article) -> str:
    """The article's summary, cut at a word boundary if long."""
    text = article.summary
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


@dataclass
class _LanguageIndex:
    language: str
    articles: list[Article] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    lengths: list[float] = field(default_factory=list)
    vocabulary: frozenset[str] = frozenset()
    _spellings: list[str] = field(default_factory=list)

    def build(self, articles: list[Article]) -> None:
        raw = [self._field_terms(a) for a in articles]
        self.vocabulary = frozenset(t for doc in raw for terms_ in doc.values() for t in terms_)
        for number, fields in enumerate(raw):
            weighted: defaultdict[str, float] = defaultdict(float)
            for name, found in fields.items():
                for term in with_compound_parts(found, self.vocabulary):
                    weighted[term] += FIELD_WEIGHTS[name]
            for term, weight in weighted.items():
                self.postings[term][number] = weight
            self.lengths.append(sum(weighted.values()))
        self.articles = articles
        self._spellings = sorted(self.postings)

    def correct(self, term: str) -> str:
        """`term`, or the indexed term one typo away ("stoknota" -> "stocknota")."""
        if term in self.postings or len(term) < 5 or any(ch.isdigit() for ch in term):
            return term
        allowed = 1 if len(term) < 9 else 2
        match = process.extractOne(
            term, self._spellings, scorer=Levenshtein.distance, score_cutoff=allowed
        )
        return match[0] if match else term

    def _field_terms(self, article: Article) -> dict[str, list[str]]:
        lang = self.language
        return {
            "title": terms(article.title, lang),
            "aliases": [t for alias in article.aliases for t in terms(alias, lang)],
            "summary": terms(article.summary, lang),
            "body": terms(article.body, lang),
        }

    def score(self, query: str) -> dict[int, float]:
        typed = [self.correct(t) for t in terms(query, self.language)]
        found = with_compound_parts(typed, self.vocabulary)
        total = len(self.articles)
        average = sum(self.lengths) / total if total else 1.0
        scores: dict[int, float] = defaultdict(float)
        for term in set(found):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for doc, tf in postings.items():
                norm = K1 * (1 - B + B * self.lengths[doc] / average)
                scores[doc] += idf * tf * (K1 + 1) / (tf + norm)
        return scores


def _saturated(bm25: float) -> float:
    """A BM25 score mapped onto 0..1: strong matches near 1, weak ones near 0."""
    return bm25 / (bm25 + BM25_HALF)


class KnowledgeIndex:
    """Per language: a BM25 index over the articles and, where there is
    training data, a topic classifier; a question's score for a topic is the
    classifier's probability plus the BM25 score relative to the best one."""

    def __init__(
        self, articles: Iterable[Article], classifiers: dict[str, TopicClassifier] | None = None
    ) -> None:
        by_language: dict[str, list[Article]] = defaultdict(list)
        for article in articles:
            by_language[article.language].append(article)
        self._indexes: dict[str, _LanguageIndex] = {}
        for language, group in by_language.items():
            index = _LanguageIndex(language)
            index.build(group)
            self._indexes[language] = index
        self._classifiers = classifiers or {}

    def out_of_scope(self, query: str, language: str) -> float:
        """How likely the classifier finds `query` unrelated to every topic (0 without one)."""
        classifier = self._classifiers.get(language)
        return classifier.probabilities(query).get(OUT_OF_SCOPE, 0.0) if classifier else 0.0

    def _scores(self, query: str, language: str) -> dict[int, float]:
        index = self._indexes[language]
        lexical = index.score(query)
        classifier = self._classifiers.get(language)
        if classifier is None or not lexical:  # no word of the question is known at all
            return lexical
        probabilities = classifier.probabilities(query)
        quoted = self._quoted_swedish(query, language)
        return {
            doc: CLASSIFIER_WEIGHT * probabilities.get(article.topic, 0.0)
            + _saturated(lexical.get(doc, 0.0))
            + QUOTED_SWEDISH_WEIGHT * quoted.get(article.topic, 0.0)
            for doc, article in enumerate(index.articles)
            if doc in lexical or probabilities.get(article.topic, 0.0) > 0.01
        }

    def _quoted_swedish(self, query: str, language: str) -> dict[str, float]:
        """Per topic, how well the Swedish the non-Swedish `query` quotes from the note
        matches our Swedish articles: 1 for the best one, the others relative to it."""
        swedish = self._indexes.get("sv")
        if language == "sv" or swedish is None:
            return {}
        quoted = " ".join(QUOTED.findall(query))
        note_words = [w for w in words(query, language) if is_note_word(w)]
        lookup = f"{quoted} {' '.join(note_words)}".strip()
        scores = swedish.score(lookup) if lookup else {}
        best = max(scores.values(), default=0.0)
        if best <= 0:
            return {}
        return {swedish.articles[doc].topic: score / best for doc, score in scores.items()}

    @property
    def languages(self) -> list[str]:
        return sorted(self._indexes)

    def hit_for(self, topic: str, language: str) -> Hit | None:
        """The article on `topic` in `language` as a hit, if there is one."""
        index = self._indexes.get(language)
        for article in index.articles if index else []:
            if article.topic == topic:
                return Hit(topic, language, article.title, 0.0, snippet(article), article)
        return None

    def search(self, query: str, language: str, k: int = 5) -> list[Hit]:
        """The `k` best articles in `language` for `query`, best first."""
        index = self._indexes.get(language)
        if index is None:
            return []
        ranked = sorted(self._scores(query, language).items(), key=lambda i: (-i[1], i[0]))[:k]
        return [
            Hit(
                topic=index.articles[doc].topic,
                language=language,
                title=index.articles[doc].title,
                score=round(score, 3),
                snippet=snippet(index.articles[doc]),
                article=index.articles[doc],
            )
            for doc, score in ranked
        ]


@cache
def default_index() -> KnowledgeIndex:
    """The index (and classifiers) over knowledge/, built once per process."""
    articles = load_articles()
    return KnowledgeIndex(articles, cached_classifiers(articles))
