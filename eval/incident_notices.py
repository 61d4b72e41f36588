"""Who is told of an incident, through the chat as a user meets it.

`python -m eval.incident_notices eval/dialogues-dev5 --base http://localhost:8200
--user NAME --password PW` (an admin of that running assistant) publishes one
incident for the driver queue, asks every question of the set's kb.jsonl and
out_of_scope.jsonl as a new web chat user, and counts who got the operating
message before the answer. A question should be told when its topic's queue
(knowledge/topics.yml) is an affected one, or its topic is `incidents`; an
out-of-scope question never. The incident is resolved at the end.

Figures per language: recall (told / should be told) and precision (should be
told / told), and how many out-of-scope questions were told.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
AREA = "driver"
WORDING = {
    "sv": {"title": "Störning i inloggningen", "text": "Inloggningen går långsamt just nu."},
    "en": {"title": "Sign-in disruption", "text": "Signing in is slow at the moment."},
    "fi": {"title": "Kirjautumishäiriö", "text": "Kirjautuminen on juuri nyt hidasta."},
}


def topic_queues() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))
    return {topic: entry["queue"] for topic, entry in data["topics"].items()}


def told(answer: dict[str, Any], language: str) -> bool:
    return any(WORDING[language]["title"] in m["text"] for m in answer.get("messages", []))


def ask(http: httpx.Client, base: str, item: dict[str, Any]) -> dict[str, Any]:
    body = {"sender": f"notice-eval-{uuid.uuid4().hex[:10]}", "message": item["text"]}
    answer = http.post(f"{base}/api/v1/chat", json=body)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--base", default="http://localhost:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    queues = topic_queues()
    with httpx.Client(timeout=60) as http:
        login = {"username": args.user, "password": args.password}
        token = http.post(f"{args.base}/api/v1/agents/login", json=login).json()["token"]
        admin = {"Authorization": f"Bearer {token}"}
        incident = http.post(
            f"{args.base}/api/v1/incidents",
            json={"texts": WORDING, "areas": [AREA]},
            headers=admin,
        )
        incident.raise_for_status()
        try:
            counts = measure(http, args.base, Path(args.folder), queues)
        finally:
            http.post(
                f"{args.base}/api/v1/incidents/{incident.json()['id']}/resolve",
                json={"resolution": {lang: w["text"] for lang, w in WORDING.items()}},
                headers=admin,
            )
    print(json.dumps(figures(counts), indent=2))


def measure(
    http: httpx.Client, base: str, folder: Path, queues: dict[str, str]
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in ("kb.jsonl", "out_of_scope.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            topic = item.get("topic")
            should = topic is not None and (queues.get(topic) == AREA or topic == "incidents")
            got = told(ask(http, base, item), item["language"])
            row = counts[item["language"]]
            row["should"] += should
            row["told"] += got
            row["right"] += should and got
            row["oos"] += topic is None
            row["oos_told"] += topic is None and got
    return counts


def figures(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    result = {}
    for language, row in sorted(counts.items()):
        result[language] = {
            "recall": round(row["right"] / max(row["should"], 1), 3),
            "precision": round(row["right"] / max(row["told"], 1), 3),
            "should_be_told": row["should"],
            "told": row["told"],
            "out_of_scope_told": row["oos_told"],
            "out_of_scope": row["oos"],
        }
    return result


if __name__ == "__main__":
    main()
