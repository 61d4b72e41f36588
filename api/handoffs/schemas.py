"""JSON of the internal hand-off endpoint (called by the action server)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.orders import kinds


class OrderIn(BaseModel):
    """An order as the form collected it: its kind and the fields given so far."""

    kind: str = Field(json_schema_extra={"enum": [k.id for k in kinds()]})
    fields: dict[str, str] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in {k.id for k in kinds()}:
            raise ValueError("unknown order kind")
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        known = {f for k in kinds() for f in k.fields}
        if set(value) - known or any(len(v) > 256 for v in value.values()):
            raise ValueError("unknown or too long order field")
        return value


class HandoffCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    # "conv-<id>": the Rasa sender the gateway gave the conversation (at most 18
    # digits, so it always fits the database's 64-bit ids).
    conversation_key: str = Field(pattern=r"^conv-[1-9][0-9]{0,17}$")
    idempotency_key: str = Field(min_length=1, max_length=128)
    description: str = Field(min_length=1, max_length=4000)
    company: str | None = Field(default=None, max_length=256)
    contact: str | None = Field(default=None, max_length=256)
    order: OrderIn | None = None
    collecting: bool = Field(
        default=False,
        description=(
            "The hand-off form is still asking for details: the ticket is opened now, "
            "so the case is registered even if the user stops answering, but the "
            "assistant keeps the conversation until the form is done (then the same "
            "idempotency key adds the company and contact to the same ticket)"
        ),
    )


class HandoffRead(BaseModel):
    ticket_id: str
    queue: str
    priority: int
    due_at: datetime
    handling: str = Field(description="Who handles the case and when, in the user's language")
    reopened: bool = Field(default=False, description="An earlier, resolved case was reopened")
