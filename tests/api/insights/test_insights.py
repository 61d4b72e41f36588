"""The insight dashboard and unanswered questions on a small dataset with known numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.conversations.models import Conversation, Message, MessageStatus
from api.database import utcnow
from api.insights.service import dashboard
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
    assert board["top_topics"] == [
        {"topic": "mb_reject", "count": 2},
        {"topic": "opening_hours", "count": 1},
    ]
    assert board["top_unanswered"] == [{"text": "var är min banan", "count": 1}]


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
