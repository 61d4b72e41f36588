"""Choose the answer thresholds of bot/data/knowledge.yml on the TUNING set.

eval/tune/tune_<lang>.yml (questions and out-of-scope messages written apart
from both the training questions and the held-out dev set) is the only data
used here; the dev set in eval/knowledge/ stays untouched for reporting.

For each candidate (out-of-scope probability, minimum score, ambiguity ratio)
it counts, over all three languages: in-scope questions answered with the
right topic or asked about with the right topic among the choices, minus
wrong answers, plus out-of-scope messages refused. Prints the best settings.

    .venv/bin/python -m eval.knowledge_tune
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.knowledge.answer import decide, thresholds
from bot.knowledge.search import default_index
from bot.language import SUPPORTED
from eval.knowledge_search import load_set

TUNE = Path(__file__).resolve().parent / "tune"


class _Memo:
    """The default index, remembering each question's hits: thresholds do not change them."""

    def __init__(self) -> None:
        self._index = default_index()
        self._seen: dict[tuple[str, ...], Any] = {}

    def search(self, query: str, language: str, k: int = 5) -> Any:
        key = ("search", query, language, str(k))
        if key not in self._seen:
            self._seen[key] = self._index.search(query, language, k)
        return self._seen[key]

    def out_of_scope(self, query: str, language: str) -> float:
        key = ("oos", query, language)
        if key not in self._seen:
            self._seen[key] = self._index.out_of_scope(query, language)
        return float(self._seen[key])

    def hit_for(self, topic: str, language: str) -> Any:
        return self._index.hit_for(topic, language)


MEMO = _Memo()


def objective(limits, sets) -> tuple[float, dict[str, float]]:  # type: ignore[no-untyped-def]
    total = 0.0
    parts = {"right": 0.0, "asked": 0.0, "wrong": 0.0, "refused_in": 0.0, "oos_refused": 0.0}
    for language, data in sets.items():
        for item in data["questions"]:
            d = decide(item["text"], language, limits=limits, index=MEMO)  # type: ignore[arg-type]
            topics = [h.topic for h in d.hits]
            if d.kind == "answer":
                key = "right" if topics[0] == item["topic"] else "wrong"
            elif d.kind == "clarify":
                key = "asked" if item["topic"] in topics else "wrong"
            else:
                key = "refused_in"
            parts[key] += 1
        for text in data["out_of_scope"]:
            refused = decide(text, language, limits=limits, index=MEMO).kind == "none"  # type: ignore[arg-type]
            parts["oos_refused"] += refused
    n_in = sum(len(d["questions"]) for d in sets.values())
    n_out = sum(len(d["out_of_scope"]) for d in sets.values())
    # A wrong answer costs more than asking; refusing an in-scope question costs a little.
    total = (parts["right"] + 0.7 * parts["asked"] - 1.0 * parts["wrong"]) / n_in
    total += parts["oos_refused"] / n_out
    return total, {k: round(v, 0) for k, v in parts.items()}


def main() -> None:
    sets = {lang: load_set(lang, TUNE, "tune") for lang in SUPPORTED}
    base = thresholds()
    results = []
    grid = itertools.product([0.15, 0.2, 0.3, 0.4], [0.4, 0.6, 0.8, 1.0], [0.8, 0.9])
    for oos, min_score, ratio in grid:
        limits = replace(base, max_oos=oos, min_score=min_score, ambiguity_ratio=ratio)
        value, parts = objective(limits, sets)
        results.append((value, oos, min_score, ratio, parts))
        print(f"max_oos={oos} min_score={min_score} ambiguity_ratio={ratio}: {value:.3f} {parts}")
    best = max(results, key=lambda r: r[0])
    print(
        f"\nbest: max_oos={best[1]} min_score={best[2]} ambiguity_ratio={best[3]} "
        f"-> {best[0]:.3f} {best[4]}"
    )


if __name__ == "__main__":
    main()
