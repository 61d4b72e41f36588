"""An admin erases one person's data by phone number, e-mail address or conversation:
everything of theirs goes, nothing of anyone else's, and the statistics stay."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.addresses import pseudonym
from api.agents.models import AgentRole
from api.attachments.models import Attachment
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.feedback.models import Feedback, FeedbackKind
from api.mail.models import MailMessage
from api.outbox.models import OutboxMessage
from api.tickets.models import AuditEvent, Ticket
from tests.api.desk import logged_in
from tests.api.retention.conftest import FakeRasa
from tests.api.retention.data import SECRET, Person, person

NUMBER = "+46701234567"
OTHER_NUMBER = "+46709876543"
ADDRESS = "anna.berg@example.se"
CALL = "CA" + "a" * 32


def _phone_person(db: Session, folder: Path) -> list[Person]:
    """One caller's SMS conversation, phone call and web chat (with the number as the
    ticket's contact, written the Swedish way)."""
    return [
        person(
            db,
            folder,
            channel="sms",
            sender=pseudonym(SECRET, "sms", NUMBER),
            said="Min våg visar fel",
            contact=NUMBER,
        ),
        person(
            db,
            folder,
            channel="voice",
            sender=f"{pseudonym(SECRET, 'voice', NUMBER)}/{CALL}",
            said="Ring mig",
            contact=NUMBER,
        ),
        person(
            db,
            folder,
            channel="web",
            sender="widget-anna",
            said="Inloggningen krånglar",
            contact="070-123 45 67",
            queue="general",
        ),
    ]


def _someone_else(db: Session, folder: Path) -> Person:
    return person(
        db,
        folder,
        channel="sms",
        sender=pseudonym(SECRET, "sms", OTHER_NUMBER),
        said="Annan fråga",
        contact=OTHER_NUMBER,
    )


