"""Each queue's state at a moment, from the opening hours in bot/hours.py."""

from __future__ import annotations

from datetime import datetime

from api.queues.schemas import QueueOverview, QueueState
from bot.hours import office_hours, queue_is_always_open
from bot.knowledge.facts import load


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
                open_now=open_now,
                always_open=always,
                next_opening=None if open_now else hours.next_opening(now),
            )
        )
    return QueueOverview(now=now.astimezone(hours.zone), case_intake_open=True, queues=states)
