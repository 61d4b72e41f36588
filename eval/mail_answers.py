"""How the e-mail channel would treat a set's questions: answered by mail (and with
the right article) or passed to a person: kb.jsonl (plain questions),
out_of_scope.jsonl and triage.jsonl (requests for a person's work).
`python -m eval.mail_answers eval/dialogues-dev5`.

A mail is answered only when the search is sure (bot/turn.py `answer_by_mail`):
this measures how many plain questions that spares a person, how often such an
answer is the right article, and that out-of-scope mails are never answered.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from bot.turn import answer_by_mail


def main(folder: str) -> None:
    figures: dict[str, dict[str, float]] = {}
    for name, in_scope in (
        ("kb.jsonl", True),
        ("out_of_scope.jsonl", False),
        ("triage.jsonl", False),
    ):
        path = Path(folder) / name
        if not path.exists():
            continue
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, answered, right
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            answered = answer_by_mail(item["text"], item["language"])
            row = counts[item["language"]]
            row[0] += 1
            row[1] += answered is not None
            row[2] += answered is not None and answered.topic == item.get("topic")
        for language, (n, answered_n, right) in sorted(counts.items()):
            key = f"{name.removesuffix('.jsonl')} {language}"
            figures[key] = {
                "n": n,
                "answered_share": round(answered_n / n, 3),
                **(
                    {"right_of_answered": round(right / answered_n, 3)}
                    if in_scope and answered_n
                    else {}
                ),
            }
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
