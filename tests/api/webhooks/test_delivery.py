"""Ticket events reach a real receiver as Standard Webhooks, through the outbox."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from api.agents.models import AgentRole
from api.database import utcnow
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets.service import escalate_breached
from api.webhooks.models import WebhookEndpoint
from tests.api.desk import conversation_with, logged_in, ticket_on
from tests.api.webhooks.conftest import ENDPOINTS, Outbox, register
from tests.api.webhooks.receiver import Receiver

MINUTE = timedelta(minutes=1)


def rows(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webhook")))


def test_ticket_events_arrive_signed_with_case_data_and_no_personal_data(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    secret = register(client, admin, hook.url)["secret"]
    agent = logged_in(client, db, "kim", queues=["driver"])
    conversation = conversation_with(db, "web-anna", said="Ring mig på 070-123 45 67")
    ticket = ticket_on(db, conversation, description="Anna Svensson, 070-123 45 67, hjälp")
    assert client.post(f"/api/v1/tickets/{ticket.id}/claim", headers=agent).status_code == 200
    reply = {"text": "Hej Anna, vi tittar på det."}
    assert client.post(f"/api/v1/tickets/{ticket.id}/reply", json=reply, headers=agent).is_success

    assert outbox.deliver() == 3
    verified = [Webhook(secret).verify(r.body, r.headers) for r in hook.requests]
    assert [p["type"] for p in verified] == ["ticket.created", "ticket.claimed", "ticket.replied"]
    created, claimed = verified[0]["data"], verified[1]["data"]
    assert created["ticket"] == ticket.id
    assert (created["queue"], created["priority"], created["status"]) == ("driver", 3, "open")
    assert (created["language"], created["channel"], created["actor"]) == ("sv", "web", "bot")
    assert created["detail"] == {"queue": "driver", "priority": 3}
    assert (claimed["status"], claimed["actor"]) == ("claimed", "agent")
    everything = b" ".join(r.body for r in hook.requests).decode()
    for personal in ("Anna", "070", "kim", "Kim", "hjälp"):
        assert personal not in everything
    assert all(r.headers["content-type"] == "application/json" for r in hook.requests)
    assert {r.headers["webhook-id"] for r in hook.requests} == {
        f"webhook-{row.headers['endpoint']}-{json.loads(row.text)['data']['event']}"  # type: ignore[index]
        for row in rows(db)
    }


def test_a_failed_try_is_retried_with_the_same_id_a_new_timestamp_and_a_growing_wait(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    secret = register(client, admin, hook.url)["secret"]
    hook.answers = [500, 503]
    ticket_on(db, conversation_with(db, "web-bo"))

    waits = []
    # Each round as if just past the wait so far (a later one would retry at once).
    for later, answered in ((timedelta(0), 500), (timedelta(seconds=6), 503)):
        before = utcnow()
        assert outbox.deliver(later=later) == 0
        (row,) = rows(db)
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, f"webhook HTTP {answered}")
        waits.append(row.next_attempt_at - before)
    assert timedelta(seconds=5) <= waits[0] < timedelta(seconds=7)
    assert timedelta(seconds=10) <= waits[1] < timedelta(seconds=12)  # doubled
    assert outbox.deliver() == 0  # not due yet: nobody waits, nothing is sent

    assert outbox.deliver(later=timedelta(seconds=12)) == 1
    first, second, third = hook.requests
    assert (
        first.headers["webhook-id"] == second.headers["webhook-id"] == third.headers["webhook-id"]
    )
    stamps = [int(r.headers["webhook-timestamp"]) for r in (first, second, third)]
    assert stamps[0] < stamps[1] < stamps[2]
    assert first.body == third.body
    for request in (first, second, third):
        Webhook(secret).verify(request.body, request.headers)  # each try signed anew
    (row,) = rows(db)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 3)


def test_a_paused_endpoint_keeps_its_deliveries_until_resumed(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    endpoint = register(client, admin, hook.url)
    path = f"{ENDPOINTS}/{endpoint['id']}"
    paused = client.patch(path, json={"status": "paused"}, headers=admin)
    assert paused.json()["status"] == "paused"
    ticket_on(db, conversation_with(db, "web-cid"))

    assert outbox.deliver(later=2 * MINUTE) == 0
    assert hook.requests == []
    (waiting,) = client.get(f"{path}/deliveries", headers=admin).json()["deliveries"]
    assert (waiting["type"], waiting["status"], waiting["next_attempt_at"]) == (
        "ticket.created",
        "pending",
        None,
    )

    assert client.patch(path, json={"status": "active"}, headers=admin).json()["status"] == "active"
    assert outbox.deliver() == 1
    payload = Webhook(endpoint["secret"]).verify(hook.requests[0].body, hook.requests[0].headers)
    assert payload["type"] == "ticket.created"
    (sent,) = client.get(f"{path}/deliveries", headers=admin).json()["deliveries"]
    assert (sent["status"], sent["attempts"], sent["sent_at"] is not None) == ("sent", 1, True)


def test_an_endpoint_gets_only_the_events_it_subscribed_to(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    secret = register(client, admin, hook.url, events=["ticket.claimed"])["secret"]
    ticket = ticket_on(db, conversation_with(db, "web-dan"))
    agent = logged_in(client, db, "kim", queues=["driver"])
    client.post(f"/api/v1/tickets/{ticket.id}/claim", headers=agent)
    assert outbox.deliver() == 1
    payload = Webhook(secret).verify(hook.requests[0].body, hook.requests[0].headers)
    assert payload["type"] == "ticket.claimed"


def test_410_gone_disables_the_endpoint(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    endpoint = register(client, admin, hook.url)
    hook.answers = [410]
    ticket = ticket_on(db, conversation_with(db, "web-eva"))
    assert outbox.deliver() == 0
    (row,) = rows(db)
    assert row.status == OutboxStatus.FAILED
    shown = client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=admin).json()
    assert shown["status"] == "disabled"
    assert "410" in shown["status_reason"]
    agent = logged_in(client, db, "kim", queues=["driver"])
    client.post(f"/api/v1/tickets/{ticket.id}/claim", headers=agent)
    assert len(rows(db)) == 1  # nothing more for it
    assert outbox.deliver(later=MINUTE) == 0
    assert len(hook.requests) == 1


def test_a_test_ping_goes_through_the_outbox(
    client: TestClient, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    endpoint = register(client, admin, hook.url)
    queued = client.post(f"{ENDPOINTS}/{endpoint['id']}/test", headers=admin)
    assert queued.status_code == 202
    assert queued.json()["delivery"]["status"] == "pending"
    assert hook.requests == []
    assert outbox.deliver() == 1
    payload = Webhook(endpoint["secret"]).verify(hook.requests[0].body, hook.requests[0].headers)
    assert payload["type"] == "webhook.ping"
    assert payload["data"]["endpoint"] == endpoint["id"]
    (sent,) = client.get(f"{ENDPOINTS}/{endpoint['id']}/deliveries", headers=admin).json()[
        "deliveries"
    ]
    assert (sent["type"], sent["status"], sent["ticket"]) == ("webhook.ping", "sent", None)


def test_a_rotated_secret_signs_from_then_on(
    client: TestClient, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    endpoint = register(client, admin, hook.url)
    rotated = client.post(f"{ENDPOINTS}/{endpoint['id']}/secret", headers=admin).json()["secret"]
    assert rotated != endpoint["secret"] and rotated.startswith("whsec_")
    client.post(f"{ENDPOINTS}/{endpoint['id']}/test", headers=admin)
    outbox.deliver()
    request = hook.requests[0]
    Webhook(rotated).verify(request.body, request.headers)
    try:
        Webhook(endpoint["secret"]).verify(request.body, request.headers)
    except Exception as exc:  # the old secret no longer verifies
        assert "signature" in str(exc).lower()
    else:
        raise AssertionError("the old secret still verifies")


def test_a_deleted_endpoints_waiting_deliveries_fail(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    endpoint = register(client, admin, hook.url)
    ticket_on(db, conversation_with(db, "web-fia"))
    assert client.delete(f"{ENDPOINTS}/{endpoint['id']}", headers=admin).status_code == 204
    assert outbox.deliver() == 0
    assert hook.requests == []
    (row,) = rows(db)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "endpoint deleted")
    assert client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=admin).status_code == 404
    assert client.get(ENDPOINTS, headers=admin).json()["endpoints"] == []


def test_the_address_is_checked_again_at_delivery(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    """An endpoint whose permission for private networks is gone (as if its name now
    resolved inside the network) is not posted to."""
    endpoint = register(client, admin, hook.url)
    stored = db.get(WebhookEndpoint, endpoint["id"])
    assert stored is not None
    stored.allow_private_network = False
    db.commit()
    ticket_on(db, conversation_with(db, "web-gun"))
    assert outbox.deliver() == 0
    assert hook.requests == []
    (row,) = rows(db)
    assert row.status == OutboxStatus.PENDING
    assert row.last_error is not None and row.last_error.startswith("address refused")
    assert hook.url not in row.last_error


def test_a_duplicate_hand_off_still_returns_the_same_ticket_and_one_event(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    """The same hand-off twice, the second arriving while the first is being
    written: the IntegrityError is caught as before, one ticket, one delivery."""
    register(client, admin, hook.url)
    conversation = conversation_with(db, "web-hal")
    first = ticket_on(db, conversation, key="handoff-1")
    assert ticket_on(db, conversation, key="handoff-1").id == first.id

    other = Session(bind=db.get_bind())
    racing = conversation_with(other, "web-ida")

    def meanwhile(session: Session, *_: object) -> None:
        # The other request's ticket is committed just before this one's flush.
        with Session(bind=db.get_bind()) as elsewhere:
            ticket_on(elsewhere, elsewhere.merge(racing), key="handoff-2")

    event.listen(other, "before_flush", meanwhile, once=True)
    again = ticket_on(other, racing, key="handoff-2")
    other.close()
    assert again.idempotency_key == "handoff-2"
    created = [r for r in rows(db) if json.loads(r.text)["type"] == "ticket.created"]
    assert len(created) == 2  # one per ticket, none for the rolled-back one
    assert outbox.deliver() == 2
    tickets = {json.loads(r.body)["data"]["ticket"] for r in hook.requests}
    assert tickets == {first.id, again.id}


def test_agents_cannot_use_the_webhook_api(client: TestClient, db: Session) -> None:
    agent = logged_in(client, db, "kim", role=AgentRole.AGENT)
    assert client.get(ENDPOINTS, headers=agent).status_code == 403
    assert client.get(ENDPOINTS).status_code == 401
    body = {"url": "https://93.184.216.34/hook"}
    assert client.post(ENDPOINTS, json=body, headers=agent).status_code == 403
    assert client.post(f"{ENDPOINTS}/1/test", headers=agent).status_code == 403
    assert client.get(f"{ENDPOINTS}/1/deliveries", headers=agent).status_code == 403


def test_every_kind_of_ticket_event_is_delivered_with_its_safe_detail(
    client: TestClient, db: Session, admin: dict[str, str], hook: Receiver, outbox: Outbox
) -> None:
    """Transferred, priority changed, resolved, reopened and SLA breached, by an
    admin (role "admin") and by the system; reasons (free text) never leave."""
    secret = register(client, admin, hook.url)["secret"]
    ticket = ticket_on(db, conversation_with(db, "web-jon"), now=utcnow() - timedelta(days=3))
    path = f"/api/v1/tickets/{ticket.id}"
    moves = [
        ("transfer", {"queue": "measurement", "reason": "Mätning, ring Jon 070-1234567"}),
        ("priority", {"priority": 2, "reason": "Jon Jonsson väntar"}),
    ]
    for action, body in moves:
        assert client.post(f"{path}/{action}", json=body, headers=admin).is_success
    escalate_breached(db=db)
    assert client.post(f"{path}/resolve", json={}, headers=admin).is_success
    assert client.post(f"{path}/reopen", headers=admin).is_success

    outbox.deliver()
    payloads = [Webhook(secret).verify(r.body, r.headers) for r in hook.requests]
    by_type = {p["type"]: p["data"] for p in payloads}
    assert list(by_type) == [
        "ticket.created",
        "ticket.transferred",
        "ticket.priority_changed",
        "ticket.sla_breached",
        "ticket.resolved",
        "ticket.reopened",
    ]
    transferred = by_type["ticket.transferred"]
    assert (transferred["actor"], transferred["queue"]) == ("admin", "measurement")
    assert transferred["detail"] == {"old": "driver", "new": "measurement", "released": False}
    assert by_type["ticket.priority_changed"]["detail"] == {"old": 3, "new": 2}
    assert by_type["ticket.sla_breached"]["actor"] == "system"
    assert set(by_type["ticket.sla_breached"]["detail"]) == {"due_at"}
    assert (by_type["ticket.resolved"]["status"], by_type["ticket.reopened"]["status"]) == (
        "resolved",
        "open",
    )
    assert "Jon" not in b"".join(r.body for r in hook.requests).decode()
