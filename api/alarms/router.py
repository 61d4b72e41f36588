"""GET /api/v1/alerts: the alarms the console polls for and shows its agents at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.alarms import service
from api.alarms.schemas import AlertPage, AlertRead
from api.deps import MAX_ID, CurrentAgent, SessionDep
from api.queues.service import known_queues
from api.tickets.service import NotYourQueue
from bot.triage.training import QUEUES

router = APIRouter(prefix="/api/v1", tags=["alerts"])


@router.get("/alerts", response_model=AlertPage)
def list_alerts(
    db: SessionDep,
    agent: CurrentAgent,
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_ID, description="Only alerts after this id (the last `last_id`)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    queue: Annotated[
        str | None,
        Query(json_schema_extra={"enum": list(QUEUES)}, description="Only this queue's"),
    ] = None,
) -> AlertPage:
    """Alarms on the unresolved tickets of your queues (an admin: all), oldest first:
    after `after`, or without it those of the last hour (422 for no such queue, 403
    for a queue you are not a member of)."""
    if queue is not None:
        known_queues([queue])
        if not agent.sees(queue):
            raise NotYourQueue
    alerts = service.alerts_for(db=db, agent=agent, after=after, limit=limit, queue=queue)
    if alerts:
        last = alerts[-1].id
    elif after is not None:
        last = after
    else:
        last = service.last_alert_id(db=db, agent=agent)
    return AlertPage(alerts=[AlertRead.model_validate(a) for a in alerts], last_id=last)
