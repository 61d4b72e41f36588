"""The areas an incident can affect: the spec's queue ids and knowledge topic ids,
and the queue each topic belongs to (knowledge/topics.yml)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Final

import yaml

from bot.knowledge.articles import KNOWLEDGE
from bot.triage.training import QUEUES


@cache
def topic_queues() -> dict[str, str]:
    """topic id -> the queue that handles follow-up questions on it."""
    data = yaml.safe_load((KNOWLEDGE / "topics.yml").read_text(encoding="utf-8"))
    return {str(topic): str(entry["queue"]) for topic, entry in data["topics"].items()}


AREAS: Final[tuple[str, ...]] = (*QUEUES, *topic_queues())


def queues_of(areas: Iterable[str]) -> set[str]:
    """The queues `areas` touch: the queues named, and the queues of the topics named."""
    return {a if a in QUEUES else topic_queues()[a] for a in areas if a in AREAS}
