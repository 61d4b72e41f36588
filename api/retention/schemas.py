"""Public JSON of api/retention."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import MAX_ID


class PeriodRead(BaseModel):
    kind: str = Field(
        description="conversation (never a ticket), ticket (resolved, with its messages), "
        "original (sealed originals and attachments), audit, outbox (sent, failed or "
        "withdrawn), tracker (Rasa's), receipt (channel receipts)"
    )
    days: int = Field(description="Kept this many days; 0: kept for ever")
    setting: str = Field(description="The environment variable that sets it")


class PolicyRead(BaseModel):
    periods: list[PeriodRead]
    batch_size: int = Field(description="Rows per transaction")
    every_hours: float = Field(description="How often the job runs (and once at start-up)")


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    trigger: str = Field(description="schedule, or admin (run from the console or the API)")
    requested_by: str | None = Field(description="The admin who ran it, if one did")
    status: str = Field(description="running, finished or failed")
    counts: dict[str, int] = Field(description="Rows deleted or anonymised, per kind")
    error: str | None = Field(description="The kind of error that stopped a failed run")
    started_at: datetime
    finished_at: datetime | None


class RunPage(BaseModel):
    runs: list[RunRead]


class ErasureCreate(BaseModel):
    """Exactly one of the three: whose data is to be erased."""

    phone: str | None = Field(
        default=None, max_length=40, description="A phone number; national ones are Swedish"
    )
    email: str | None = Field(default=None, max_length=256)
    conversation_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @model_validator(mode="after")
    def _exactly_one(self) -> ErasureCreate:
        given = [v for v in (self.phone, self.email, self.conversation_id) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of phone, email and conversation_id")
        return self


class ErasureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    requested_by: str = Field(description="The admin who asked for it")
    requested_at: datetime
    identifier_kind: str = Field(description="phone, email or conversation; never the value")
    counts: dict[str, int] = Field(description="Rows deleted or anonymised, per kind")


class ErasurePage(BaseModel):
    erasures: list[ErasureRead]
