"""POST /api/v1/triage."""

from __future__ import annotations

from fastapi import APIRouter

from api.triage.schemas import TriageRequest, TriageResponse
from bot.redaction import redact
from bot.triage import triage

router = APIRouter(prefix="/api/v1", tags=["triage"])


@router.post("/triage", response_model=TriageResponse)
def triage_request(request: TriageRequest) -> TriageResponse:
    """A priority tier, a queue, a billable flag and the reasons, for one request."""
    result = triage(redact(request.text), request.language, request.channel)
    return TriageResponse(
        language=result.language,  # type: ignore[arg-type]
        queue=result.queue,
        priority=result.priority,
        billable=result.billable,
        reasons=result.reasons,
        rule=result.rule,
    )
