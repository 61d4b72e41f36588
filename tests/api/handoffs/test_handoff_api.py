"""A hand-off opens one ticket; while it is open the user's words reach the agent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.tickets.models import Ticket
from bot.triage.training import QUEUES
from tests.api.desk import logged_in
from tests.web_chat import WebChat

CHAT = "/api/v1/chat"


def _handoff(client: TestClient, settings: Settings, key: str = "h1", token: str | None = None):  # type: ignore[no-untyped-def]
    secret = token if token is not None else settings.internal_token.get_secret_value()
    return client.post(
        "/api/v1/handoffs",
        json={
            "conversation_key": "conv-1",
            "idempotency_key": key,
            "description": "Chauffören står vid mätplatsen och kommer inte in, kan inte lossa",
            "contact": "070-123 45 67",
        },
        headers={"X-Internal-Token": secret},
    )


def test_a_hand_off_is_triaged_and_opened_once(
    web: WebChat, client: TestClient, settings: Settings
) -> None:
    web.send("d1", "jag står vid mätplatsen och kommer inte in")
    first = _handoff(client, settings)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["queue"], body["priority"]) == ("driver", 1)
    assert "dygnet runt" in body["handling"]
    assert _handoff(client, settings).json()["ticket_id"] == body["ticket_id"]  # retried
    assert _handoff(client, settings, token="wrong").status_code == 401


def test_while_handed_off_messages_go_to_the_ticket_and_replies_come_back(
    web: WebChat, client: TestClient, settings: Settings, db: Session
) -> None:
    web.send("d1", "hej, jag behöver hjälp")
    ticket_id = _handoff(client, settings).json()["ticket_id"]
    body = web.send("d1", "är det någon där?").json()
    assert body["handoff"]["ticket_id"] == ticket_id
    assert f"ärende {ticket_id}" in body["messages"][0]["text"]

    agent = _agent(client, db)
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent).json()
    assert "är det någon där?" in [line["text"] for line in ticket["transcript"]]
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=agent)
    client.post(
        f"/api/v1/tickets/{ticket_id}/reply", json={"text": "Hej! Prova igen nu."}, headers=agent
    )

    new = web.poll("d1", 0).json()
    assert [m["text"] for m in new["messages"]] == ["Hej! Prova igen nu."]
    last = new["messages"][-1]["id"]
    assert web.poll("d1", last).json()["messages"] == []

    client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=agent)
    after = web.send("d1", "tack, nu funkar det").json()
    assert after["handoff"] is None  # the assistant has the conversation again


def test_while_the_case_waits_the_assistant_still_answers_plain_questions(
    web: WebChat, client: TestClient, settings: Settings, db: Session
) -> None:
    web.send("d1", "hej, jag behöver hjälp")
    ticket_id = _handoff(client, settings).json()["ticket_id"]
    question = "finns det någon e-utbildning för chaufförsklienten?"
    body = web.send("d1", question).json()
    assert body["topic"] == "driver_training" and body["decision"] == "answer", body
    assert body["handoff"]["ticket_id"] == ticket_id  # the case is still open
    assert f"Ärende {ticket_id} väntar fortfarande" in body["messages"][-1]["text"]
    # Something for the agent is not answered by the assistant.
    note = web.send("d1", "det är bil ABC123").json()
    assert note["topic"] is None and "väntar på en handläggare" in note["messages"][0]["text"]

    agent = _agent(client, db)
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent).json()
    lines = [(line["author"], line["text"]) for line in ticket["transcript"]]
    asked = lines.index(("user", question))
    assert lines[asked + 1][0] == "bot"  # the question and the assistant's answer, in the case

    # Once an agent has the case, every message goes to them, and the user is told so.
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=agent)
    claimed = web.send("d1", question).json()
    assert claimed["topic"] is None
    assert "har gått till Anna" in claimed["messages"][0]["text"], claimed


def _agent(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "anna", queues=QUEUES)


def test_needing_a_person_again_soon_after_resolve_reopens_the_same_case(
    web: WebChat, client: TestClient, settings: Settings, db: Session
) -> None:
    settings.resolve_undo_seconds = 0  # the resolve's notice is told at once
    web.send("d1", "hej, jag behöver hjälp")
    ticket_id = _handoff(client, settings, key="first").json()["ticket_id"]
    agent = _agent(client, db)
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=agent)
    client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=agent)
    told = web.poll("d1").json()["messages"]
    notice = [m for m in told if m["author"] == "notice"]
    assert notice and f"Ärende {ticket_id}" in notice[-1]["text"]

    again = _handoff(client, settings, key="second")
    assert again.status_code == 200, again.text
    assert again.json()["ticket_id"] == ticket_id and again.json()["reopened"] is True
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent).json()
    assert ticket["status"] == "open" and ticket["assigned_agent_id"] is None
    reopened = ticket["events"][-1]
    assert (reopened["action"], reopened["actor"]) == ("reopened", "user")
    assert "kan inte lossa" in reopened["detail"]["text"]  # what the user said this time
    # and the user's next message goes to the agent again, not to the bot
    body = web.send("d1", "är ni där?").json()
    assert body["handoff"]["ticket_id"] == ticket_id


def test_after_the_reopen_window_a_new_case_is_opened(
    web: WebChat, client: TestClient, settings: Settings, db: Session
) -> None:
    settings.reopen_window_hours = 0
    web.send("d1", "hej, jag behöver hjälp")
    ticket_id = _handoff(client, settings, key="first").json()["ticket_id"]
    agent = _agent(client, db)
    client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=agent)
    again = _handoff(client, settings, key="second").json()
    assert again["ticket_id"] != ticket_id and again["reopened"] is False


def test_an_order_is_kept_as_fields_with_what_is_still_missing(
    web: WebChat, client: TestClient, settings: Settings, db: Session
) -> None:
    web.send("d1", "vi behöver en ny användare")
    secret = {"X-Internal-Token": settings.internal_token.get_secret_value()}
    body = {
        "conversation_key": "conv-1",
        "idempotency_key": "order-1",
        "description": "Vi behöver en ny användare till Per Berg",
        "order": {"kind": "user", "fields": {"person": "Per Berg"}},
        "collecting": True,
    }
    ticket_id = client.post("/api/v1/handoffs", json=body, headers=secret).json()["ticket_id"]
    agent = _agent(client, db)
    order = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent).json()["order"]
    assert order == {
        "kind": "user",
        "fields": {"person": "Per Berg"},
        "missing": ["company", "access", "email"],
    }
    # The form's answers complete the same order.
    body["order"] = {
        "kind": "user",
        "fields": {"company": "Åkeri Berg AB", "access": "Chaufförsklienten"},
    }
    body["collecting"] = False
    client.post("/api/v1/handoffs", json=body, headers=secret)
    order = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent).json()["order"]
    assert order["missing"] == ["email"] and order["fields"]["company"] == "Åkeri Berg AB"
    # An unknown kind or field is refused.
    body["order"] = {"kind": "pizza", "fields": {}}
    assert client.post("/api/v1/handoffs", json=body, headers=secret).status_code == 422


@pytest.mark.parametrize(
    ("key", "status"),
    [("conv-424242", 404), ("conv-99999999999999999999999", 422), ("conv-0", 422), ("1", 422)],
)
def test_a_hand_off_for_a_conversation_the_gateway_never_started_is_refused(
    client: TestClient, settings: Settings, db: Session, key: str, status: int
) -> None:
    response = client.post(
        "/api/v1/handoffs",
        json={"conversation_key": key, "idempotency_key": "forged", "description": "hjälp"},
        headers={"X-Internal-Token": settings.internal_token.get_secret_value()},
    )
    assert response.status_code == status, response.text
    assert db.scalar(select(func.count()).select_from(Ticket)) == 0
