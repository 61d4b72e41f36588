"""Opening hours: office hours in Stockholm, Swedish public holidays, round-the-clock queues.

Office hours are Monday to Friday 08:00-16:30 Europe/Stockholm, except
Swedish public holidays, which are computed (Easter by the Gregorian
computus; Midsummer and All Saints' Day as the Saturdays the law names), and
the eves that Swedish workplaces keep closed. Queues marked `always` in
knowledge/facts/opening_hours.yml (driver support, via the remote measuring
centre outside office hours) never close; case intake is always open.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.knowledge.facts import load
from bot.replies import reply

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def easter_sunday(year: int) -> date:
    """Easter Sunday of `year` (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(year: int, month: int, first: int) -> date:
    start = date(year, month, first)
    return start + timedelta(days=(5 - start.weekday()) % 7)


@cache
def swedish_holidays(year: int) -> dict[date, str]:
    """Public holidays and closed eves of `year`, date -> Swedish name."""
    easter = easter_sunday(year)
    midsummer = _saturday_between(year, 6, 20)
    all_saints = _saturday_between(year, 10, 31)
    return {
        date(year, 1, 1): "Nyårsdagen",
        date(year, 1, 6): "Trettondedag jul",
        easter - timedelta(days=2): "Långfredagen",
        easter: "Påskdagen",
        easter + timedelta(days=1): "Annandag påsk",
        date(year, 5, 1): "Första maj",
        easter + timedelta(days=39): "Kristi himmelsfärdsdag",
        easter + timedelta(days=49): "Pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        midsummer - timedelta(days=1): "Midsommarafton",
        midsummer: "Midsommardagen",
        all_saints: "Alla helgons dag",
        date(year, 12, 24): "Julafton",
        date(year, 12, 25): "Juldagen",
        date(year, 12, 26): "Annandag jul",
        date(year, 12, 31): "Nyårsafton",
    }


def holiday(day: date) -> str | None:
    """The name of the holiday on `day`, if it is one."""
    return swedish_holidays(day.year).get(day)


class OfficeHours:
    """The office hours of knowledge/facts/opening_hours.yml."""

    def __init__(self) -> None:
        office = load("opening_hours")["office_hours"]
        self.zone = ZoneInfo(office["timezone"])
        first, last = office["days"].split("-")
        self.weekdays = set(range(_DAYS.index(first), _DAYS.index(last) + 1))
        self.opens = time.fromisoformat(office["opens"])
        self.closes = time.fromisoformat(office["closes"])

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and holiday(day) is None

    def is_open(self, moment: datetime) -> bool:
        """Whether the office is open at `moment` (any time zone)."""
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        """When the office next opens at or after `moment` (Stockholm time)."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.opens:
            return datetime.combine(day, self.opens, self.zone)
        if self.is_open(moment):
            return local
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, self.zone)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of office time after `start` (for due times)."""
        moment = self.next_opening(start)
        left = duration
        while True:
            closing = datetime.combine(moment.date(), self.closes, self.zone)
            if moment + left <= closing:
                return moment + left
            left -= closing - moment
            moment = self.next_opening(closing)


@cache
def office_hours() -> OfficeHours:
    """The office hours, read once."""
    return OfficeHours()


def queue_is_always_open(queue: str) -> bool:
    """Whether a queue is staffed around the clock (driver support via FMC)."""
    areas = {a["queue"]: a["open"] for a in load("opening_hours")["areas"]}
    return areas.get(queue) == "always"


def handling_text(queue: str, priority: int, now: datetime, language: str) -> str:
    """Who handles a new case and when, for the user ("next working day, Monday 08:00")."""
    areas = {a["queue"]: a["name"][language] for a in load("opening_hours")["areas"]}
    hours = office_hours()
    if queue_is_always_open(queue) or priority == 1:
        area = areas["driver"] if queue == "driver" else reply("fmc_name", language)
        return reply("handled_now_always", language, area=area)
    area = areas[queue]
    if hours.is_open(now):
        return reply("handled_now_office", language, area=area, closes=_clock(hours.closes))
    opening = hours.next_opening(now)
    local_now = now.astimezone(hours.zone)
    if opening.date() == local_now.date():
        when = reply("when_later_today", language, time=_clock(opening.time()))
    else:
        weekday = reply("weekdays", language).split()[opening.weekday()]
        when = reply("when_next_day", language, weekday=weekday, time=_clock(opening.time()))
    return reply("handled_next_opening", language, area=area, when=when)


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")
