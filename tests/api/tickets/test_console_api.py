"""What the agent console asks of the ticket API (issue 14): search and filters over the
agent's own queues, a subject and who has it on every row, the contact's earlier
tickets, the actions that apply now, transfer with a reason that keeps the claim,
an undoable resolve whose notice is told only after the window, and triage reasons
in every language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.service import take_due
from api.tickets.models import Ticket
from api.tickets.service import open_ticket
from bot.triage import Triage
from tests.api.desk import conversation_with, logged_in, ticket_on
from tests.web_chat import WebChat

TICKETS = "/api/v1/tickets"


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["tickets"]]


@dataclass
class Desk:
    driver_p1: int  # web, sv, "LÖSENORDET ..." in the transcript
    driver_p3: int  # sms, fi, with a contact
    access_p2: int  # telegram, en
    accounting: int  # outside Anna's queues
    anna: dict[str, str]  # driver and access
    bo: dict[str, str]  # driver and access
    boss: dict[str, str]  # admin


@pytest.fixture
def desk(client: TestClient, db: Session) -> Desk:
    web = conversation_with(db, "w1", said="Jag har glömt LÖSENORDET till Chaufförsklienten")
    sms = conversation_with(db, "pseudo-1", channel="sms", language="fi", said="en pääse sisään")
    telegram = conversation_with(db, "t1", channel="telegram", language="en", said="new user")
    other = conversation_with(db, "a1", said="fakturan är fel")
    p1 = ticket_on(db, web, priority=1, description="Glömt lösenordet")
    p3 = ticket_on(db, sms, priority=3, description="en pääse sisään")
    p3.contact = "anna.berg@example.se"
    p2 = ticket_on(db, telegram, queue="access", priority=2, description="new user please")
    elsewhere = ticket_on(db, other, queue="accounting", description="fakturan är fel")
    db.commit()
    return Desk(
        p1.id,
        p3.id,
        p2.id,
        elsewhere.id,
        anna=logged_in(client, db, "anna", queues=["driver", "access"]),
        bo=logged_in(client, db, "bo", queues=["driver", "access"]),
        boss=logged_in(client, db, "boss", role=AgentRole.ADMIN, queues=[]),
    )


def test_without_a_queue_the_list_is_every_queue_of_the_agent_priority_first(
    client: TestClient, desk: Desk
) -> None:
    mine = [desk.driver_p1, desk.access_p2, desk.driver_p3]
    assert _ids(client.get(TICKETS, headers=desk.anna)) == mine
    assert _ids(client.get(TICKETS, headers=desk.boss)) == [*mine, desk.accounting]
    refused = client.get(TICKETS, params={"queue": "accounting"}, headers=desk.anna)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_queue"
    assert _ids(client.get(TICKETS, params={"limit": 1}, headers=desk.anna)) == [desk.driver_p1]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lösenordet", "driver_p1"),  # a word of the transcript, any case, å/ä/ö too
        ("LÖSENORDET chaufförsklienten", "driver_p1"),  # every word
        ("ANNA.BERG@example", "driver_p3"),  # the contact
        ("new user", "access_p2"),
    ],
)
def test_search_finds_words_of_the_text_and_the_contact(
    client: TestClient, desk: Desk, q: str, expected: str
) -> None:
    found = _ids(client.get(TICKETS, params={"q": q}, headers=desk.anna))
    assert found == [getattr(desk, expected)]


def test_search_by_ticket_number_never_reaches_outside_the_agents_queues(
    client: TestClient, desk: Desk
) -> None:
    for q in (str(desk.driver_p3), f"#{desk.driver_p3}"):
        assert _ids(client.get(TICKETS, params={"q": q}, headers=desk.anna)) == [desk.driver_p3]
    assert _ids(client.get(TICKETS, params={"q": f"#{desk.accounting}"}, headers=desk.anna)) == []
    assert _ids(client.get(TICKETS, params={"q": "fakturan"}, headers=desk.anna)) == []
    assert _ids(client.get(TICKETS, params={"q": "fakturan"}, headers=desk.boss)) == [
        desk.accounting
    ]
    assert _ids(client.get(TICKETS, params={"q": "100%_"}, headers=desk.anna)) == []


def test_filters_mine_unclaimed_priority_channel_language_and_status(
    client: TestClient, desk: Desk
) -> None:
    client.post(f"{TICKETS}/{desk.driver_p3}/claim", headers=desk.anna)
    client.post(f"{TICKETS}/{desk.access_p2}/claim", headers=desk.bo)

    def listed(**params: Any) -> list[int]:
        return _ids(client.get(TICKETS, params=params, headers=desk.anna))

    assert listed(mine=True) == [desk.driver_p3]
    assert listed(unclaimed=True) == [desk.driver_p1]
    assert listed(priority=[1, 2]) == [desk.driver_p1, desk.access_p2]
    assert listed(channel=["sms", "telegram"]) == [desk.access_p2, desk.driver_p3]
    assert listed(language="fi") == [desk.driver_p3]
    assert listed(queue="access", mine=True) == []
    client.post(f"{TICKETS}/{desk.driver_p3}/resolve", headers=desk.anna)
    assert desk.driver_p3 not in listed()  # open (unresolved) by default
    assert listed(status="resolved") == [desk.driver_p3]
    assert set(listed(status="all")) == {desk.driver_p1, desk.access_p2, desk.driver_p3}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"priority": 6},
        {"priority": "hög"},
        {"channel": "fax"},
        {"language": "de"},
        {"status": "closed"},
        {"limit": 0},
        {"limit": 501},
        {"queue": "x"},
    ],
)
def test_bad_filters_are_refused_with_422(
    client: TestClient, desk: Desk, params: dict[str, Any]
) -> None:
    response = client.get(TICKETS, params=params, headers=desk.anna)
    assert response.status_code == 422, response.text
    assert response.json()["code"]


def test_rows_carry_a_one_line_title_and_who_has_the_ticket(
    client: TestClient, db: Session, desk: Desk
) -> None:
    conversation = conversation_with(db, "long")
    long = "Sedan i morse   kan ingen av våra förare logga in i Chaufförsklienten vid " * 3
    ticket = ticket_on(db, conversation, description=f"{long}\n(Åkeri Berg AB)")
    mail = ticket_on(db, conversation, queue="access", description="hej", key="mail")
    mail.subject = "Behörighet för ny transportledare"
    db.commit()
    client.post(f"{TICKETS}/{ticket.id}/claim", headers=desk.bo)
    rows = {t["id"]: t for t in client.get(TICKETS, headers=desk.anna).json()["tickets"]}
    title = rows[ticket.id]["title"]
    assert len(title) <= 80 and title.endswith("…") and "  " not in title
    assert title.startswith("Sedan i morse kan ingen av våra förare")
    assert rows[ticket.id]["assigned_agent_name"] == "Bo"
    assert rows[mail.id]["title"] == "Behörighet för ny transportledare"
    assert rows[mail.id]["assigned_agent_name"] is None
    assert rows[desk.driver_p1]["title"] == "Glömt lösenordet"


def test_a_ticket_lists_the_same_contacts_earlier_tickets_the_agent_may_read(
    client: TestClient, db: Session, desk: Desk
) -> None:
    sms = db.scalars(select(Conversation).where(Conversation.sender == "pseudo-1")).one()
    voice = conversation_with(db, "pseudo-1", channel="voice", language="fi")  # the same number
    by_mail = conversation_with(db, "m1", channel="email")
    stranger = conversation_with(db, "s1")
    earlier = ticket_on(db, sms, description="vanha asia", key="old")
    called = ticket_on(db, voice, queue="access", description="soitto")
    mailed = ticket_on(db, by_mail, description="mejl")
    mailed.contact = "Anna.Berg@example.se"
    hidden = ticket_on(db, by_mail, queue="accounting", description="faktura", key="acc")
    hidden.contact = "anna.berg@example.se"
    ticket_on(db, stranger, description="annan person")
    db.commit()
    read = client.get(f"{TICKETS}/{desk.driver_p3}", headers=desk.anna).json()
    # newest first; not the ticket itself, nor one in a queue Anna is not a member of
    assert [t["id"] for t in read["earlier_tickets"]] == [mailed.id, called.id, earlier.id]
    assert read["earlier_tickets"][0]["title"] == "mejl"
    everything = client.get(f"{TICKETS}/{desk.driver_p3}", headers=desk.boss).json()
    assert hidden.id in [t["id"] for t in everything["earlier_tickets"]]


def _actions(client: TestClient, ticket: int, who: dict[str, str]) -> list[str]:
    response = client.get(f"{TICKETS}/{ticket}", headers=who)
    assert response.status_code == 200
    return list(response.json()["actions"])


def test_a_ticket_offers_the_actions_that_apply_to_it_now(client: TestClient, desk: Desk) -> None:
    ticket = desk.driver_p1
    work = ["reply", "note", "transfer", "priority", "resolve"]
    assert _actions(client, ticket, desk.anna) == ["claim", *work]
    client.post(f"{TICKETS}/{ticket}/claim", headers=desk.anna)
    assert _actions(client, ticket, desk.anna) == ["release", *work]
    assert _actions(client, ticket, desk.bo) == []  # Anna's now
    assert _actions(client, ticket, desk.boss) == ["release", *work]
    client.post(f"{TICKETS}/{ticket}/resolve", headers=desk.anna)
    # resolved: no transfer, no priority change; the undo is the resolver's (or an admin's)
    assert _actions(client, ticket, desk.anna) == ["note", "undo_resolve", "reopen"]
    assert _actions(client, ticket, desk.bo) == ["note", "reopen"]
    assert _actions(client, ticket, desk.boss) == ["note", "undo_resolve", "reopen"]
    refused = client.post(
        f"{TICKETS}/{ticket}/priority", json={"priority": 2, "reason": "ändå"}, headers=desk.anna
    )
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"


def _transfer(client: TestClient, ticket: int, who: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(f"{TICKETS}/{ticket}/transfer", json=body, headers=who)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_transfer_asks_a_reason_and_keeps_the_claim_unless_released(
    client: TestClient, db: Session, desk: Desk
) -> None:
    ticket = desk.driver_p1
    client.post(f"{TICKETS}/{ticket}/claim", headers=desk.bo)
    for body in ({"queue": "access"}, {"queue": "access", "reason": "   "}):
        missing = client.post(f"{TICKETS}/{ticket}/transfer", json=body, headers=desk.bo)
        assert missing.status_code == 422
    moved = _transfer(client, ticket, desk.bo, queue="access", reason=" Gäller behörighet ")
    assert (moved["queue"], moved["status"], moved["assigned_agent_name"]) == (
        "access",
        "claimed",
        "Bo",
    )
    event = moved["events"][-1]
    assert event["action"] == "transferred"
    assert event["detail"] == {
        "old": "driver",
        "new": "access",
        "reason": "Gäller behörighet",
        "released": False,
    }
    back = _transfer(client, ticket, desk.bo, queue="driver", reason="tillbaka", release=True)
    assert (back["status"], back["assigned_agent_id"]) == ("open", None)
    assert [e["action"] for e in back["events"][-2:]] == ["transferred", "released"]
    assert back["events"][-2]["detail"]["release_reason"] == "asked"


def test_a_transfer_to_a_queue_the_agent_is_not_in_releases_the_claim(
    client: TestClient, desk: Desk
) -> None:
    ticket = desk.driver_p1
    client.post(f"{TICKETS}/{ticket}/claim", headers=desk.anna)
    moved = _transfer(client, ticket, desk.anna, queue="general", reason="Övrigt")
    assert (moved["queue"], moved["status"]) == ("general", "open")
    transferred = moved["events"][-2]["detail"]
    assert transferred["released"] is True and transferred["release_reason"] == "not_a_member"
    assert moved["events"][-1]["action"] == "released"


@pytest.fixture
def chat(client: TestClient, db: Session) -> tuple[WebChat, int]:
    """A web chat user whose case is claimed by Anna."""
    web = WebChat(client)
    web.send("d1", "hej, jag behöver hjälp")
    conversation = db.scalars(select(Conversation).where(Conversation.sender == "d1")).one()
    ticket = ticket_on(db, conversation, description="kommer inte in")
    return web, ticket.id


def _notices(web: WebChat) -> list[str]:
    response = web.poll("d1")
    assert response.status_code == 200
    return [m["text"] for m in response.json()["messages"] if m["author"] == "notice"]


def _let_the_window_pass(db: Session, ticket_id: int) -> None:
    """As if the resolve was 31 seconds ago."""
    past = timedelta(seconds=31)
    ticket = db.get(Ticket, ticket_id)
    assert ticket is not None and ticket.resolved_at is not None
    db.execute(
        update(Ticket).where(Ticket.id == ticket_id).values(resolved_at=ticket.resolved_at - past)
    )
    db.execute(
        update(Message)
        .where(Message.author == "notice", Message.conversation_id == ticket.conversation_id)
        .values(created_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()


def test_an_undone_resolve_is_never_told_and_the_ticket_is_claimed_again(
    client: TestClient, db: Session, chat: tuple[WebChat, int]
) -> None:
    web, ticket = chat
    anna = logged_in(client, db, "anna")
    client.post(f"{TICKETS}/{ticket}/claim", headers=anna)
    done = client.post(f"{TICKETS}/{ticket}/resolve", headers=anna).json()
    assert done["status"] == "resolved" and "undo_resolve" in done["actions"]
    assert _notices(web) == []  # not while it can be undone
    undone = client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=anna)
    assert undone.status_code == 200, undone.text
    body = undone.json()
    assert (body["status"], body["assigned_agent_name"]) == ("claimed", "Anna")
    assert [e["action"] for e in body["events"][-2:]] == ["resolved", "resolve_undone"]
    assert "notice" not in [line["author"] for line in body["transcript"]]
    assert _notices(web) == []
    # the user's next message goes to the agent again
    assert web.send("d1", "är ni kvar?").json()["handoff"]["ticket_id"] == str(ticket)


def test_after_the_window_the_user_is_told_and_the_undo_is_refused(
    client: TestClient, db: Session, chat: tuple[WebChat, int]
) -> None:
    web, ticket = chat
    anna = logged_in(client, db, "anna")
    client.post(f"{TICKETS}/{ticket}/resolve", headers=anna)
    _let_the_window_pass(db, ticket)
    assert len(_notices(web)) == 1 and f"Ärende {ticket}" in _notices(web)[0]
    late = client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=anna)
    assert late.status_code == 409 and late.json()["code"] == "undo_window_passed"
    assert "undo_resolve" not in client.get(f"{TICKETS}/{ticket}", headers=anna).json()["actions"]


def test_only_the_resolver_or_an_admin_may_undo(
    client: TestClient, db: Session, chat: tuple[WebChat, int]
) -> None:
    _, ticket = chat
    anna, bo = logged_in(client, db, "anna"), logged_in(client, db, "bo")
    boss = logged_in(client, db, "boss", role=AgentRole.ADMIN, queues=[])
    client.post(f"{TICKETS}/{ticket}/claim", headers=anna)
    client.post(f"{TICKETS}/{ticket}/resolve", headers=anna)
    refused = client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=bo)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_ticket"
    undone = client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=boss).json()
    assert (undone["status"], undone["assigned_agent_name"]) == ("claimed", "Anna")
    twice = client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=boss)
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"


def test_a_pushed_notice_waits_in_the_outbox_and_an_undo_withdraws_it(
    client: TestClient, db: Session
) -> None:
    conversation = conversation_with(db, "pseudo-9", channel="telegram")
    conversation.reply_address = "sealed-chat-id"
    db.commit()
    ticket = ticket_on(db, conversation).id
    anna = logged_in(client, db, "anna")
    client.post(f"{TICKETS}/{ticket}/resolve", headers=anna)
    row = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).one()
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert take_due(db=db) == []  # not sent while the resolve can be undone
    client.post(f"{TICKETS}/{ticket}/undo-resolve", headers=anna)
    db.expire_all()
    assert row.status == OutboxStatus.WITHDRAWN
    assert take_due(db=db, now=utcnow() + timedelta(minutes=5)) == []


def test_triage_reasons_are_given_in_every_language_with_queue_names_not_ids(
    client: TestClient, db: Session
) -> None:
    conversation = conversation_with(db, "r1")
    triage = Triage(
        "sv",
        "access",
        4,
        True,
        ["Kö access enligt modellen"],
        "order",
        [
            {"rule": "order"},
            {"key": "reason_queue", "params": {"queue": "access", "p": 0.62}},
        ],
    )
    ticket = open_ticket(
        db=db,
        conversation=conversation,
        triage=triage,
        description="ny användare",
        contact=None,
        idempotency_key="r1",
    )
    boss = logged_in(client, db, "boss", role=AgentRole.ADMIN, queues=[])
    reasons = client.get(f"{TICKETS}/{ticket.id}", headers=boss).json()["triage_reasons"]
    assert reasons[0]["en"].startswith("An order (user, permission")
    assert reasons[1] == {
        "sv": "Kö Behörigheter enligt modellen för liknande ärenden (säkerhet 62%).",
        "en": "Queue Permissions (Behörigheter) from the model of similar requests "
        "(confidence 62%).",
        "fi": reasons[1]["fi"],
    }
    assert "access" not in reasons[1]["fi"] and "Jono" in reasons[1]["fi"]


def test_queues_carry_their_names_in_every_language(client: TestClient) -> None:
    queues = client.get("/api/v1/queues", params={"lang": "en"}).json()["queues"]
    access = next(q for q in queues if q["id"] == "access")
    assert access["names"]["sv"] == "Behörigheter" and access["name"] == access["names"]["en"]
    assert set(access["names"]) == {"sv", "en", "fi"}
