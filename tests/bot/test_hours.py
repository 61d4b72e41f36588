"""Office hours in Stockholm, with Swedish public holidays computed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.hours import easter_sunday, holiday, office_hours, queue_is_always_open

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_is_computed(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 3), "Långfredagen"),
        (date(2026, 4, 6), "Annandag påsk"),
        (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (date(2026, 6, 19), "Midsommarafton"),
        (date(2026, 6, 20), "Midsommardagen"),
        (date(2026, 10, 31), "Alla helgons dag"),
        (date(2025, 11, 1), "Alla helgons dag"),
        (date(2026, 12, 24), "Julafton"),
        (date(2026, 6, 6), "Sveriges nationaldag"),
    ],
)
def test_swedish_holidays(day: date, name: str) -> None:
    assert holiday(day) == name


def test_an_ordinary_weekday_is_no_holiday() -> None:
    assert holiday(date(2026, 11, 24)) is None


def test_office_hours_are_weekdays_eight_to_half_past_four_stockholm_time() -> None:
    hours = office_hours()
    assert hours.is_open(at(2026, 11, 24, 8, 0))
    assert hours.is_open(at(2026, 11, 24, 16, 29))
    assert not hours.is_open(at(2026, 11, 24, 16, 30))
    assert not hours.is_open(at(2026, 11, 24, 7, 59))
    assert not hours.is_open(at(2026, 11, 22, 12, 0))  # a Sunday
    assert not hours.is_open(at(2026, 12, 24, 10, 0))  # Christmas Eve
    # 07:30 UTC is 08:30 in Stockholm in winter
    assert hours.is_open(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))


def test_sunday_night_opens_next_working_day_at_eight() -> None:
    sunday_night = at(2026, 11, 22, 2, 30)
    assert office_hours().next_opening(sunday_night) == at(2026, 11, 23, 8, 0)


def test_easter_weekend_opens_on_tuesday() -> None:
    assert office_hours().next_opening(at(2026, 4, 2, 17, 0)) == at(2026, 4, 7, 8, 0)


def test_working_time_skips_nights_weekends_and_holidays() -> None:
    hours = office_hours()
    # Friday 16:00 + 1 working hour: 30 minutes on Friday, 30 on Monday.
    assert hours.add_working_time(at(2026, 11, 27, 16, 0), timedelta(hours=1)) == at(
        2026, 11, 30, 8, 30
    )
    # One working day (8.5 h) from Wednesday before Good Friday 2026.
    assert hours.add_working_time(at(2026, 4, 1, 12, 0), timedelta(hours=8.5)) == at(
        2026, 4, 2, 12, 0
    )
    assert hours.add_working_time(at(2026, 4, 2, 12, 0), timedelta(hours=8.5)) == at(
        2026, 4, 7, 12, 0
    )


def test_driver_support_is_open_around_the_clock_and_the_rest_in_office_hours() -> None:
    assert queue_is_always_open("driver")
    assert not queue_is_always_open("accounting")


def test_a_user_hears_who_handles_the_case_and_when() -> None:
    from bot.hours import handling_text

    sunday_night = at(2026, 11, 22, 2, 30)
    sv = handling_text("accounting", 3, sunday_night, "sv")
    assert "nästa vardag, måndag 08:00" in sv and "Redovisning" in sv
    en = handling_text("accounting", 3, sunday_night, "en")
    assert "next working day, Monday 08:00" in en
    fi = handling_text("accounting", 3, sunday_night, "fi")
    assert "maanantaina klo 08:00" in fi
    assert "ympäri vuorokauden" in handling_text("driver", 3, sunday_night, "fi")
    # A stopping fault outside office hours goes to the round-the-clock centre.
    assert "FMC" in handling_text("measurement", 1, sunday_night, "en")
    early = handling_text("general", 3, at(2026, 11, 24, 6, 0), "sv")
    assert "i dag från 08:00" in early
