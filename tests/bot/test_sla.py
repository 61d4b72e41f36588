"""Due times: priority 1 around the clock, the rest in office time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.sla import due_at, is_breached

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def test_priority_one_is_due_in_fifteen_minutes_even_on_a_sunday_night() -> None:
    assert due_at(1, at(2026, 11, 22, 2, 30)) == at(2026, 11, 22, 2, 45)


def test_priority_two_counts_one_office_hour() -> None:
    assert due_at(2, at(2026, 11, 24, 16, 0)) == at(2026, 11, 25, 8, 30)


def test_a_sunday_night_priority_three_is_due_at_the_end_of_monday() -> None:
    assert due_at(3, at(2026, 11, 22, 2, 30)) == at(2026, 11, 23, 16, 30)


def test_priority_five_counts_five_working_days_past_christmas() -> None:
    # Mon 21 Dec 2026 10:00 + 5 working days: 22, 23, 28, 29, 30 December.
    assert due_at(5, at(2026, 12, 21, 10, 0)) == at(2026, 12, 30, 10, 0)


def test_breach_is_judged_from_stored_times() -> None:
    due = at(2026, 11, 24, 9, 0)
    assert not is_breached(due, now=at(2026, 11, 24, 8, 59))
    assert is_breached(due, now=at(2026, 11, 24, 9, 1))
    assert not is_breached(due, now=at(2026, 11, 30, 0, 0), resolved_at=at(2026, 11, 24, 8, 0))
