"""Evaluate knowledge search on the held-out development set.

eval/knowledge/dev_<lang>.yml holds questions written independently of the
articles (5 per topic and language) and out-of-scope messages; it is never
used for tuning. Reported per language: top-1 and top-3 topic accuracy of
the search, the share of in-scope questions the assistant answers or asks
about (rather than saying it does not know), out-of-scope rejection, and
the confusions.

    .venv/bin/python -m eval.knowledge_search [--confusions]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.answer import decide, ranked
from bot.language import SUPPORTED

DEV = Path(__file__).resolve().parent / "knowledge"


def load_set(language: str, path: Path = DEV, prefix: str = "dev") -> dict[str, Any]:
    """A question set: eval/knowledge/dev_<lang>.yml, or the tuning set eval/tune/."""
    data: dict[str, Any] = yaml.safe_load(
        (path / f"{prefix}_{language}.yml").read_text(encoding="utf-8")
    )
    return data


def _key(text: str) -> str:
    return " ".join(text.lower().replace("?", "").replace(".", "").split())


def seen_texts(language: str) -> set[str]:
    """Questions of the training and tuning data (normalised), to find verbatim overlaps."""
    root = DEV.parent.parent / "knowledge" / "training"
    training = yaml.safe_load((root / f"questions_{language}.yml").read_text(encoding="utf-8"))
    seen = {_key(q) for qs in training["questions"].values() for q in qs}
    tune = load_set(language, DEV.parent / "tune", "tune")
    return seen | {_key(q["text"]) for q in tune["questions"]}


def unseen_only(dev: dict[str, Any], language: str) -> dict[str, Any]:
    """The set without questions that also stand, word for word, in the training or tuning data."""
    seen = seen_texts(language)
    return {
        **dev,
        "questions": [q for q in dev["questions"] if _key(q["text"]) not in seen],
        "out_of_scope": [t for t in dev["out_of_scope"] if _key(t) not in seen],
    }


def evaluate(language: str, dev: dict[str, Any] | None = None) -> dict[str, Any]:
    """Top-1/top-3 accuracy, answered share, out-of-scope rejection and confusions."""
    dev = dev or load_set(language)
    top1 = top3 = handled = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for item in dev["questions"]:
        topics = [hit.topic for hit in ranked(item["text"], language, k=3)[0]]
        top1 += bool(topics) and topics[0] == item["topic"]
        top3 += item["topic"] in topics
        handled += decide(item["text"], language).kind != "none"
        if topics and topics[0] != item["topic"]:
            confusions[item["topic"], topics[0]] += 1
    rejected = sum(decide(text, language).kind == "none" for text in dev["out_of_scope"])
    n, m = len(dev["questions"]), len(dev["out_of_scope"])
    return {
        "questions": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "answered_or_asked": handled / n,
        "out_of_scope": m,
        "oos_rejection": rejected / m,
        "confusions": confusions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--confusions", action="store_true", help="list every confusion")
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="leave out dev questions that also stand word for word in training or tuning data",
    )
    args = parser.parse_args()
    results = {
        lang: evaluate(lang, unseen_only(load_set(lang), lang) if args.unseen else None)
        for lang in SUPPORTED
    }
    print(f"{'lang':<6}{'n':>5}{'top-1':>8}{'top-3':>8}{'handled':>9}{'oos n':>7}{'oos rej':>9}")
    for lang, r in results.items():
        print(
            f"{lang:<6}{r['questions']:>5}{r['top1']:>8.3f}{r['top3']:>8.3f}"
            f"{r['answered_or_asked']:>9.3f}{r['out_of_scope']:>7}{r['oos_rejection']:>9.3f}"
        )
    for lang, r in results.items():
        top = r["confusions"].most_common(None if args.confusions else 8)
        if top:
            print(f"\n{lang}: confusions (truth -> top-1), most frequent first")
            for (truth, got), count in top:
                print(f"  {count} x {truth} -> {got}")


if __name__ == "__main__":
    main()
