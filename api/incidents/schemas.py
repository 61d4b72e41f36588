"""Public JSON of incidents, named by role."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from api.deps import MAX_ID
from api.incidents.areas import AREAS
from api.incidents.models import IncidentStatus, UpdateKind
from api.tickets.schemas import NO_NUL, TicketSummary
from bot.language import SUPPORTED, Lang

_STRIP = ConfigDict(str_strip_whitespace=True)


class Wording(BaseModel):
    """The operating message in one language."""

    model_config = _STRIP

    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    text: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class Wordings(BaseModel):
    """The operating message in sv, en and fi: at least one (a missing language is
    told from another: see `missing_languages` in the answer)."""

    sv: Wording | None = None
    en: Wording | None = None
    fi: Wording | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Wordings:
        if not self.given():
            raise ValueError("write the title and text in at least one of sv, en, fi")
        return self

    def given(self) -> dict[str, Wording]:
        return {lang: w for lang in SUPPORTED if (w := getattr(self, lang)) is not None}


class Resolution(BaseModel):
    """What was wrong and what was done, in sv, en and fi: at least one."""

    model_config = _STRIP

    sv: str | None = Field(default=None, min_length=1, max_length=2000, pattern=NO_NUL)
    en: str | None = Field(default=None, min_length=1, max_length=2000, pattern=NO_NUL)
    fi: str | None = Field(default=None, min_length=1, max_length=2000, pattern=NO_NUL)

    @model_validator(mode="after")
    def _at_least_one(self) -> Resolution:
        if not self.given():
            raise ValueError("write the resolution in at least one of sv, en, fi")
        return self

    def given(self) -> dict[str, str]:
        return {lang: text for lang in SUPPORTED if (text := getattr(self, lang))}


Note = str | None
# Times an operating message can sensibly name (a typo like year 20266 is refused).
_EARLIEST, _LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _sensible(moment: datetime | None) -> datetime | None:
    if moment is not None and not _EARLIEST <= moment < _LATEST:
        raise ValueError("a time between the years 2000 and 2100")
    return moment


class IncidentCreate(BaseModel):
    model_config = _STRIP

    texts: Wordings
    areas: list[str] = Field(
        min_length=1,
        max_length=60,
        description="Affected queue ids and/or knowledge topic ids of the spec",
        json_schema_extra={"items": {"type": "string", "enum": list(AREAS)}},
    )
    starts_at: AwareDatetime | None = Field(default=None, description="Absent: now")
    expected_end: AwareDatetime | None = None
    internal_note: Note = Field(default=None, max_length=2000, pattern=NO_NUL)

    sensible_times = field_validator("starts_at", "expected_end")(_sensible)

    @field_validator("areas")
    @classmethod
    def _known_once_each(cls, areas: list[str]) -> list[str]:
        unknown = sorted(set(areas) - set(AREAS))
        if unknown:
            raise ValueError(f"not a queue or topic id of the spec: {', '.join(unknown)}")
        return list(dict.fromkeys(areas))


class IncidentChange(BaseModel):
    """An update: the new operating message; the expected end and the note if given."""

    model_config = _STRIP

    texts: Wordings
    expected_end: AwareDatetime | None = Field(default=None, description="Absent: unchanged")
    internal_note: Note = Field(
        default=None, max_length=2000, pattern=NO_NUL, description="Absent: unchanged"
    )

    sensible_times = field_validator("expected_end")(_sensible)


class IncidentResolve(BaseModel):
    resolution: Resolution


class LinkBody(BaseModel):
    ticket_ids: list[int] = Field(min_length=1, max_length=200)

    @field_validator("ticket_ids")
    @classmethod
    def _row_ids(cls, ids: list[int]) -> list[int]:
        if any(not 1 <= i <= MAX_ID for i in ids):
            raise ValueError("ticket ids are 1 or more")
        return list(dict.fromkeys(ids))


class IncidentPublic(BaseModel):
    """An active incident as anyone may read it: no internal note."""

    id: int
    status: IncidentStatus
    areas: list[str]
    starts_at: datetime
    expected_end: datetime | None
    version: int = Field(description="Raised by every update")
    updated_at: datetime
    language: Lang = Field(
        description="The language of title and text: the one asked for, or the closest written"
    )
    title: str
    text: str
    texts: dict[Lang, Wording] = Field(description="Every language written")


class UpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    kind: UpdateKind
    title: dict[Lang, str]
    text: dict[Lang, str]
    expected_end: datetime | None
    created_at: datetime


class LinkCounts(BaseModel):
    linked: int = Field(description="Tickets linked (not unlinked)")
    open: int = Field(description="Linked and not resolved")
    resolved: int = Field(description="Linked and resolved")


class IncidentRead(IncidentPublic):
    """An incident as agents see it: with its note, history and linked tickets."""

    internal_note: str | None
    missing_languages: list[Lang] = Field(description="Languages with no text of their own")
    resolution: dict[Lang, str] | None
    resolved_at: datetime | None
    created_at: datetime
    history: list[UpdateRead]
    tickets: LinkCounts = Field(description="Of the tickets you can see")


class IncidentPublicPage(BaseModel):
    incidents: list[IncidentPublic]


class IncidentPage(BaseModel):
    incidents: list[IncidentRead]


class LinkedTicket(BaseModel):
    ticket: TicketSummary
    linked: bool = Field(description="False: unlinked (not resolved with the incident)")
    linked_at: datetime
    unlinked_at: datetime | None


class IncidentDetail(IncidentRead):
    links: list[LinkedTicket] = Field(description="Of the tickets you can see")


class ProposalReason(BaseModel):
    """Why a ticket is proposed: one part of its score."""

    kind: Literal["area", "time", "text"]
    score: float = Field(description="0-1")
    queue: str | None = Field(default=None, description="area: the ticket's affected queue")
    topic: str | None = Field(default=None, description="area: an affected topic it was about")
    minutes: int | None = Field(
        default=None, description="time: minutes after the incident's start (negative: before)"
    )
    words: list[str] | None = Field(default=None, description="text: words it shares")


class Proposal(BaseModel):
    ticket: TicketSummary
    score: float = Field(description="0-1, best first")
    reasons: list[ProposalReason]


class ProposalPage(BaseModel):
    proposals: list[Proposal]


class IncidentCount(BaseModel):
    id: int
    status: IncidentStatus
    title: str
    language: Lang
    starts_at: datetime
    resolved_at: datetime | None
    tickets: LinkCounts


class IncidentDashboard(BaseModel):
    incidents: list[IncidentCount]
