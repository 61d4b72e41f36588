"""Who sees and works which ticket (issue 12, OWASP API1): an agent only their queues'
tickets, a claimed ticket only its agent (and admins), and a refused look at masked
personal data shows nothing and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.addresses import seal
from api.agents.models import AgentRole
from api.config import Settings
from api.conversations.models import Conversation, Message, MessageStatus
from api.tickets.models import AuditEvent
from tests.api.desk import logged_in, ticket_on

KEY = "access-test-key"
ORIGINAL = "Mejla mig på anna.berg@example.se"
TICKETS = "/api/v1/tickets"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"address_key": SecretStr(KEY)})


@dataclass
class Desk:
    """A driver ticket with one masked message, and who is logged in."""

    ticket: int
    masked_message: int
    anna: dict[str, str]  # driver queue
    bo: dict[str, str]  # driver queue too
    cleo: dict[str, str]  # accounting queue only
    boss: dict[str, str]  # admin, in no queue


@pytest.fixture
def desk(client: TestClient, db: Session) -> Desk:
    conversation = Conversation(channel="web", sender="driver-1", language="sv")
    message = Message(
        conversation=conversation,
        author="user",
        text="Mejla mig på [e-post]",
        sealed_original=seal(KEY.encode(), ORIGINAL),
        language="sv",
        status=MessageStatus.RECEIVED,
    )
    db.add_all([conversation, message])
    db.commit()
    ticket = ticket_on(db, conversation, priority=2, description="kommer inte in")
    return Desk(
        ticket.id,
        message.id,
        anna=logged_in(client, db, "anna", queues=["driver"]),
        bo=logged_in(client, db, "bo", queues=["driver", "access"]),
        cleo=logged_in(client, db, "cleo", queues=["accounting"]),
        boss=logged_in(client, db, "boss", role=AgentRole.ADMIN, queues=[]),
    )


def _events(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


WORK = [
    ("GET", "", None),
    ("GET", "/suggestions", None),
    ("POST", "/claim", None),
    ("POST", "/reply", {"text": "Hej"}),
    ("POST", "/notes", {"text": "en anteckning"}),
    ("POST", "/transfer", {"queue": "general", "reason": "fel kö"}),
    ("POST", "/priority", {"priority": 1, "reason": "brådskar"}),
    ("POST", "/resolve", None),
    ("POST", "/release", None),
    ("POST", "/reopen", None),
    ("POST", "/reveal/{message}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WORK)
def test_an_agent_outside_the_queue_gets_not_found_for_everything(
    client: TestClient, db: Session, desk: Desk, method: str, path: str, body: object
) -> None:
    before = _events(db)
    url = f"{TICKETS}/{desk.ticket}{path.format(message=desk.masked_message)}"
    response = client.request(method, url, json=body, headers=desk.cleo)
    # the same answer as for a ticket that does not exist: its existence is not told
    assert response.status_code == 404 and response.json()["code"] == "ticket_not_found"
    assert ORIGINAL not in response.text and "kommer inte in" not in response.text
    assert _events(db) == before


def test_an_agent_lists_only_their_queues_and_an_admin_every_queue(
    client: TestClient, desk: Desk
) -> None:
    refused = client.get(TICKETS, params={"queue": "driver"}, headers=desk.cleo)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_queue"
    assert client.get(TICKETS, params={"queue": "accounting"}, headers=desk.cleo).json() == {
        "tickets": []
    }
    for who in (desk.anna, desk.boss):
        listed = client.get(TICKETS, params={"queue": "driver"}, headers=who).json()
        assert [t["id"] for t in listed["tickets"]] == [desk.ticket]
    assert client.get(f"{TICKETS}/{desk.ticket}", headers=desk.boss).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/notes", {"text": "jag tittar också"}),
        ("/reveal/{message}", None),
        ("/transfer", {"queue": "access", "reason": "fel kö"}),
        ("/reply", {"text": "Hej från Bo"}),
        ("/priority", {"priority": 1, "reason": "brådskar"}),
        ("/resolve", None),
        ("/release", None),
    ],
)
def test_another_agent_of_the_queue_cannot_work_a_claimed_ticket(
    client: TestClient, db: Session, desk: Desk, path: str, body: object
) -> None:
    assert client.post(f"{TICKETS}/{desk.ticket}/claim", headers=desk.anna).status_code == 200
    before = _events(db)
    url = f"{TICKETS}/{desk.ticket}{path.format(message=desk.masked_message)}"
    refused = client.post(url, json=body, headers=desk.bo)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_ticket"
    assert ORIGINAL not in refused.text and "anna.berg" not in refused.text
    assert _events(db) == before  # nothing written: no note, no "revealed", no move
    ticket = client.get(f"{TICKETS}/{desk.ticket}", headers=desk.anna).json()
    assert (ticket["status"], ticket["queue"], ticket["priority"]) == ("claimed", "driver", 2)


def test_the_claiming_agent_and_an_admin_may_reveal_and_note(
    client: TestClient, db: Session, desk: Desk
) -> None:
    client.post(f"{TICKETS}/{desk.ticket}/claim", headers=desk.anna)
    for who in (desk.anna, desk.boss):
        opened = client.post(f"{TICKETS}/{desk.ticket}/reveal/{desk.masked_message}", headers=who)
        assert opened.status_code == 200 and opened.json()["text"] == ORIGINAL
        noted = client.post(f"{TICKETS}/{desk.ticket}/notes", json={"text": "ok"}, headers=who)
        assert noted.status_code == 200
    events = client.get(f"{TICKETS}/{desk.ticket}", headers=desk.boss).json()["events"]
    assert [(e["actor"], e["action"]) for e in events[-4:]] == [
        ("anna", "revealed"),
        ("anna", "note"),
        ("boss", "revealed"),
        ("boss", "note"),
    ]
    moved = client.post(
        f"{TICKETS}/{desk.ticket}/transfer",
        json={"queue": "access", "reason": "behörighet"},
        headers=desk.boss,
    )
    assert moved.status_code == 200 and moved.json()["status"] == "open"
    # Bo works the access queue as well: the ticket now waits for him there.
    assert client.post(f"{TICKETS}/{desk.ticket}/claim", headers=desk.bo).status_code == 200
