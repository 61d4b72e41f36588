"""POST /api/v1/handoffs: the action server hands a conversation to a person."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header

from api.agents.service import AuthenticationFailed
from api.database import utcnow
from api.deps import SessionDep, SettingsDep
from api.handoffs import service
from api.handoffs.schemas import HandoffCreate, HandoffRead

router = APIRouter(prefix="/api/v1", tags=["handoffs"])


@router.post("/handoffs", response_model=HandoffRead)
def create_handoff(
    request: HandoffCreate,
    db: SessionDep,
    settings: SettingsDep,
    x_internal_token: Annotated[str, Header()] = "",
) -> HandoffRead:
    """Open a ticket for a conversation (internal: needs the X-Internal-Token header)."""
    expected = settings.internal_token.get_secret_value()
    if not hmac.compare_digest(x_internal_token.encode(), expected.encode()):
        raise AuthenticationFailed
    window = timedelta(hours=settings.reopen_window_hours)
    return service.hand_off(db=db, request=request, now=utcnow(), reopen_window=window)
