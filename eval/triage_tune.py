"""Choose `priority_one_threshold` by cross-validation on the TRAINING requests.

For each fold the classifiers are trained on the other folds; the explicit
rules run as in production. Reports, per threshold, priority accuracy and
the recall and precision of priority 1 over all languages. The dev set in
eval/triage/ is not used.

    .venv/bin/python -m eval.triage_tune
"""

from __future__ import annotations

from collections import Counter

from bot.language import SUPPORTED
from bot.textmodel import TextClassifier
from bot.triage import first_rule
from bot.triage.training import load_requests

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 1.01)
FOLDS = 5


def main() -> None:
    counts: dict[float, Counter[str]] = {t: Counter() for t in THRESHOLDS}
    for language in SUPPORTED:
        requests = load_requests(language)
        for fold in range(FOLDS):
            train = [r for i, r in enumerate(requests) if i % FOLDS != fold]
            test = [r for i, r in enumerate(requests) if i % FOLDS == fold]
            model = TextClassifier(
                language, [r.text for r in train], [str(r.priority) for r in train]
            )
            for r in test:
                rule = first_rule(r.text)
                probabilities = model.probabilities(r.text)
                for t in THRESHOLDS:
                    if rule is not None:
                        got = rule.priority
                    elif probabilities.get("1", 0.0) >= t:
                        got = 1
                    else:
                        got = int(max(probabilities, key=lambda k: probabilities[k]))
                    c = counts[t]
                    c["n"] += 1
                    c["right"] += got == r.priority
                    c["p1"] += r.priority == 1
                    c["p1_found"] += r.priority == 1 and got == 1
                    c["said_p1"] += got == 1
    print(f"{'threshold':>10}{'accuracy':>10}{'P1 recall':>11}{'P1 precision':>14}")
    for t, c in counts.items():
        print(
            f"{t:>10}{c['right'] / c['n']:>10.3f}{c['p1_found'] / c['p1']:>11.3f}"
            f"{c['p1_found'] / max(c['said_p1'], 1):>14.3f}"
        )


if __name__ == "__main__":
    main()