def _erase(client: TestClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/retention/erasures", json=body, headers=admin)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _assert_erased(db: Session, folder: Path, people: list[Person]) -> None:
    db.expire_all()
    for p in people:
        conversation = db.get(Conversation, p.conversation_id)
        assert conversation is not None  # kept, for the statistics
        assert conversation.sender.startswith("anonymised:")
        assert conversation.reply_address is None
        texts = db.scalars(
            select(Message.text).where(Message.conversation_id == p.conversation_id)
        ).all()
        assert texts and set(texts) == {""}
        message = db.get(Message, p.message_id)
        assert message is not None and message.sealed_original is None
        assert message.topic == "login"  # what statistics count stays
        assert db.get(Attachment, p.attachment_id) is None
        assert not (folder / p.stored_as).exists()
        assert db.get(OutboxMessage, p.sent_id) is None
        assert db.get(OutboxMessage, p.pending_id) is None  # withdrawn too
        mails = select(MailMessage).where(MailMessage.conversation_id == p.conversation_id)
        assert db.scalars(mails).all() == []
        if p.ticket_id:
            ticket = db.get(Ticket, p.ticket_id)
            assert ticket is not None
            assert (ticket.description, ticket.contact, ticket.subject) == ("", None, None)
            assert (ticket.queue, ticket.priority, ticket.channel) == (p.queue, 3, p.channel)
            query = select(AuditEvent).where(AuditEvent.ticket_id == ticket.id)
            events = db.scalars(query.order_by(AuditEvent.id)).all()
            assert [e.action for e in events] == ["opened", "note"]
            assert all("text" not in e.detail for e in events)


def _assert_untouched(db: Session, folder: Path, p: Person) -> None:
    db.expire_all()
    conversation = db.get(Conversation, p.conversation_id)
    assert conversation is not None and conversation.sender == p.sender
    message = db.get(Message, p.message_id)
    assert message is not None and message.text == p.text
    assert message.sealed_original is not None
    assert (folder / p.stored_as).exists()
    assert db.get(OutboxMessage, p.sent_id) is not None
    assert p.ticket_id is not None
    ticket = db.get(Ticket, p.ticket_id)
    assert ticket is not None and ticket.contact == OTHER_NUMBER


def test_erasure_by_phone_finds_the_sms_calls_and_tickets_with_that_number(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings, rasa: FakeRasa
) -> None:
    folder = settings.attachments_dir
    people = _phone_person(db, folder)
    other = _someone_else(db, folder)

    record = _erase(started, admin, phone="070 123 45 67")

    _assert_erased(db, folder, people)
    _assert_untouched(db, folder, other)
    counts = record["counts"]
    assert record["identifier_kind"] == "phone"
    assert (counts["conversations"], counts["tickets"], counts["attachments"]) == (3, 3, 3)
    assert counts["outbox"] == 6 and counts["attachment_files"] == 3
    assert sorted(rasa.resets()) == sorted(f"conv-{p.conversation_id}" for p in people)
    assert counts["trackers"] == 3 and counts["trackers_failed"] == 0


def test_erasure_by_email_finds_the_mail_conversation_and_tickets_with_that_address(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    mail = person(
        db,
        folder,
        channel="email",
        sender=pseudonym(SECRET, "email", ADDRESS),
        said="Fakturan stämmer inte",
        contact=ADDRESS,
    )
    web = person(
        db,
        folder,
        channel="web",
        sender="widget-anna",
        said="Hjälp",
        contact=f"Anna Berg <{ADDRESS.upper()}>",
    )
    other = _someone_else(db, folder)

    record = _erase(started, admin, email=f" {ADDRESS.title()} ")

    _assert_erased(db, folder, [mail, web])
    _assert_untouched(db, folder, other)
    assert record["counts"]["conversations"] == 2
    assert record["counts"]["mail_records"] == 2


def test_erasure_by_conversation_takes_that_one_only(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    sms, _voice, web = _phone_person(db, folder)

    record = _erase(started, admin, conversation_id=web.conversation_id)

    _assert_erased(db, folder, [web])
    db.expire_all()
    kept = db.get(Conversation, sms.conversation_id)
    assert kept is not None and not kept.sender.startswith("anonymised:")
    assert record["identifier_kind"] == "conversation"
    assert record["counts"]["conversations"] == 1


def test_the_erasure_record_holds_no_identifier(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings
) -> None:
    people = _phone_person(db, settings.attachments_dir)
    _erase(started, admin, phone=NUMBER)
    _erase(started, admin, email=ADDRESS)

    listed = started.get("/api/v1/retention/erasures", headers=admin)

    assert listed.status_code == 200
    records = listed.json()["erasures"]
    assert [r["identifier_kind"] for r in records] == ["email", "phone"]
    assert all(r["requested_by"] == "rita" for r in records)
    text = json.dumps(records)
    for secret in ("701234567", "70 123", ADDRESS, "anna", people[0].sender):
        assert secret not in text


def _figures(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    board = client.get("/api/v1/insights/dashboard?days=30", headers=headers)
    tickets = client.get("/api/v1/tickets?status=all&limit=500", headers=headers)
    assert board.status_code == 200 and tickets.status_code == 200
    figures: dict[str, Any] = board.json()
    # The unanswered list is of the users' own words: an erased person's leave it.
    figures.pop("top_unanswered", None)
    counted = Counter(
        (t["queue"], t["status"], t["priority"], t["channel"]) for t in tickets.json()["tickets"]
    )
    return {"dashboard": figures, "tickets": counted}


def test_statistics_are_the_same_after_an_erasure(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings
) -> None:
    _phone_person(db, settings.attachments_dir)
    _someone_else(db, settings.attachments_dir)
    before = _figures(started, admin)

    _erase(started, admin, phone=NUMBER)

    assert _figures(started, admin) == before
    assert before["dashboard"]["handoffs"]  # there were figures to keep
    assert sum(before["tickets"].values()) == 4


def test_an_erasure_needs_exactly_one_valid_identifier(
    started: TestClient, admin: dict[str, str], db: Session
) -> None:
    url = "/api/v1/retention/erasures"
    both = started.post(url, json={"phone": NUMBER, "email": ADDRESS}, headers=admin)
    none = started.post(url, json={}, headers=admin)
    bad_phone = started.post(url, json={"phone": "not a number"}, headers=admin)
    bad_mail = started.post(url, json={"email": "anna"}, headers=admin)
    missing = started.post(url, json={"conversation_id": 999}, headers=admin)

    assert [r.status_code for r in (both, none, bad_phone, bad_mail, missing)] == [
        422,
        422,
        422,
        422,
        404,
    ]
    assert bad_phone.json()["code"] == "invalid_phone_number"
    assert missing.json()["code"] == "conversation_not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/retention/policy"),
        ("GET", "/api/v1/retention/runs"),
        ("POST", "/api/v1/retention/runs"),
        ("GET", "/api/v1/retention/erasures"),
        ("POST", "/api/v1/retention/erasures"),
    ],
)
def test_only_admins_may(started: TestClient, db: Session, method: str, path: str) -> None:
    agent = logged_in(started, db, "anders", role=AgentRole.AGENT)
    body = {"conversation_id": 1} if method == "POST" and "erasures" in path else None

    anonymous = started.request(method, path, json=body)
    as_agent = started.request(method, path, json=body, headers=agent)

    assert anonymous.status_code == 401
    assert as_agent.status_code == 403


def test_an_erasure_clears_feedback_comments_and_keeps_the_scores(
    started: TestClient, admin: dict[str, str], db: Session, settings: Settings
) -> None:
    sms = _phone_person(db, settings.attachments_dir)[0]
    at = utcnow()
    db.add(
        Feedback(
            kind=FeedbackKind.PERSON,
            ticket_id=sms.ticket_id,
            conversation_id=sms.conversation_id,
            queue="driver",
            language="sv",
            channel="sms",
            asked_at=at,
            expires_at=at,
            score=4,
            comment="Bra hjälp av Anna",
            answered_at=at,
        )
    )
    db.commit()

    record = _erase(started, admin, phone=NUMBER)

    db.expire_all()
    feedback = db.scalars(select(Feedback)).one()
    assert (feedback.score, feedback.comment) == (4, None)
    assert record["counts"]["feedback_comments"] == 1
