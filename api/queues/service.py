"""The queues: which ids exist, and each queue's state at a moment, from the opening
hours in bot/hours.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from api.errors import DomainError
from api.queues.schemas import QueueOverview, QueueState, Texts
from bot.hours import office_hours, queue_is_always_open
from bot.knowledge.facts import load
from bot.language import SUPPORTED
from bot.triage.training import QUEUES


class UnknownQueue(DomainError):
    """A queue id that is not one of the spec's (a request the caller can fix)."""

    status_code = 422
    code = "unknown_queue"
    message = "No such queue. The queues are: " + ", ".join(QUEUES) + "."


def known_queues(queues: Iterable[str]) -> list[str]:
    """`queues` without repeats, in the spec's order; UnknownQueue if one is not a queue."""
    wanted = set(queues)
    if wanted - set(QUEUES):
        raise UnknownQueue
    return [q for q in QUEUES if q in wanted]


def overview(*, now: datetime, language: str) -> QueueOverview:
    """Every queue of the spec, in its order, open or not at `now`."""
    hours = office_hours()
    states = []
    for area in load("opening_hours")["areas"]:
        always = queue_is_always_open(area["queue"])
        open_now = always or hours.is_open(now)
        states.append(
            QueueState(
                id=area["queue"],
                name=area["name"][language],
                names=Texts(**{lang: area["name"][lang] for lang in SUPPORTED}),
                open_now=open_now,
                always_open=always,
                next_opening=None if open_now else hours.next_opening(now),
            )
        )
    return QueueOverview(now=now.astimezone(hours.zone), case_intake_open=True, queues=states)
