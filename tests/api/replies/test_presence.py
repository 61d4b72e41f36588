"""Who else has a ticket open (issue 15): an agent's console sends a heartbeat, and a
typing flag, while a ticket is open; the other agents of the queue see them, typing
or not, until they leave or their heartbeat expires. Stored in the database, so
every API process tells the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole
from api.agents.service import create_agent
from api.database import utcnow
from api.replies import service
from api.replies.models import TicketPresence
from api.tickets.models import Ticket
from tests.api.desk import conversation_with, logged_in, ticket_on


@dataclass
class Desk:
    ticket: int
    anna: dict[str, str]  # driver
    bo: dict[str, str]  # driver
    cleo: dict[str, str]  # accounting only


@pytest.fixture
def desk(client: TestClient, db: Session) -> Desk:
    ticket = ticket_on(db, conversation_with(db, "driver-9"), queue="driver")
    return Desk(
        ticket=ticket.id,
        anna=logged_in(client, db, "anna", queues=["driver"]),
        bo=logged_in(client, db, "bo", queues=["driver"]),
        cleo=logged_in(client, db, "cleo", queues=["accounting"]),
    )


def _url(desk: Desk) -> str:
    return f"/api/v1/tickets/{desk.ticket}/presence"


def _others(client: TestClient, desk: Desk, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(_url(desk), headers=headers)
    assert response.status_code == 200, response.text
    agents: list[dict[str, Any]] = response.json()["agents"]
    return agents


def test_an_agent_sees_who_else_has_the_ticket_open_and_is_typing(
    client: TestClient, desk: Desk
) -> None:
    assert _others(client, desk, desk.bo) == []
    opened = client.post(_url(desk), json={"typing": False}, headers=desk.anna)
    assert opened.status_code == 200, opened.text
    assert opened.json()["agents"] == []  # nobody else yet; never oneself
    assert opened.json()["heartbeat_seconds"] > 0

    [anna] = _others(client, desk, desk.bo)
    assert (anna["display_name"], anna["typing"]) == ("Anna", False)
    client.post(_url(desk), json={"typing": True}, headers=desk.anna)
    [typing] = _others(client, desk, desk.bo)
    assert typing["typing"] is True
    assert typing["since"] == anna["since"]  # the same visit, updated in place

    # Bo's own heartbeat answers with Anna, and Anna now sees Bo.
    both = client.post(_url(desk), json={}, headers=desk.bo)
    assert [a["display_name"] for a in both.json()["agents"]] == ["Anna"]
    assert [a["display_name"] for a in _others(client, desk, desk.anna)] == ["Bo"]

    client.post(_url(desk), json={"typing": False}, headers=desk.anna)
    assert _others(client, desk, desk.bo)[0]["typing"] is False


def test_leaving_the_ticket_clears_the_agents_entry_at_once(client: TestClient, desk: Desk) -> None:
    client.post(_url(desk), json={"typing": True}, headers=desk.anna)
    assert len(_others(client, desk, desk.bo)) == 1
    assert client.delete(_url(desk), headers=desk.anna).status_code == 204
    assert _others(client, desk, desk.bo) == []
    assert client.delete(_url(desk), headers=desk.anna).status_code == 204  # gone already


def test_an_agent_of_another_queue_is_not_told_the_ticket_exists(
    client: TestClient, desk: Desk
) -> None:
    client.post(_url(desk), json={"typing": True}, headers=desk.anna)
    for method in ("get", "post", "delete"):
        kwargs: dict[str, Any] = {"json": {"typing": True}} if method == "post" else {}
        response = getattr(client, method)(_url(desk), headers=desk.cleo, **kwargs)
        assert (response.status_code, response.json()["code"]) == (404, "ticket_not_found")
    assert client.get(_url(desk)).status_code == 401
    assert [a["display_name"] for a in _others(client, desk, desk.bo)] == ["Anna"]


WINDOW = service.PresenceWindow(expiry=timedelta(seconds=20), typing=timedelta(seconds=8))


def _agent(db: Session, name: str, queues: list[str]) -> Agent:
    return create_agent(
        db=db,
        username=name,
        display_name=name.title(),
        password=f"{name}-password",
        role=AgentRole.AGENT,
        queues=queues,
    )


def test_an_entry_expires_after_the_last_heartbeat_and_typing_sooner(db: Session) -> None:
    ticket = ticket_on(db, conversation_with(db, "driver-10"), queue="driver")
    anna, bo = _agent(db, "anna", ["driver"]), _agent(db, "bo", ["driver"])
    start = utcnow()

    def seen_by_bo(after: float) -> list[tuple[str, bool]]:
        now = start + timedelta(seconds=after)
        present = service.others(db=db, ticket=ticket, agent=bo, window=WINDOW, now=now)
        return [(p.display_name, p.typing) for p in present]

    service.heartbeat(db=db, ticket=ticket, agent=anna, typing=True, window=WINDOW, now=start)
    assert seen_by_bo(7) == [("Anna", True)]
    # A console that stopped without saying so: typing ends first, then the presence.
    assert seen_by_bo(9) == [("Anna", False)]
    assert seen_by_bo(19) == [("Anna", False)]
    assert seen_by_bo(21) == []

    # A heartbeat keeps it alive, in the same row; after a lapse it is a new visit.
    later = start + timedelta(seconds=15)
    service.heartbeat(db=db, ticket=ticket, agent=anna, typing=False, window=WINDOW, now=later)
    assert seen_by_bo(30) == [("Anna", False)]
    assert _rows(db, ticket) == 1
    back = start + timedelta(seconds=60)
    service.heartbeat(db=db, ticket=ticket, agent=anna, typing=False, window=WINDOW, now=back)
    [visit] = service.others(db=db, ticket=ticket, agent=bo, window=WINDOW, now=back)
    assert visit.since == back
    assert _rows(db, ticket) == 1


def test_an_agent_moved_out_of_the_queue_is_no_longer_shown(db: Session) -> None:
    ticket = ticket_on(db, conversation_with(db, "driver-11"), queue="driver")
    anna, cleo = _agent(db, "anna", ["driver"]), _agent(db, "cleo", ["accounting"])
    now = utcnow()
    service.heartbeat(db=db, ticket=ticket, agent=anna, typing=True, window=WINDOW, now=now)
    ticket.queue = "accounting"  # transferred: Anna may not see it any more
    db.commit()
    assert service.others(db=db, ticket=ticket, agent=cleo, window=WINDOW, now=now) == []


def _rows(db: Session, ticket: Ticket) -> int:
    query = select(func.count()).where(TicketPresence.ticket_id == ticket.id)
    return int(db.scalar(query) or 0)
