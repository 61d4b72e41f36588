"""The insight dashboard and unanswered questions on a small dataset with known numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.conversations.models import Conversation, Message, MessageStatus
from api.database import utcnow
from api.insights.service import dashboard, question_id
from api.tickets.models import TicketStatus
from tests.api.desk import logged_in, ticket_on


@pytest.fixture
def agent(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "anna", queues=["general"])


def _conversation(
    db: Session, sender: str, channel: str, language: str, at: datetime
) -> Conversation:
    conversation = Conversation(channel=channel, sender=sender, language=language, created_at=at)
    db.add(conversation)
    return conversation


def _said(
    db: Session,
    conversation: Conversation,
    text: str,
    *,
    topic: str | None = None,
    unanswered: bool = False,
    at: datetime | None = None,
) -> None:
    db.add(
        Message(
            conversation=conversation,
            author="user",
            text=text,
            language=conversation.language,
            topic=topic,
            unanswered=unanswered,
            status=MessageStatus.ANSWERED,
            created_at=at or utcnow(),
        )
    )


def test_unanswered_questions_are_grouped_by_their_text(
    client: TestClient, db: Session, agent: dict[str, str]
) -> None:
    now = utcnow()
    web = _conversation(db, "u1", "web", "sv", now)
    sms = _conversation(db, "u2", "sms", "sv", now)
    _said(db, web, "Hur byter jag  LÖSENORD?", unanswered=True, at=now - timedelta(hours=3))
    _said(db, sms, "hur byter jag lösenord", unanswered=True, at=now - timedelta(hours=2))
    _said(db, web, "Hur byter jag lösenord", unanswered=True, at=now - timedelta(hours=1))
    _said(db, sms, "Vad kostar en banan?", unanswered=True)
    _said(db, web, "vad är vrak", topic="mb_reject")  # answered: not listed
    _said(db, web, "gammal fråga", unanswered=True, at=now - timedelta(days=40))  # too old
    db.commit()

    response = client.get("/api/v1/insights/unanswered", params={"days": 30}, headers=agent)
    assert response.status_code == 200
    questions = response.json()["questions"]
    assert [(q["text"], q["count"]) for q in questions] == [
        ("Hur byter jag lösenord", 3),
        ("Vad kostar en banan?", 1),
    ]
    assert questions[0]["language"] == "sv" and questions[0]["last_seen"]
    limited = client.get("/api/v1/insights/unanswered", params={"limit": 1}, headers=agent)
    assert len(limited.json()["questions"]) == 1
    assert client.get("/api/v1/insights/unanswered").status_code == 401


def test_the_dashboard_counts_a_small_known_dataset(
    client: TestClient, db: Session, agent: dict[str, str]
) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    first = _conversation(db, "a", "web", "sv", now - timedelta(days=1))
    second = _conversation(db, "b", "web", "en", now - timedelta(hours=2))
    third = _conversation(db, "c", "telegram", "sv", now - timedelta(hours=1))
    _conversation(db, "old", "web", "fi", now - timedelta(days=60))  # outside the period
    _said(db, first, "vad är vrak", topic="mb_reject", at=now - timedelta(days=1))
    _said(db, second, "what is reject", topic="mb_reject", at=now - timedelta(hours=2))
    _said(db, third, "öppettider", topic="opening_hours", at=now - timedelta(hours=1))
    _said(db, third, "var är min banan", unanswered=True, at=now - timedelta(hours=1))
    db.commit()
    handed = ticket_on(db, third, priority=2, now=now - timedelta(hours=1))
    # a ticket opened before the period: not a hand-off in it
    resolved = ticket_on(db, first, queue="accounting", priority=4, now=now - timedelta(days=45))
    resolved.status, resolved.resolved_at = TicketStatus.RESOLVED, now - timedelta(days=44)
    handed.due_at = now - timedelta(minutes=5)  # open and past its due time
    db.commit()

    board = dashboard(db=db, days=30, now=now).model_dump()
    assert board["days"] == [
        {"day": "2026-11-22", "conversations": 1},
        {"day": "2026-11-23", "conversations": 2},
    ]
    assert board["by_channel"] == {"telegram": 1, "web": 2}
    assert board["by_language"] == {"en": 1, "sv": 2}
    # Both tickets' conversations reached a person (one ticket opened before the period).
    assert board["self_service_share"] == pytest.approx(1 / 3)
    assert board["handoffs"] == [{"queue": "driver", "priority": 2, "count": 1}]
    assert board["sla"] == {"met": 0, "breached": 0, "open_breached": 1, "compliance": 0.0}
    assert [(t["topic"], t["count"]) for t in board["top_topics"]] == [
        ("mb_reject", 2),
        ("opening_hours", 1),
    ]
    # each topic named by its articles' titles, in every language
    assert board["top_topics"][0]["titles"] == {
        "sv": "Vrakkvantitet och vrakkoder",
        "en": "Reject quantity and reject codes",
        "fi": "Hylkymäärä ja hylkykoodit",
    }
    assert board["top_unanswered"] == [
        {"id": question_id("var är min banan"), "text": "var är min banan", "count": 1}
    ]


def test_the_dashboard_over_http(client: TestClient, db: Session, agent: dict[str, str]) -> None:
    now = utcnow()
    for sender in ("a", "b", "c"):
        _conversation(db, sender, "web", "sv", now)
    db.commit()
    conversation = db.query(Conversation).filter_by(sender="a").one()
    ticket = ticket_on(db, conversation, queue="general")
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, ticket.created_at
    db.commit()
    response = client.get("/api/v1/insights/dashboard", params={"days": 7}, headers=agent)
    assert response.status_code == 200
    board = response.json()
    assert board["self_service_share"] == pytest.approx(2 / 3)
    assert board["days"] == [{"day": now.date().isoformat(), "conversations": 3}]
    assert board["sla"] == {"met": 1, "breached": 0, "open_breached": 0, "compliance": 1.0}
    assert board["handoffs"] == [{"queue": "general", "priority": 3, "count": 1}]
    assert (
        client.get("/api/v1/insights/dashboard", params={"days": 0}, headers=agent).status_code
        == 422
    )


def test_an_agent_sees_the_hand_offs_and_sla_of_their_own_queues_only(
    client: TestClient, db: Session, agent: dict[str, str]
) -> None:
    now = utcnow()
    for sender, queue in (("g", "general"), ("d", "driver")):
        conversation = _conversation(db, sender, "web", "sv", now)
        db.commit()
        ticket = ticket_on(db, conversation, queue=queue, priority=2)
        ticket.due_at = now - timedelta(minutes=1)  # open and late
    db.commit()
    admin = logged_in(client, db, "root", role=AgentRole.ADMIN, queues=[])

    def board(headers: dict[str, str]) -> dict[str, object]:
        response = client.get("/api/v1/insights/dashboard", headers=headers)
        assert response.status_code == 200
        return dict(response.json())

    mine, everything = board(agent), board(admin)  # anna is in "general" only
    assert mine["handoffs"] == [{"queue": "general", "priority": 2, "count": 1}]
    assert mine["sla"] == {"met": 0, "breached": 0, "open_breached": 1, "compliance": 0.0}
    assert [h["queue"] for h in everything["handoffs"]] == ["driver", "general"]  # type: ignore[attr-defined]
    assert everything["sla"]["open_breached"] == 2  # type: ignore[index]
    # The conversations are the whole service's, whoever asks.
    assert mine["days"] == everything["days"]


def _bot(db: Session, conversation: Conversation, text: str, at: datetime) -> None:
    db.add(
        Message(
            conversation=conversation,
            author="bot",
            text=text,
            language=conversation.language,
            status=MessageStatus.SENT,
            created_at=at,
        )
    )


def test_form_answers_and_contact_details_are_not_unanswered_questions(
    client: TestClient, db: Session, agent: dict[str, str]
) -> None:
    now = utcnow()
    form = _conversation(db, "f1", "web", "sv", now - timedelta(hours=2))
    _bot(db, form, "Hur når vi dig, med telefonnummer eller e-post?", now - timedelta(hours=2))
    _said(db, form, "på kvällarna", unanswered=True, at=now - timedelta(hours=1, minutes=59))
    _said(db, form, "Anna Berg, nå mig på [telefon]", unanswered=True)
    _said(db, form, "my e-mail is [e-post]", unanswered=True)
    waiting = _conversation(db, "f2", "web", "sv", now - timedelta(hours=3))
    db.commit()
    ticket_on(db, waiting, now=now - timedelta(hours=3))  # the case is open: for the agent
    _said(db, waiting, "Åkeri Berg AB, transportledare", unanswered=True)
    _said(db, waiting, "Vad kostar det?", topic=None, unanswered=True)
    answered = _conversation(db, "f3", "web", "sv", now)
    # a question that names a number is still a question
    _said(
        db,
        answered,
        "Hur ändrar jag numret [telefon] i Mina Sidor?",
        unanswered=True,
        at=now - timedelta(minutes=1),
    )
    _said(db, answered, "Kan man byta lösenord", unanswered=True)
    db.commit()
    questions = client.get("/api/v1/insights/unanswered", headers=agent).json()["questions"]
    assert [q["text"] for q in questions] == [
        "Kan man byta lösenord",
        "Hur ändrar jag numret [telefon] i Mina Sidor?",
    ]


@pytest.fixture
def asked(db: Session) -> None:
    now = utcnow()
    web = _conversation(db, "q1", "web", "sv", now)
    _said(db, web, "Hur byter jag lösenord?", unanswered=True, at=now - timedelta(hours=2))
    _said(db, web, "hur byter jag LÖSENORD", unanswered=True, at=now - timedelta(hours=1))
    _said(db, web, "Var är min banan?", unanswered=True)
    db.commit()


def _questions(client: TestClient, headers: dict[str, str]) -> list[dict[str, object]]:
    response = client.get("/api/v1/insights/unanswered", headers=headers)
    assert response.status_code == 200
    return list(response.json()["questions"])


def test_an_admin_dismisses_an_entry_by_its_stable_id(
    client: TestClient, db: Session, agent: dict[str, str], asked: None
) -> None:
    first = _questions(client, agent)
    assert [q["count"] for q in first] == [2, 1]
    assert first[0]["id"] == question_id("Hur byter jag lösenord?")  # the same across wordings
    assert _questions(client, agent) == first
    banana = str(first[1]["id"])
    path = f"/api/v1/insights/unanswered/{banana}/dismiss"
    refused = client.post(path, headers=agent)
    assert refused.status_code == 403
    admin = logged_in(client, db, "root", role=AgentRole.ADMIN, queues=[])
    dismissed = client.post(path, headers=admin)
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["id"] == banana and dismissed.json()["dismissed_by"] == "root"
    assert client.post(path, headers=admin).status_code == 200  # twice: the same
    assert [q["id"] for q in _questions(client, agent)] == [first[0]["id"]]
    board = client.get("/api/v1/insights/dashboard", headers=agent).json()
    assert [q["id"] for q in board["top_unanswered"]] == [first[0]["id"]]
    missing = client.post(f"/api/v1/insights/unanswered/{'0' * 16}/dismiss", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "question_not_found"
    bad = client.post("/api/v1/insights/unanswered/not-an-id/dismiss", headers=admin)
    assert bad.status_code == 422


def test_an_admin_turns_an_entry_into_an_article_draft(
    client: TestClient, db: Session, agent: dict[str, str], asked: None
) -> None:
    entry = _questions(client, agent)[0]
    path = f"/api/v1/insights/unanswered/{entry['id']}/draft"
    body = {"language": "sv", "title": "Byta lösenord", "answer": "Välj Glömt lösenord."}
    assert client.post(path, json=body, headers=agent).status_code == 403
    admin = logged_in(client, db, "root", role=AgentRole.ADMIN, queues=[])
    assert client.post(path, json={**body, "title": ""}, headers=admin).status_code == 422
    assert client.post(path, json={**body, "language": "de"}, headers=admin).status_code == 422
    made = client.post(path, json=body, headers=admin)
    assert made.status_code == 201, made.text
    draft = made.json()
    assert (draft["ticket_id"], draft["status"], draft["question"]) == (
        None,
        "proposed",
        "hur byter jag LÖSENORD",  # the latest wording
    )
    proposed = client.get("/api/v1/knowledge/drafts", headers=admin).json()["drafts"]
    assert [d["id"] for d in proposed] == [draft["id"]]
    assert entry["id"] not in [q["id"] for q in _questions(client, agent)]
    again = client.post(path, json=body, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "question_dismissed"
