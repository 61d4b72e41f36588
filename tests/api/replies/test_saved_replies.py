"""Saved replies (issue 15): admins keep them per queue and language, agents list
those of their own queues and get one filled for a ticket: the case number, when
the queue opens (in the ticket's language), who answers. A typo in a placeholder
is refused when the reply is saved, not found by the user later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole
from api.replies import service
from api.replies.models import SavedReply
from tests.api.desk import conversation_with, logged_in, ticket_on

REPLIES = "/api/v1/saved-replies"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass
class Desk:
    admin: dict[str, str]
    anna: dict[str, str]  # driver
    cleo: dict[str, str]  # accounting


@pytest.fixture
def desk(client: TestClient, db: Session) -> Desk:
    return Desk(
        admin=logged_in(client, db, "boss", role=AgentRole.ADMIN, queues=[]),
        anna=logged_in(client, db, "anna", queues=["driver"]),
        cleo=logged_in(client, db, "cleo", queues=["accounting"]),
    )


def _reply(**fields: Any) -> dict[str, Any]:
    return {
        "queue": "driver",
        "language": "sv",
        "title": "Lösenord återställt",
        "text": "Hej! Vi har återställt lösenordet i ärende {case}. /{agent}",
        **fields,
    }


def _create(client: TestClient, desk: Desk, **fields: Any) -> dict[str, Any]:
    response = client.post(REPLIES, json=_reply(**fields), headers=desk.admin)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _titles(client: TestClient, headers: dict[str, str], query: str = "") -> list[str]:
    response = client.get(f"{REPLIES}{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [r["title"] for r in response.json()["replies"]]


def test_agents_see_the_saved_replies_of_their_own_queues_only(
    client: TestClient, desk: Desk
) -> None:
    _create(client, desk)
    _create(client, desk, language="fi", title="Salasana nollattu", text="Hei! Tapaus {case}.")
    _create(client, desk, queue="accounting", title="Mätbesked skickat", text="Skickat.")

    # By queue, then language (fi before sv), then title.
    assert _titles(client, desk.anna) == ["Salasana nollattu", "Lösenord återställt"]
    assert _titles(client, desk.anna, "?queue=driver&language=sv") == ["Lösenord återställt"]
    assert _titles(client, desk.cleo) == ["Mätbesked skickat"]
    assert len(_titles(client, desk.admin)) == 3
    # Another queue's replies are not the agent's to read; a queue that does not exist is a typo.
    refused = client.get(f"{REPLIES}?queue=driver", headers=desk.cleo)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_your_queue")
    assert client.get(f"{REPLIES}?queue=drivers", headers=desk.cleo).status_code == 422
    assert client.get(REPLIES).status_code == 401
    names = [p["name"] for p in client.get(REPLIES, headers=desk.anna).json()["placeholders"]]
    assert {"case", "opens", "agent"} <= set(names)


def test_only_admins_create_change_and_delete_saved_replies(
    client: TestClient, desk: Desk, db: Session
) -> None:
    created = _create(client, desk)
    url = f"{REPLIES}/{created['id']}"
    assert client.post(REPLIES, json=_reply(title="Eget"), headers=desk.anna).status_code == 403
    assert client.put(url, json=_reply(text="Ändrat"), headers=desk.anna).status_code == 403
    assert client.delete(url, headers=desk.anna).status_code == 403
    # An agent of another queue is not told that it exists.
    assert client.put(url, json=_reply(text="Ändrat"), headers=desk.cleo).status_code == 404

    changed = client.put(url, json=_reply(text="Klart i ärende {case}."), headers=desk.admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["text"] == "Klart i ärende {case}."
    assert _titles(client, desk.anna) == ["Lösenord återställt"]

    assert client.delete(url, headers=desk.admin).status_code == 204
    assert _titles(client, desk.anna) == []
    assert client.delete(url, headers=desk.admin).status_code == 404
    db.expire_all()
    assert db.scalars(select(SavedReply)).all() == []


def test_an_unknown_placeholder_is_refused_when_saving_and_named(
    client: TestClient, desk: Desk
) -> None:
    response = client.post(
        REPLIES,
        json=_reply(text="Ärende {case}, kundnummer {kundnr} och {ärende}."),
        headers=desk.admin,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unknown_placeholder"
    assert "{kundnr}" in response.json()["detail"] and "{ärende}" in response.json()["detail"]
    assert "{case}" in response.json()["detail"]  # the known ones listed as help
    created = _create(client, desk)
    update = client.put(
        f"{REPLIES}/{created['id']}", json=_reply(text="{Case}"), headers=desk.admin
    )
    assert (update.status_code, update.json()["code"]) == (422, "unknown_placeholder")
    assert _titles(client, desk.admin) == ["Lösenord återställt"]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"text": "x" * 3001}, 422),
        ({"text": "   "}, 422),
        ({"title": "t" * 121}, 422),
        ({"queue": "nowhere"}, 422),
        ({"language": "de"}, 422),
        ({"text": "nul\x00byte"}, 422),
    ],
)
def test_a_saved_reply_is_checked_for_size_and_sense(
    client: TestClient, desk: Desk, fields: dict[str, Any], status: int
) -> None:
    assert client.post(REPLIES, json=_reply(**fields), headers=desk.admin).status_code == status


def test_a_title_is_used_once_per_queue_and_language(client: TestClient, desk: Desk) -> None:
    _create(client, desk)
    again = client.post(REPLIES, json=_reply(), headers=desk.admin)
    assert (again.status_code, again.json()["code"]) == (409, "saved_reply_title_taken")
    _create(client, desk, language="en")  # the same title in English is another reply


def test_a_saved_reply_is_filled_for_the_ticket_by_an_agent_of_its_queue(
    client: TestClient, desk: Desk, db: Session
) -> None:
    ticket = ticket_on(db, conversation_with(db, "driver-7"), queue="driver")
    saved = _create(client, desk, text="Ärende {case} är klart. {case} igen. Hälsningar, {agent}")
    url = f"/api/v1/tickets/{ticket.id}/saved-replies/{saved['id']}/fill"

    filled = client.post(url, headers=desk.anna)
    assert filled.status_code == 200, filled.text
    assert filled.json()["text"] == (
        f"Ärende {ticket.id} är klart. {ticket.id} igen. Hälsningar, Anna"
    )
    # An agent of another queue sees neither the ticket nor the reply.
    assert client.post(url, headers=desk.cleo).status_code == 404
    # A Finnish reply is not put in front of a Swedish user.
    finnish = _create(client, desk, language="fi", title="Valmis", text="Tapaus {case}.")
    other = client.post(
        f"/api/v1/tickets/{ticket.id}/saved-replies/{finnish['id']}/fill", headers=desk.anna
    )
    assert (other.status_code, other.json()["code"]) == (422, "saved_reply_not_for_ticket")
    assert (
        client.post(
            f"/api/v1/tickets/{ticket.id}/saved-replies/999/fill", headers=desk.anna
        ).status_code
        == 404
    )


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("queue", "language", "now", "opens"),
    [
        # A Saturday: the office opens on Monday.
        ("accounting", "sv", "2026-03-07 12:00", "nästa vardag, måndag 08:00"),
        ("accounting", "fi", "2026-03-07 12:00", "seuraavana arkipäivänä, maanantaina klo 08:00"),
        # Maundy Thursday evening: Good Friday and Easter Monday are closed.
        ("measurement", "en", "2026-04-02 18:00", "on the next working day, Tuesday 08:00"),
        # Early on a working day, and during office hours.
        ("accounting", "sv", "2026-03-10 06:30", "i dag från 08:00"),
        ("accounting", "sv", "2026-03-10 10:00", "nu (i dag till 16:30)"),
        # Driver support never closes, and the reply says so.
        ("driver", "sv", "2026-03-07 12:00", "nu – här finns någon dygnet runt"),
        ("driver", "en", "2026-12-24 23:00", "now – someone is here around the clock"),
    ],
)
def test_opens_tells_when_the_tickets_queue_opens_in_the_tickets_language(
    db: Session, queue: str, language: str, now: str, opens: str
) -> None:
    conversation = conversation_with(db, f"user-{queue}-{language}", language=language)
    ticket = ticket_on(db, conversation, queue=queue)
    agent = Agent(username="eva", display_name="Eva Lind", role=AgentRole.AGENT, password_hash="")
    saved = SavedReply(queue=queue, language=language, title="t", text="{opens} ({queue}, #{case})")
    filled = service.fill(ticket=ticket, saved=saved, agent=agent, now=_at(now))
    assert filled.startswith(f"{opens} (")
    assert filled.endswith(f", #{ticket.id})")
