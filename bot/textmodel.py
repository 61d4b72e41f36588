"""A small text classifier that copes with typos and mixed languages.

Character n-grams of the folded text (so "matbesked" meets "mätbesked" and a
typo still shares most n-grams) plus Snowball stems of the words, weighted by
TF-IDF, into a logistic regression. Used for knowledge topics and for triage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.knowledge.text import folded, terms


class _Stems:
    """The stem analyser of one language (a class, so trained models can be pickled)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, text: str) -> list[str]:
        return terms(text, self.language)


class TextClassifier:
    """Probabilities of labels for a text in one language."""

    def __init__(
        self, language: str, texts: Sequence[str], labels: Sequence[str], strength: float = 10.0
    ) -> None:
        self.language = language
        features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(2, 5),
                        preprocessor=folded,
                        sublinear_tf=True,
                    ),
                ),
                ("stems", TfidfVectorizer(analyzer=_Stems(language), sublinear_tf=True)),
            ]
        )
        self.model = Pipeline(
            [("features", features), ("classify", LogisticRegression(C=strength, max_iter=2000))]
        )
        self.model.fit(list(texts), list(labels))
        self.labels: list[str] = [str(label) for label in self.model.classes_]

    def probabilities(self, text: str) -> Mapping[str, float]:
        """label -> probability, summing to 1."""
        return self._probabilities(text)

    # Callers often ask about the same text twice in a row (rank, then check).
    @lru_cache(maxsize=512)  # noqa: B019 (classifiers live as long as the process)
    def _probabilities(self, text: str) -> Mapping[str, float]:
        values = self.model.predict_proba([text])[0]
        return MappingProxyType(dict(zip(self.labels, (float(v) for v in values), strict=True)))

    def best(self, text: str) -> tuple[str, float]:
        """The most likely label and its probability."""
        probabilities = self.probabilities(text)
        label = max(probabilities, key=lambda key: probabilities[key])
        return label, probabilities[label]
