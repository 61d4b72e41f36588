"""The daily job: each kind of data past its period goes (or is anonymised), what is
inside its period stays, in batches, one process at a time, with a report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from api.assistant.client import RasaClient
from api.attachments.models import Attachment
from api.channels.models import InboundReceipt
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.outbox.models import OutboxMessage
from api.retention.models import RetentionRun, RunStatus
from api.retention.service import RunUnderWay, claim_lease, release_lease, run_now
from api.tickets.models import AuditEvent, Ticket
from tests.api.retention.conftest import FakeRasa
from tests.api.retention.data import Person, ago, person, resolve


def _run(db: Session, settings: Settings, assistant: RasaClient | None) -> RetentionRun:
    run = run_now(db=db, settings=settings, assistant=assistant, trigger="admin")
    assert run is not None and run.status == RunStatus.FINISHED, run and run.error
    return run


def _anonymised(db: Session, p: Person) -> bool:
    db.expire_all()
    conversation = db.get(Conversation, p.conversation_id)
    assert conversation is not None  # never deleted: the statistics count it
    return conversation.sender.startswith("anonymised:")


def _chat(db: Session, folder: Path, name: str, days: float, *, ticket: bool = True) -> Person:
    said = f"{name} frågar"
    return person(db, folder, channel="web", sender=name, said=said, at=ago(days), ticket=ticket)


def test_conversations_without_a_ticket_are_anonymised_after_their_period(
    started: TestClient, db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    old = _chat(db, folder, "old", 91, ticket=False)
    recent = _chat(db, folder, "recent", 89, ticket=False)

    run = _run(db, settings, None)

    assert _anonymised(db, old) and not _anonymised(db, recent)
    message = db.get(Message, old.message_id)
    assert message is not None and message.text == "" and message.topic == "login"
    assert db.get(Attachment, old.attachment_id) is None
    assert not (folder / old.stored_as).exists()
    assert db.get(OutboxMessage, old.sent_id) is None
    assert db.get(OutboxMessage, old.pending_id) is not None  # pending: never deleted
    kept = db.get(Message, recent.message_id)
    assert kept is not None and kept.text == recent.text
    assert run.counts["conversations"] == 1


def test_resolved_tickets_are_anonymised_after_their_period_open_ones_never(
    started: TestClient, db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    old, recent, still_open = (_chat(db, folder, n, 800) for n in ("old", "recent", "open"))
    for p, resolved_days in ((old, 731), (recent, 729)):
        ticket = db.get(Ticket, p.ticket_id)
        assert ticket is not None
        resolve(db, ticket, ago(resolved_days))

    run = _run(db, settings, None)

    assert _anonymised(db, old)
    assert not _anonymised(db, recent) and not _anonymised(db, still_open)
    ticket = db.get(Ticket, old.ticket_id)
    assert ticket is not None
    assert (ticket.description, ticket.contact, ticket.queue) == ("", None, "driver")
    assert ticket.resolved_at is not None  # the times stay, for the statistics
    kept = db.get(Ticket, still_open.ticket_id)
    assert kept is not None and kept.description == "open frågar"
    assert run.counts["ticket_conversations"] == 1 and run.counts["tickets"] == 1


def test_sealed_originals_and_attachments_go_after_their_period_unless_the_case_is_open(
    started: TestClient, db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    old = _chat(db, folder, "old", 31, ticket=False)
    recent = _chat(db, folder, "recent", 29, ticket=False)
    on_open_case = _chat(db, folder, "case", 31)

    run = _run(db, settings, None)

    db.expire_all()
    message = db.get(Message, old.message_id)
    assert message is not None and message.sealed_original is None
    assert message.text == old.text  # the masked text stays until its own period
    assert db.get(Attachment, old.attachment_id) is None
    assert not (folder / old.stored_as).exists()
    for p in (recent, on_open_case):
        kept = db.get(Message, p.message_id)
        assert kept is not None and kept.sealed_original is not None
        assert db.get(Attachment, p.attachment_id) is not None
        assert (folder / p.stored_as).exists()
    assert (run.counts["sealed_originals"], run.counts["attachments"]) == (1, 1)


def test_the_audit_log_and_finished_outbox_rows_go_after_their_period_pending_never(
    started: TestClient, db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    p = _chat(db, folder, "case", 5)
    db.add_all(
        [
            AuditEvent(ticket_id=p.ticket_id, actor="rita", action="note", created_at=ago(731)),
            AuditEvent(ticket_id=p.ticket_id, actor="rita", action="note", created_at=ago(729)),
        ]
    )
    for row_id, days in ((p.sent_id, 31), (p.pending_id, 400)):
        row = db.get(OutboxMessage, row_id)
        assert row is not None
        row.created_at = ago(days)
        row.sent_at = ago(days) if row.sent_at else None
    db.commit()

    run = _run(db, settings, None)

    db.expire_all()
    events = db.scalars(select(AuditEvent).where(AuditEvent.ticket_id == p.ticket_id)).all()
    assert len(events) == 3  # "opened", the note now and the one of 729 days ago
    assert db.get(OutboxMessage, p.sent_id) is None
    assert db.get(OutboxMessage, p.pending_id) is not None
    assert (run.counts["audit_events"], run.counts["outbox"]) == (1, 1)


def test_receipts_go_after_their_period(
    started: TestClient, db: Session, settings: Settings
) -> None:
    db.add_all(
        [
            InboundReceipt(channel="sms", external_id="SM-old", received_at=ago(8)),
            InboundReceipt(channel="sms", external_id="SM-new", received_at=ago(6)),
        ]
    )
    db.commit()

    run = _run(db, settings, None)

    left = db.scalars(select(InboundReceipt.external_id)).all()
    assert left == ["SM-new"] and run.counts["receipts"] == 1


def test_trackers_of_quiet_conversations_are_emptied_once(
    started: TestClient, db: Session, settings: Settings, rasa: FakeRasa, assistant: RasaClient
) -> None:
    folder = settings.attachments_dir
    quiet = _chat(db, folder, "quiet", 8, ticket=False)
    active = _chat(db, folder, "active", 6, ticket=False)

    first = _run(db, settings, assistant)
    second = _run(db, settings, assistant)

    assert rasa.resets() == [f"conv-{quiet.conversation_id}"]
    assert f"conv-{active.conversation_id}" not in rasa.resets()
    assert (first.counts["trackers"], second.counts["trackers"]) == (1, 0)


def test_a_tracker_rasa_cannot_reset_is_tried_again_next_run(
    started: TestClient, db: Session, settings: Settings
) -> None:
    _chat(db, settings.attachments_dir, "quiet", 8, ticket=False)
    down = settings.model_copy(update={"rasa_url": "http://127.0.0.1:9"})
    with httpx.Client() as http:
        assistant = RasaClient(down, http)
        first = _run(db, down, assistant)
        second = _run(db, down, assistant)

    assert first.counts["trackers_failed"] == second.counts["trackers_failed"] == 1


def test_work_is_done_in_batches_of_the_configured_size(
    started: TestClient, db: Session, settings: Settings
) -> None:
    folder = settings.attachments_dir
    old = [_chat(db, folder, f"old-{i}", 100, ticket=False) for i in range(5)]
    commits: list[int] = []
    event.listen(db, "after_commit", lambda _session: commits.append(1))

    run = _run(db, settings, None)

    assert all(_anonymised(db, p) for p in old)
    assert run.counts["conversations"] == 5
    # Batch size 2: three batches of conversations, each its own transaction.
    assert len(commits) >= 3 + 1


def test_a_period_of_zero_keeps_for_ever(
    started: TestClient, db: Session, settings: Settings
) -> None:
    old = _chat(db, settings.attachments_dir, "old", 5000, ticket=False)
    forever = settings.model_copy(
        update={"retention_conversation_days": 0, "retention_original_days": 0}
    )

    _run(db, forever, None)

    assert not _anonymised(db, old)
    assert (settings.attachments_dir / old.stored_as).exists()


def test_only_one_process_runs_the_job_at_a_time(
    started: TestClient, db: Session, settings: Settings, admin: dict[str, str]
) -> None:
    assert claim_lease(db=db, holder="process-a") is True
    assert claim_lease(db=db, holder="process-b") is False
    try:
        run_now(db=db, settings=settings, assistant=None)
        raise AssertionError("a second run started while one held the lease")
    except RunUnderWay:
        pass
    refused = started.post("/api/v1/retention/runs", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["code"] == "retention_run_under_way"

    release_lease(db=db, holder="process-a")
    assert claim_lease(db=db, holder="process-b") is True
    # A holder that died: its lease runs out, and another process takes over.
    later = utcnow() + timedelta(hours=1)
    assert claim_lease(db=db, holder="process-c", now=later) is True


def test_an_admin_runs_the_job_and_reads_the_reports_and_periods(
    started: TestClient, db: Session, admin: dict[str, str]
) -> None:
    ran = started.post("/api/v1/retention/runs", headers=admin)
    runs = started.get("/api/v1/retention/runs", headers=admin)
    policy = started.get("/api/v1/retention/policy", headers=admin)

    assert ran.status_code == 200, ran.text
    report = ran.json()
    assert (report["trigger"], report["requested_by"], report["status"]) == (
        "admin",
        "rita",
        "finished",
    )
    listed = runs.json()["runs"]
    assert [r["trigger"] for r in listed] == ["admin", "schedule"]  # newest first
    assert listed[0]["counts"] == report["counts"]
    periods = {p["kind"]: (p["days"], p["setting"]) for p in policy.json()["periods"]}
    assert periods["conversation"] == (90, "VIOL3_RETENTION_CONVERSATION_DAYS")
    assert periods["ticket"][0] == 730 and periods["tracker"][0] == 7
    assert policy.json()["batch_size"] == 2
