"""Evaluate how the assistant picks the language of short messages.

Held-out data: eval/language/{sv,en,fi}.txt, short messages (1-6 words) written
independently of the NLU training data and never used for tuning. Tuning data
(--tune): the NLU training examples in nlu_data/nlu/<lang>/ of up to 6 words.

Three situations are scored, because a message that cannot tell its language
keeps the conversation's:
  new        first message of a conversation (undecidable -> sv)
  continuing the conversation is already in the message's language
  switching  the conversation is in one of the other two languages

    .venv/bin/python -m eval.language_detection            # report on held-out
    .venv/bin/python -m eval.language_detection --tune     # grid search on NLU data
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from collections import Counter
from pathlib import Path

from bot.language import SUPPORTED, LanguageRules, choose_language, load_rules
from bot.nlu_examples import read_examples

ROOT = Path(__file__).resolve().parent.parent


def held_out() -> list[tuple[str, str]]:
    """(text, language) pairs of the held-out set."""
    pairs = []
    for lang in SUPPORTED:
        lines = (ROOT / "eval" / "language" / f"{lang}.txt").read_text(encoding="utf-8")
        pairs += [(line.strip(), lang) for line in lines.splitlines() if line.strip()]
    return pairs


def nlu_short_examples(max_words: int = 6) -> list[tuple[str, str]]:
    """(text, language) pairs of NLU training examples of up to `max_words` words."""
    return [
        (text, lang)
        for lang in SUPPORTED
        for text, _intent in read_examples(lang)
        if len(text.split()) <= max_words
    ]


def score(pairs: list[tuple[str, str]], rules: LanguageRules) -> dict[str, dict[str, float]]:
    """Accuracy per situation and language."""
    hits: Counter[tuple[str, str]] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    for text, lang in pairs:
        others = [o for o in SUPPORTED if o != lang]
        situations = {"new": [None], "continuing": [lang], "switching": others}
        for situation, previous_values in situations.items():
            for previous in previous_values:
                got = choose_language(text, previous=previous, rules=rules).language
                hits[situation, lang] += got == lang
                totals[situation, lang] += 1
    return {
        situation: {lang: hits[situation, lang] / totals[situation, lang] for lang in SUPPORTED}
        for situation in ("new", "continuing", "switching")
    }


def lingua_alone(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Accuracy of the bare detector (no rules, no fallbacks), for comparison."""
    from bot.language import _LINGUA_TO_ID, _detector

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text, lang in pairs:
        detected = _detector().detect_language_of(text)
        right[lang] += detected is not None and _LINGUA_TO_ID[detected.name] == lang
        total[lang] += 1
    return {lang: right[lang] / total[lang] for lang in SUPPORTED}


def report(pairs: list[tuple[str, str]], rules: LanguageRules, title: str) -> None:
    counts = Counter(lang for _, lang in pairs)
    sizes = ", ".join(f"{lang} {counts[lang]}" for lang in SUPPORTED)
    print(f"{title}: {len(pairs)} messages ({sizes})")
    print(f"{'situation':<12}" + "".join(f"{lang:>8}" for lang in SUPPORTED) + f"{'all':>8}")
    for situation, per_lang in score(pairs, rules).items():
        mean = sum(per_lang.values()) / len(per_lang)
        print(
            f"{situation:<12}" + "".join(f"{v:>8.3f}" for v in per_lang.values()) + f"{mean:>8.3f}"
        )
    bare = lingua_alone(pairs)
    mean = sum(bare.values()) / len(bare)
    print(f"{'lingua only':<12}" + "".join(f"{v:>8.3f}" for v in bare.values()) + f"{mean:>8.3f}")
    misses = [
        (text, lang, choose_language(text, previous=o, rules=rules).language)
        for text, lang in pairs
        for o in SUPPORTED
        if o != lang and choose_language(text, previous=o, rules=rules).language != lang
    ]
    if misses:
        print("\nmisses when switching (text, truth, answered):")
        for text, lang, got in sorted(set(misses)):
            print(f"  {text!r:<45} {lang} -> {got}")


def tune(rules: LanguageRules) -> None:
    pairs = nlu_short_examples()
    best = None
    for conf, margin in itertools.product([0.3, 0.4, 0.5, 0.6, 0.7], [0.0, 0.1, 0.15, 0.2, 0.3]):
        candidate = dataclasses.replace(rules, min_confidence=conf, min_margin=margin)
        scores = score(pairs, candidate)
        # Both must hold: keep the language when unsure, and switch when sure.
        value = sum(scores["continuing"].values()) + sum(scores["switching"].values())
        print(f"min_confidence={conf:.2f} min_margin={margin:.2f} -> {value / 6:.3f}")
        if best is None or value > best[0]:
            best = (value, conf, margin)
    assert best is not None
    print(f"\nbest on {len(pairs)} NLU examples: min_confidence={best[1]} min_margin={best[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="grid search on the NLU data")
    args = parser.parse_args()
    rules = load_rules()
    if args.tune:
        tune(rules)
    else:
        report(held_out(), rules, "Held-out short messages")


if __name__ == "__main__":
    main()
