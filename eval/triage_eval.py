"""Evaluate triage on a held-out set (eval/triage/<set>_<lang>.yml).

`dev` is the development set, written apart from the training requests
(triage/training/). `fresh` was written later, blind (its author saw neither
the training requests, the rules nor the dev set), to check that changes made
while the dev set was known still generalise. Neither is ever used for
training or tuning. Reported per language: priority and queue accuracy,
recall of priority 1, and both confusion matrices.

    .venv/bin/python -m eval.triage_eval [--set dev|fresh] [--misses]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bot.language import SUPPORTED
from bot.triage import triage
from bot.triage.training import QUEUES, load_requests

DEV = Path(__file__).resolve().parent / "triage"


def evaluate(language: str, name: str = "dev", show_misses: bool = False) -> dict:  # type: ignore[type-arg]
    requests = load_requests(language, DEV / f"{name}_{language}.yml")
    priorities: Counter[tuple[int, int]] = Counter()
    queues: Counter[tuple[str, str]] = Counter()
    for r in requests:
        result = triage(r.text, language)
        priorities[r.priority, result.priority] += 1
        if show_misses and (r.priority, r.queue) != (result.priority, result.queue):
            print(
                f"{language} P{r.priority}->{result.priority} {r.queue}->{result.queue}: {r.text}"
            )
        queues[r.queue, result.queue] += 1
    n = len(requests)
    p1 = sum(v for (t, _), v in priorities.items() if t == 1)
    return {
        "n": n,
        "priority_accuracy": sum(v for (t, g), v in priorities.items() if t == g) / n,
        "queue_accuracy": sum(v for (t, g), v in queues.items() if t == g) / n,
        "p1_recall": priorities[1, 1] / p1 if p1 else float("nan"),
        "p1_n": p1,
        "priorities": priorities,
        "queues": queues,
    }


def matrix(counts: Counter, labels: list) -> str:  # type: ignore[type-arg]
    width = max(len(str(label)) for label in labels) + 1
    head = " " * width + "".join(f"{str(label)[:6]:>7}" for label in labels)
    rows = [f"{t!s:<{width}}" + "".join(f"{counts[t, g]:>7}" for g in labels) for t in labels]
    return "\n".join([head, *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="dev", choices=["dev", "fresh"])
    parser.add_argument("--misses", action="store_true", help="print every wrong triage")
    args = parser.parse_args()
    results = {lang: evaluate(lang, args.set, args.misses) for lang in SUPPORTED}
    print(f"{'lang':<6}{'n':>5}{'priority':>10}{'queue':>8}{'P1 recall':>11}{'P1 n':>6}")
    for lang, r in results.items():
        print(
            f"{lang:<6}{r['n']:>5}{r['priority_accuracy']:>10.3f}{r['queue_accuracy']:>8.3f}"
            f"{r['p1_recall']:>11.3f}{r['p1_n']:>6}"
        )
    for lang, r in results.items():
        print(f"\n{lang}: priority (rows truth, columns triage)")
        print(matrix(r["priorities"], [1, 2, 3, 4, 5]))
        print(f"{lang}: queue (rows truth, columns triage)")
        print(matrix(r["queues"], list(QUEUES)))


if __name__ == "__main__":
    main()
