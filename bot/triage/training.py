"""Labelled triage requests (triage/training/requests_<lang>.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TRAINING = Path(__file__).resolve().parents[2] / "triage" / "training"
QUEUES = (
    "driver",
    "measurement",
    "accounting",
    "transport",
    "production",
    "access",
    "integration",
    "general",
)


@dataclass(frozen=True)
class Request:
    text: str
    queue: str
    priority: int


def load_requests(language: str, path: Path | None = None) -> list[Request]:
    """The labelled requests of one language (every triage/training/*_<lang>.yml,
    or one file), checked against the spec's ids."""
    paths = [path] if path else sorted(TRAINING.glob(f"*_{language}.yml"))
    requests = []
    for p in paths:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        requests += [Request(r["text"], r["queue"], int(r["priority"])) for r in data["requests"]]
    for r in requests:
        if r.queue not in QUEUES or not 1 <= r.priority <= 5:
            raise ValueError(f"{paths}: bad labels {r}")
    return requests
