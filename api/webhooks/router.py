"""The HTTP endpoints of api/webhooks: the case register's webhook endpoints and the
ticket export. Admins only, every one (agents 403, anonymous 401)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from api.addresses import address_secret
from api.deps import CurrentAdmin, RowId, SessionDep, SettingsDep
from api.errors import DomainError
from api.outbox.models import OutboxMessage
from api.webhooks import export, service
from api.webhooks.events import EVENT_TYPES
from api.webhooks.models import WebhookEndpoint
from api.webhooks.schemas import (
    DeliveryList,
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointRead,
    EndpointUpdate,
    PingQueued,
)

router = APIRouter(prefix="/api/v1", tags=["webhooks"])


def _endpoint(db: SessionDep, endpoint_id: int) -> WebhookEndpoint:
    return service.get_endpoint(db=db, endpoint_id=endpoint_id)


def _delivery(row: OutboxMessage) -> DeliveryRead:
    return DeliveryRead(
        id=row.id,
        webhook_id=row.key,
        type=(row.headers or {}).get("type", ""),
        ticket=service.delivery_ticket(row),
        status=str(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=service.next_attempt(row),
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def _created(endpoint: WebhookEndpoint, secret: str) -> EndpointCreated:
    return EndpointCreated(**EndpointRead.model_validate(endpoint).model_dump(), secret=secret)


@router.get("/webhooks/endpoints", response_model=EndpointList)
def list_endpoints(db: SessionDep, admin: CurrentAdmin) -> EndpointList:
    """The registered endpoints, and the event types there are (admins only)."""
    return EndpointList(
        endpoints=[EndpointRead.model_validate(e) for e in service.list_endpoints(db=db)],
        event_types=list(EVENT_TYPES.values()),
    )


@router.post("/webhooks/endpoints", response_model=EndpointCreated, status_code=201)
def register_endpoint(
    body: EndpointCreate, db: SessionDep, admin: CurrentAdmin, settings: SettingsDep
) -> EndpointCreated:
    """Register a receiver (admins only). The answer carries the signing secret, this
    once: it is never shown again. 422 for an address that is not https (unless
    `allow_http`) or is on a private, loopback or link-local network (unless
    `allow_private_network`)."""
    endpoint, secret = service.register(
        db=db,
        admin=admin,
        key=address_secret(settings),
        url=body.url,
        events=body.events,
        description=body.description,
        allow_http=body.allow_http,
        allow_private_network=body.allow_private_network,
    )
    return _created(endpoint, secret)


@router.get("/webhooks/endpoints/{endpoint_id}", response_model=EndpointRead)
def read_endpoint(endpoint_id: RowId, db: SessionDep, admin: CurrentAdmin) -> EndpointRead:
    """One endpoint (admins only; 404 for none, or a deleted one)."""
    return EndpointRead.model_validate(_endpoint(db, endpoint_id))


@router.patch("/webhooks/endpoints/{endpoint_id}", response_model=EndpointRead)
def update_endpoint(
    endpoint_id: RowId,
    body: EndpointUpdate,
    db: SessionDep,
    admin: CurrentAdmin,
    settings: SettingsDep,
) -> EndpointRead:
    """Pause (`status: paused`: deliveries wait) or resume (`active`: what waited goes
    out), change its events, description or private-network permission (admins only;
    422 for taking the permission away from an address that needs it)."""
    endpoint = service.update_endpoint(
        db=db,
        endpoint=_endpoint(db, endpoint_id),
        admin=admin,
        key=address_secret(settings),
        status=body.status,
        events=body.events,
        description=body.description,
        allow_private_network=body.allow_private_network,
    )
    return EndpointRead.model_validate(endpoint)


@router.delete("/webhooks/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_endpoint(endpoint_id: RowId, db: SessionDep, admin: CurrentAdmin) -> Response:
    """Remove an endpoint (admins only): nothing more is sent, what waited fails."""
    service.delete_endpoint(db=db, endpoint=_endpoint(db, endpoint_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/webhooks/endpoints/{endpoint_id}/secret", response_model=EndpointCreated, status_code=201
)
def rotate_secret(
    endpoint_id: RowId, db: SessionDep, admin: CurrentAdmin, settings: SettingsDep
) -> EndpointCreated:
    """A new signing secret, shown this once (admins only); the old one stops at once,
    deliveries still waiting are signed with the new one."""
    endpoint = _endpoint(db, endpoint_id)
    secret = service.rotate_secret(db=db, endpoint=endpoint, key=address_secret(settings))
    return _created(endpoint, secret)


@router.post("/webhooks/endpoints/{endpoint_id}/test", response_model=PingQueued, status_code=202)
def test_endpoint(endpoint_id: RowId, db: SessionDep, admin: CurrentAdmin) -> PingQueued:
    """Queue a `webhook.ping` event for the endpoint through the outbox, like any other
    delivery (admins only); its status shows in the deliveries."""
    row = service.ping(db=db, endpoint=_endpoint(db, endpoint_id))
    return PingQueued(delivery=_delivery(row))


@router.get("/webhooks/endpoints/{endpoint_id}/deliveries", response_model=DeliveryList)
def list_deliveries(
    endpoint_id: RowId,
    db: SessionDep,
    admin: CurrentAdmin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryList:
    """The endpoint's latest deliveries, newest first, with their status, tries, last
    error and next try (admins only; no bodies, no secrets)."""
    rows = service.deliveries(db=db, endpoint=_endpoint(db, endpoint_id), limit=limit)
    return DeliveryList(deliveries=[_delivery(r) for r in rows])


class InvalidRange(DomainError):
    status_code = 422
    code = "invalid_range"
    message = "`to` must be after `from`."


def _utc(value: datetime) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:  # year 9999 in a zone east of UTC
        raise InvalidRange("The time is out of range.") from exc


_EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@router.get(
    "/exports/tickets",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "JSON Lines (a ticket a line, with its `events`) or CSV (a row "
            "per event with its ticket's columns)",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
        }
    },
)
def export_tickets(
    request: Request,
    admin: CurrentAdmin,
    settings: SettingsDep,
    start: Annotated[
        datetime, Query(alias="from", description="From this time (ISO 8601; UTC if no zone)")
    ],
    end: Annotated[
        datetime | None, Query(alias="to", description="Up to, not including, this time; now")
    ] = None,
    format: Annotated[Literal["jsonl", "csv"], Query(description="jsonl or csv")] = "jsonl",
    by: Annotated[
        Literal["changed", "created"],
        Query(description="changed: any audit event in the range (the default); created"),
    ] = "changed",
    include_contact: Annotated[
        bool, Query(description="Add the contact field (a phone number or e-mail in clear)")
    ] = False,
) -> StreamingResponse:
    """The tickets of a range with their audit log, for a records system's import
    (admins only). Masked texts; the contact only with `include_contact`. 422 for a
    range that ends before it starts."""
    start, finish = _utc(start), _utc(end or datetime.now(UTC))
    if finish <= start:
        raise InvalidRange
    factory: sessionmaker[Session] = request.app.state.session_factory
    rows = export.tickets_in(
        factory, start=start, end=finish, by=by, batch=settings.export_batch_size
    )
    lines = (
        export.jsonl(rows, include_contact)
        if format == "jsonl"
        else export.csv_lines(rows, include_contact)
    )
    stamp = start.strftime("%Y%m%d")
    return StreamingResponse(
        lines,
        media_type=_EXPORT_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="tickets-{stamp}.{format}"',
            "Cache-Control": "no-store",
        },
    )
