"""Due times per priority tier, counted in calendar or office time (bot/data/sla.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

from bot.hours import office_hours

_DATA = Path(__file__).parent / "data" / "sla.yml"


@dataclass(frozen=True)
class Target:
    duration: timedelta
    around_the_clock: bool


@cache
def targets() -> dict[int, Target]:
    """priority -> due-time rule, read once and checked."""
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    day = datetime.combine(datetime.min, office_hours().closes) - datetime.combine(
        datetime.min, office_hours().opens
    )
    rules = {}
    for priority, rule in raw.items():
        duration = timedelta(minutes=rule.get("minutes", 0)) + rule.get("working_days", 0) * day
        if rule["clock"] not in ("around_the_clock", "office") or duration <= timedelta(0):
            raise ValueError(f"{_DATA}: bad rule for priority {priority}: {rule}")
        rules[int(priority)] = Target(duration, rule["clock"] == "around_the_clock")
    if sorted(rules) != [1, 2, 3, 4, 5]:
        raise ValueError(f"{_DATA}: needs exactly the priorities 1-5")
    return rules


def due_at(priority: int, created_at: datetime) -> datetime:
    """When a case of `priority` created at `created_at` must be handled."""
    target = targets()[priority]
    if target.around_the_clock:
        return created_at + target.duration
    return office_hours().add_working_time(created_at, target.duration)


def is_breached(due: datetime, now: datetime, resolved_at: datetime | None = None) -> bool:
    """Whether the due time passed before the case was resolved (or before `now`)."""
    return (resolved_at or now) > due
