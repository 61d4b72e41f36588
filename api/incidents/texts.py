"""What users are told about an incident, in their language.

An admin writes the operating message in as many of sv, en and fi as they can
(at least one). A language that is missing is told from another one: English
comes first for anyone whose language is missing (the language most readers of
all three share: a Finnish driver is likelier to read English than Swedish),
then Swedish, the spec's default. The words around the admin's text (such as
"Service disruption:") are always in the user's own language, and the API says
which language the admin's text is in (`language`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, cast

from api.incidents.models import Incident
from bot.hours import office_hours
from bot.language import SUPPORTED, Lang
from bot.replies import reply

FALLBACK: Final[dict[str, tuple[Lang, ...]]] = {
    "sv": ("sv", "en", "fi"),
    "en": ("en", "sv", "fi"),
    "fi": ("fi", "en", "sv"),
}


def missing_languages(texts: Mapping[str, str]) -> list[Lang]:
    """The languages `texts` has no text in, in the spec's order."""
    return [lang for lang in SUPPORTED if not texts.get(lang)]


def best_language(texts: Mapping[str, str], wanted: str) -> Lang:
    """The language to tell `texts` in to someone who reads `wanted`."""
    order = FALLBACK.get(wanted, FALLBACK["sv"])
    return cast(Lang, next((lang for lang in order if texts.get(lang)), "sv"))


def in_language(texts: Mapping[str, str], wanted: str) -> str:
    """`texts` in `wanted`, or in the best language there is ("" if there is none)."""
    return texts.get(best_language(texts, wanted), "")


def when(moment: datetime, language: str, now: datetime) -> str:
    """A time as the user reads it, in Swedish time ("i dag kl. 14:30")."""
    zone = office_hours().zone
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    time = reply("incident_time", language, hour=f"{local:%H}", minute=f"{local:%M}")
    if local.date() == today:
        return reply("incident_when_today", language, time=time)
    weekday = reply("weekdays", language).split()[local.weekday()]
    return reply(
        "incident_when_day", language, weekday=weekday, day=local.day, month=local.month, time=time
    )


def notice_text(incident: Incident, language: str, now: datetime) -> str:
    """The operating message for someone who reads `language`: title, text, expected end."""
    lang = best_language(incident.title, language)
    end = (
        reply("incident_end_expected", language, when=when(incident.expected_end, language, now))
        if incident.expected_end and incident.expected_end > now
        else reply("incident_end_unknown", language)
    )
    key = "incident_notice_updated" if incident.version > 1 else "incident_notice"
    return reply(key, language, title=incident.title[lang], text=incident.text[lang], end=end)


def resolution_text(incident: Incident, language: str, ticket_id: int) -> str:
    """What a linked reporter is told when the incident is resolved, with their case."""
    return reply(
        "incident_resolved_notice",
        language,
        title=in_language(incident.title, language),
        text=in_language(incident.resolution or {}, language),
        ticket=ticket_id,
    )
