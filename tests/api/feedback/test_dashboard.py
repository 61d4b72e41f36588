"""The dashboard's feedback and ticket-time figures on a known set of tickets.

Easter 2026: Good Friday is 3 April, Easter Monday 6 April, so a general-queue
ticket opened on Thursday 2 April at 16:00 and answered on Tuesday 7 April at
08:30 waited one working hour (16:00-16:30, then 08:00-08:30). Driver support is
open around the clock, so its tickets count every hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.feedback.models import Feedback, FeedbackKind
from api.insights.service import dashboard, working_time
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from tests.api.desk import logged_in

SE = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 4, 17, 12, 0, tzinfo=UTC)
_keys = count(1)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment in April 2026, Stockholm time."""
    return datetime(2026, 4, day, hour, minute, second, tzinfo=SE)


def ticket_with(
    db: Session, queue: str, priority: int, opened: datetime, *events: tuple[str, datetime]
) -> Ticket:
    """A ticket opened at `opened` whose audit log says `events` (action, when)."""
    conversation = Conversation(channel="web", sender=f"s-{next(_keys)}", language="sv")
    ticket = Ticket(
        idempotency_key=f"k-{next(_keys)}",
        conversation=conversation,
        queue=queue,
        priority=priority,
        status=TicketStatus.RESOLVED,
        language="sv",
        channel="web",
        description="hjälp",
        billable=False,
        created_at=opened,
        due_at=opened + timedelta(days=3),
        resolved_at=events[-1][1],
    )
    db.add(AuditEvent(ticket=ticket, actor="bot", action="opened", created_at=opened))
    for action, when in events:
        db.add(AuditEvent(ticket=ticket, actor="anna", action=action, created_at=when))
    return ticket


def answer(db: Session, queue: str, kind: FeedbackKind, score: int) -> None:
    asked = at(10, 12)
    db.add(
        Feedback(
            kind=kind,
            queue=queue,
            language="sv",
            channel="web",
            asked_at=asked,
            expires_at=asked + timedelta(days=2),
            score=score,
            answered_at=asked,
        )
    )


@pytest.fixture
def known(db: Session) -> None:
    # Over Easter: one working hour to the first reply, 2.5 to the resolve.
    ticket_with(db, "general", 3, at(2, 16), ("replied", at(7, 8, 30)), ("resolved", at(7, 10)))
    # Driver support on Easter Saturday: every hour counts. Reopened within a week.
    ticket_with(
        db,
        "driver",
        1,
        at(4, 10),
        ("replied", at(4, 10, 15)),
        ("resolved", at(4, 12)),
        ("reopened", at(6, 9)),
        ("resolved", at(6, 11)),
    )
    # An undone resolve does not count; resolved four days before NOW: not judged yet.
    ticket_with(
        db,
        "general",
        3,
        at(13, 8),
        ("resolved", at(13, 9)),
        ("resolve_undone", at(13, 9, 0, 10)),
        ("resolved", at(13, 10)),
    )
    answer(db, "general", FeedbackKind.PERSON, 4)
    answer(db, "general", FeedbackKind.PERSON, 5)
    answer(db, "general", FeedbackKind.ASSISTANT, 2)
    answer(db, "driver", FeedbackKind.PERSON, 3)
    db.commit()


def test_working_time_skips_nights_weekends_and_holidays_except_round_the_clock() -> None:
    assert working_time(at(2, 16), at(7, 8, 30), "general") == timedelta(hours=1)
    assert working_time(at(2, 16), at(7, 8, 30), "driver") == at(7, 8, 30) - at(2, 16)
    assert working_time(at(4, 10), at(5, 10), "general") == timedelta(0)  # Easter weekend


@pytest.mark.usefixtures("known")
def test_the_figures_of_a_known_set_of_tickets(db: Session) -> None:
    board = dashboard(db=db, days=30, now=NOW).model_dump()

    assert board["csat"] == [
        {"queue": "driver", "kind": "person", "count": 1, "mean": 3.0, "satisfied_share": 0.0},
        {"queue": "general", "kind": "assistant", "count": 1, "mean": 2.0, "satisfied_share": 0.0},
        {"queue": "general", "kind": "person", "count": 2, "mean": 4.5, "satisfied_share": 1.0},
    ]
    assert board["first_response"] == [
        {
            "queue": "driver",
            "priority": 1,
            "count": 1,
            "mean_minutes": 15.0,
            "median_minutes": 15.0,
        },
        {
            "queue": "general",
            "priority": 3,
            "count": 1,
            "mean_minutes": 60.0,
            "median_minutes": 60.0,
        },
    ]
    # Resolution from creation, or from the reopening: 120 and 120 minutes for driver;
    # 150 (over Easter) and 120 (the undone resolve left out) for general.
    assert board["resolution"] == [
        {
            "queue": "driver",
            "priority": 1,
            "count": 2,
            "mean_minutes": 120.0,
            "median_minutes": 120.0,
        },
        {
            "queue": "general",
            "priority": 3,
            "count": 2,
            "mean_minutes": 135.0,
            "median_minutes": 135.0,
        },
    ]
    assert board["reopens"] == {"resolved": 3, "reopened": 1, "rate": pytest.approx(1 / 3)}
    assert board["durable"] == {
        "days": 7,
        "judged": 3,
        "durable": 2,
        "share": pytest.approx(2 / 3),
        "not_yet_judged": 1,
    }


@pytest.mark.usefixtures("known")
def test_an_agent_sees_the_figures_of_their_own_queues_only(
    client: TestClient, db: Session
) -> None:
    headers = logged_in(client, db, "anna", queues=["driver"])
    board = dashboard(db=db, days=30, now=NOW, queues=["driver"]).model_dump()
    assert {x["queue"] for x in board["csat"] + board["first_response"]} == {"driver"}
    assert board["reopens"] == {"resolved": 1, "reopened": 1, "rate": 1.0}

    response = client.get("/api/v1/insights/dashboard", params={"days": 366}, headers=headers)
    assert response.status_code == 200
    assert {x["queue"] for x in response.json()["csat"]} == {"driver"}
