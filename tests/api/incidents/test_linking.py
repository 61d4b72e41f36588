"""Tickets an incident causes: proposed to the agents of their queues, linked with
one click or many at once, and resolved with the incident, each reporter told on
their own channel in their language; an unlinked ticket stays open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.addresses import address_secret, seal
from api.config import Settings
from api.conversations.models import Conversation
from api.outbox.models import OutboxMessage
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from tests.api.desk import conversation_with, logged_in, ticket_on
from tests.api.incidents.helpers import admin_login, publish
from tests.web_chat import WebChat

RESOLUTION = {
    "resolution": {
        "sv": "Ett certifikat hade gått ut. Det är förnyat och inloggningen fungerar igen.",
        "fi": "Varmenne oli vanhentunut. Se on uusittu, ja kirjautuminen toimii taas.",
    }
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Resolve notices are told at once (no undo window), so the test sees them now.
    return settings.model_copy(update={"resolve_undo_seconds": 0})


def started_an_hour_ago(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(hours=1)
    return publish(client, admin, areas=("driver",), starts_at=start.isoformat())


def ticket(db: Session, sender: str, text: str, **fields: Any) -> Ticket:
    conversation = conversation_with(db, sender, said=text)
    return ticket_on(db, conversation, description=text, **fields)


def proposed(client: TestClient, incident: dict[str, Any], who: dict[str, str]) -> list[Any]:
    response = client.get(f"/api/v1/incidents/{incident['id']}/proposals", headers=who)
    assert response.status_code == 200, response.text
    found: list[Any] = response.json()["proposals"]
    return found


def test_new_tickets_in_an_affected_area_are_proposed_best_first(
    client: TestClient, db: Session
) -> None:
    incident = started_an_hour_ago(client, admin_login(client, db))
    driver = logged_in(client, db, "driver-agent", queues=("driver",))
    about_it = ticket(db, "u1", "Jag kan inte logga in i chaufförsklienten")
    other = ticket(db, "u2", "Hur gör jag en leveransavisering?")
    ticket(db, "u3", "Kan inte logga in", queue="accounting")  # not an affected area
    ticket(db, "u4", "Inloggning", now=datetime.now(UTC) - timedelta(hours=3))  # long before
    done = ticket(db, "u5", "Kan inte logga in i klienten")
    done.status = TicketStatus.RESOLVED
    db.commit()

    found = proposed(client, incident, driver)
    assert [p["ticket"]["id"] for p in found] == [about_it.id, other.id]
    assert found[0]["score"] > found[1]["score"]
    reasons = {r["kind"]: r for r in found[0]["reasons"]}
    assert reasons["area"]["queue"] == "driver"
    assert 55 <= reasons["time"]["minutes"] <= 61
    assert {"logga", "chaufförsklienten"} <= set(reasons["text"]["words"])
    assert "text" not in {r["kind"] for r in found[1]["reasons"]}


def test_agents_are_proposed_and_link_only_tickets_of_their_queues(
    client: TestClient, db: Session
) -> None:
    incident = started_an_hour_ago(client, admin_login(client, db))
    outsider = logged_in(client, db, "accounting-agent", queues=("accounting",))
    reported = ticket(db, "u1", "Jag kan inte logga in i chaufförsklienten")
    assert proposed(client, incident, outsider) == []
    url = f"/api/v1/incidents/{incident['id']}/links"
    refused = client.post(url, json={"ticket_ids": [reported.id]}, headers=outsider)
    assert refused.status_code == 404  # its existence is not told
    assert refused.json()["code"] == "ticket_not_found"
    gone = client.delete(f"{url}/{reported.id}", headers=outsider)
    assert gone.status_code == 404
    assert client.post(url, json={"ticket_ids": [reported.id]}).status_code == 401
    missing = client.post(
        "/api/v1/incidents/999999/links", json={"ticket_ids": [1]}, headers=outsider
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "incident_not_found"


def test_linking_many_is_all_or_nothing_and_audited(client: TestClient, db: Session) -> None:
    incident = started_an_hour_ago(client, admin_login(client, db))
    driver = logged_in(client, db, "driver-agent", queues=("driver",))
    first = ticket(db, "u1", "Kan inte logga in")
    second = ticket(db, "u2", "Inloggningen fungerar inte")
    elsewhere = ticket(db, "u3", "Mätbeskedet saknas", queue="accounting")
    url = f"/api/v1/incidents/{incident['id']}/links"
    all_of_them = {"ticket_ids": [first.id, second.id, elsewhere.id]}
    assert client.post(url, json=all_of_them, headers=driver).status_code == 404
    assert proposed(client, incident, driver) != []  # nothing was linked

    linked = client.post(url, json={"ticket_ids": [first.id, second.id]}, headers=driver)
    assert linked.status_code == 200, linked.text
    assert {lk["ticket"]["id"] for lk in linked.json()["links"] if lk["linked"]} == {
        first.id,
        second.id,
    }
    assert linked.json()["tickets"] == {"linked": 2, "open": 2, "resolved": 0}
    assert proposed(client, incident, driver) == []  # linked: not proposed again
    events = db.scalars(select(AuditEvent).where(AuditEvent.ticket_id == first.id)).all()
    assert [(e.action, e.actor, e.detail) for e in events][-1] == (
        "incident_linked",
        "driver-agent",
        {"incident": incident["id"]},
    )


def test_resolving_tells_every_linked_reporter_and_leaves_unlinked_tickets_open(
    client: TestClient, db: Session, web: WebChat, settings: Settings
) -> None:
    admin = admin_login(client, db)
    incident = started_an_hour_ago(client, admin)
    driver = logged_in(client, db, "driver-agent", queues=("driver",))
    web.send("anna", "Jag kan inte logga in i chaufförsklienten")
    anna = db.scalars(select(Conversation).where(Conversation.sender == "anna")).one()
    on_web = ticket_on(db, anna, description="Kan inte logga in")
    aino = conversation_with(db, "aino", channel="telegram", language="fi")
    aino.reply_address = seal(address_secret(settings), "5550001")
    db.commit()
    on_telegram = ticket_on(db, aino, description="En pääse kirjautumaan")
    unrelated = ticket(db, "u3", "Min leveransavisering syns inte")
    url = f"/api/v1/incidents/{incident['id']}/links"
    ids = [on_web.id, on_telegram.id, unrelated.id]
    assert client.post(url, json={"ticket_ids": ids}, headers=driver).status_code == 200
    unlinked = client.delete(f"{url}/{unrelated.id}", headers=driver)
    assert unlinked.status_code == 200
    assert client.delete(f"{url}/{unrelated.id}", headers=driver).status_code == 404

    done = client.post(
        f"/api/v1/incidents/{incident['id']}/resolve", json=RESOLUTION, headers=admin
    )
    assert done.status_code == 200, done.text
    assert done.json()["tickets"] == {"linked": 2, "open": 0, "resolved": 2}

    db.expire_all()
    assert db.get(Ticket, on_web.id).status == TicketStatus.RESOLVED  # type: ignore[union-attr]
    assert db.get(Ticket, on_telegram.id).status == TicketStatus.RESOLVED  # type: ignore[union-attr]
    assert db.get(Ticket, unrelated.id).status == TicketStatus.OPEN  # type: ignore[union-attr]
    told = web.poll("anna").json()["messages"][0]  # (the feedback question may follow)
    assert told["author"] == "notice"
    assert RESOLUTION["resolution"]["sv"] in told["text"] and str(on_web.id) in told["text"]
    pushed = db.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "telegram").order_by(OutboxMessage.id)
    ).first()
    assert pushed is not None
    assert pushed.kind == "notice"
    assert pushed.text.startswith("Käyttöhäiriö on korjattu")
    assert RESOLUTION["resolution"]["fi"] in pushed.text
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.ticket_id == unrelated.id)
    ).all()
    assert actions[-2:] == ["incident_linked", "incident_unlinked"]
    resolved = db.scalars(
        select(AuditEvent).where(AuditEvent.ticket_id == on_web.id, AuditEvent.action == "resolved")
    ).one()
    assert resolved.detail["incident"] == incident["id"]


def test_an_unlinked_ticket_is_not_proposed_again(client: TestClient, db: Session) -> None:
    incident = started_an_hour_ago(client, admin_login(client, db))
    driver = logged_in(client, db, "driver-agent", queues=("driver",))
    reported = ticket(db, "u1", "Kan inte logga in")
    url = f"/api/v1/incidents/{incident['id']}/links"
    client.post(url, json={"ticket_ids": [reported.id]}, headers=driver)
    client.delete(f"{url}/{reported.id}", headers=driver)
    assert proposed(client, incident, driver) == []


def test_the_dashboard_counts_tickets_per_incident(client: TestClient, db: Session) -> None:
    admin = admin_login(client, db)
    incident = started_an_hour_ago(client, admin)
    driver = logged_in(client, db, "driver-agent", queues=("driver",))
    outsider = logged_in(client, db, "accounting-agent", queues=("accounting",))
    tickets = [ticket(db, f"u{i}", "Kan inte logga in") for i in range(3)]
    url = f"/api/v1/incidents/{incident['id']}/links"
    client.post(url, json={"ticket_ids": [t.id for t in tickets]}, headers=driver)
    tickets[0].status = TicketStatus.RESOLVED
    db.commit()

    (row,) = client.get("/api/v1/incidents/dashboard", headers=driver).json()["incidents"]
    assert row["id"] == incident["id"] and row["status"] == "active"
    assert row["tickets"] == {"linked": 3, "open": 2, "resolved": 1}
    (theirs,) = client.get("/api/v1/incidents/dashboard", headers=outsider).json()["incidents"]
    assert theirs["tickets"] == {"linked": 0, "open": 0, "resolved": 0}  # not their tickets
    assert client.get("/api/v1/incidents/dashboard").status_code == 401
