"""The retention job and erasure requests.

The job takes each kind of data past its period (settings `retention_*_days`,
docs/retention.md), a batch of rows per transaction, and deletes it or
anonymises it (api/retention/steps.py); a run is recorded with its counts. Only
one process runs it at a time: it first claims the `retention_leases` row with
a conditional UPDATE (or the INSERT of the row), and renews the claim after
each batch, so a holder that dies frees it when the lease runs out.

An erasure request finds every conversation of one person (by phone number,
e-mail address or conversation) and their tickets, anonymises them all in one
transaction, and leaves a record of what kinds went and how many, never the
identifier.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

import phonenumbers
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.addresses import pseudonym
from api.agents.models import Agent
from api.assistant.client import RasaClient
from api.attachments.models import Attachment
from api.channels.models import InboundReceipt
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.errors import DomainError
from api.mail.models import MailMessage
from api.outbox.models import OutboxMessage
from api.retention.models import (
    ErasureRecord,
    RetentionLease,
    RetentionRun,
    RunStatus,
    TrackerReset,
)
from api.retention.steps import (
    ANONYMISED,
    FINISHED_OUTBOX,
    Scope,
    anonymise,
    remove_files,
    tickets_of,
)
from api.tickets.models import AuditEvent, Ticket, TicketStatus

log = logging.getLogger(__name__)

LEASE = "retention"
LEASE_TIME = timedelta(minutes=15)  # renewed after every batch; one batch takes seconds


class RunUnderWay(DomainError):
    status_code = 409
    code = "retention_run_under_way"
    message = "A retention run is under way already; try again when it has finished."


class ConversationNotFound(DomainError):
    status_code = 404
    code = "conversation_not_found"
    message = "No conversation with that id."


class InvalidPhoneNumber(DomainError):
    status_code = 422
    code = "invalid_phone_number"
    message = "That is not a phone number (write it with its country code, e.g. +46 70 …)."


class InvalidEmail(DomainError):
    status_code = 422
    code = "invalid_email"
    message = "That is not an e-mail address."


@dataclass(frozen=True)
class Period:
    """How long one kind of data is kept, and the setting that says so."""

    kind: str
    days: int
    setting: str


def periods(settings: Settings) -> list[Period]:
    """The retention periods in force, in the order the job applies them."""
    names = ("conversation", "ticket", "original", "audit", "outbox", "tracker", "receipt")
    return [
        Period(kind=name, days=getattr(settings, f"retention_{name}_days"), setting=setting)
        for name in names
        for setting in [f"VIOL3_RETENTION_{name.upper()}_DAYS"]
    ]


# ---- the lease: one run at a time across processes ----


def claim_lease(
    *, db: Session, holder: str, name: str = LEASE, now: datetime | None = None
) -> bool:
    """Take the lease if nobody holds it (or a holder's has run out); whether we won."""
    now = now or utcnow()
    until = now + LEASE_TIME
    won = db.execute(
        update(RetentionLease)
        .where(RetentionLease.name == name, RetentionLease.until < now)
        .values(holder=holder, until=until)
    )
    if won.rowcount == 1:  # type: ignore[attr-defined]
        db.commit()
        return True
    try:
        with db.begin_nested():
            db.add(RetentionLease(name=name, holder=holder, until=until))
    except IntegrityError:  # the row is there, and held
        db.rollback()
        return False
    db.commit()
    return True


def _renew(db: Session, holder: str) -> None:
    db.execute(
        update(RetentionLease)
        .where(RetentionLease.name == LEASE, RetentionLease.holder == holder)
        .values(until=utcnow() + LEASE_TIME)
    )


def release_lease(*, db: Session, holder: str, name: str = LEASE) -> None:
    """Give the lease back at once (it would run out by itself)."""
    db.execute(
        update(RetentionLease)
        .where(RetentionLease.name == name, RetentionLease.holder == holder)
        .values(until=utcnow() - timedelta(seconds=1))
    )
    db.commit()


# ---- the job ----


@dataclass
class Job:
    """One run's context: the settings, Rasa, the time it counts from, the counts."""

    db: Session
    settings: Settings
    assistant: RasaClient | None
    now: datetime
    holder: str
    counts: dict[str, int]

    def cutoff(self, days: int) -> datetime | None:
        return self.now - timedelta(days=days) if days > 0 else None

    def add(self, counts: dict[str, int]) -> None:
        for kind, n in counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + n

    def batches(self, query: Any) -> Iterator[list[int]]:
        """The ids `query` selects, a batch at a time, ascending; the caller handles
        each batch, then it is committed and the lease renewed."""
        after = 0
        size = self.settings.retention_batch_size
        while True:
            ids = list(self.db.scalars(query(after).limit(size)))
            if not ids:
                return
            yield ids
            _renew(self.db, self.holder)
            self.db.commit()
            after = ids[-1]


def run_now(
    *,
    db: Session,
    settings: Settings,
    assistant: RasaClient | None,
    trigger: str = "admin",
    requested_by: str | None = None,
    now: datetime | None = None,
    only_if_due: bool = False,
) -> RetentionRun | None:
    """Run the job now and return its record: RunUnderWay if another process is
    running it; with `only_if_due`, None if a run started within the interval.
    `now` is the time periods count back from (the lease always uses the clock)."""
    now = now or utcnow()
    holder = uuid.uuid4().hex
    if not claim_lease(db=db, holder=holder):
        raise RunUnderWay
    try:
        if only_if_due and _ran_recently(db, settings):
            return None
        run = RetentionRun(trigger=trigger, requested_by=requested_by, started_at=utcnow())
        db.add(run)
        db.commit()
        _execute(db, settings, assistant, now, holder, run)
        return run
    finally:
        release_lease(db=db, holder=holder)


def _ran_recently(db: Session, settings: Settings) -> bool:
    """Whether another process ran the job within the interval (several processes
    start the scheduled job; one run a day is enough)."""
    latest = db.scalar(
        select(func.max(RetentionRun.started_at)).where(RetentionRun.status != RunStatus.FAILED)
    )
    interval = timedelta(hours=settings.retention_every_hours)
    return latest is not None and utcnow() - latest < interval * 0.9


def _execute(
    db: Session,
    settings: Settings,
    assistant: RasaClient | None,
    now: datetime,
    holder: str,
    run: RetentionRun,
) -> None:
    job = Job(db, settings, assistant, now, holder, counts={})
    try:
        for kind in KINDS:
            kind(job)
        run.status = RunStatus.FINISHED
    except Exception as exc:  # recorded, and the next run tries again
        db.rollback()
        run.status, run.error = RunStatus.FAILED, type(exc).__name__
        log.error("retention run %s failed: %s", run.id, type(exc).__name__)
    run.counts = dict(sorted(job.counts.items()))
    run.finished_at = utcnow()
    db.flush()  # committed with the lease's release: finished means free to run again
    summary = ", ".join(f"{k}={n}" for k, n in run.counts.items() if n) or "nothing"
    log.info("retention run %s (%s) %s: %s", run.id, run.trigger, run.status, summary)


def _anonymise_batches(job: Job, query: Any, kind: str) -> None:
    """Anonymise the conversations `query` selects (with their tickets), batch by
    batch; `kind` counts the conversations."""
    for ids in job.batches(query):
        scope = Scope(conversation_ids=ids, ticket_ids=tickets_of(job.db, ids))
        counts = anonymise(job.db, scope)
        counts[kind] = counts.pop("conversations", 0)
        job.db.commit()
        counts["attachment_files"] = remove_files(job.settings.attachments_dir, scope.files)
        job.add(counts)


def _not_anonymised() -> Any:
    return ~Conversation.sender.startswith(ANONYMISED)


def _has_ticket() -> Any:
    return exists().where(Ticket.conversation_id == Conversation.id)


def _open_ticket_on(conversation_id: Any) -> Any:
    return exists().where(
        Ticket.conversation_id == conversation_id, Ticket.status != TicketStatus.RESOLVED
    )


def _conversations(job: Job) -> None:
    """Conversations that never became a ticket, past their time: anonymised."""
    cutoff = job.cutoff(job.settings.retention_conversation_days)
    if cutoff is None:
        return

    def query(after: int) -> Any:
        return (
            select(Conversation.id)
            .where(
                Conversation.id > after,
                Conversation.last_message_at < cutoff,
                _not_anonymised(),
                ~_has_ticket(),
            )
            .order_by(Conversation.id)
        )

    _anonymise_batches(job, query, "conversations")
    job.counts.setdefault("conversations", 0)


def _resolved_tickets(job: Job) -> None:
    """Conversations whose every ticket was resolved before the cutoff: anonymised,
    tickets, messages and all."""
    cutoff = job.cutoff(job.settings.retention_ticket_days)
    if cutoff is None:
        return
    recent = exists().where(
        Ticket.conversation_id == Conversation.id,
        or_(Ticket.status != TicketStatus.RESOLVED, Ticket.resolved_at >= cutoff),
    )

    def query(after: int) -> Any:
        return (
            select(Conversation.id)
            .where(
                Conversation.id > after,
                Conversation.last_message_at < cutoff,
                _not_anonymised(),
                _has_ticket(),
                ~recent,
            )
            .order_by(Conversation.id)
        )

    _anonymise_batches(job, query, "ticket_conversations")
    job.counts.setdefault("tickets", 0)


def _originals(job: Job) -> None:
    """Sealed originals and attachments past their time, unless their case is open."""
    cutoff = job.cutoff(job.settings.retention_original_days)
    if cutoff is None:
        return

    def originals(after: int) -> Any:
        return (
            select(Message.id)
            .where(
                Message.id > after,
                Message.sealed_original.is_not(None),
                Message.created_at < cutoff,
                ~_open_ticket_on(Message.conversation_id),
            )
            .order_by(Message.id)
        )

    job.counts.setdefault("sealed_originals", 0)
    for ids in job.batches(originals):
        job.db.execute(update(Message).where(Message.id.in_(ids)).values(sealed_original=None))
        job.add({"sealed_originals": len(ids)})

    def attachments(after: int) -> Any:
        return (
            select(Attachment.id)
            .where(
                Attachment.id > after,
                Attachment.created_at < cutoff,
                ~_open_ticket_on(Attachment.conversation_id),
            )
            .order_by(Attachment.id)
        )

    job.counts.setdefault("attachments", 0)
    for ids in job.batches(attachments):
        names = list(job.db.scalars(select(Attachment.stored_as).where(Attachment.id.in_(ids))))
        job.db.execute(delete(Attachment).where(Attachment.id.in_(ids)))
        job.db.commit()  # the rows first: a file is never missing under a row
        job.add(
            {
                "attachments": len(ids),
                "attachment_files": remove_files(job.settings.attachments_dir, names),
            }
        )


def _delete_older(job: Job, name: str, model: Any, stamp: Any, days: int) -> None:
    """Rows of `model` whose `stamp` is past `days`: deleted, batch by batch, counted
    as `name` (for tables nothing else refers to)."""
    cutoff = job.cutoff(days)
    if cutoff is None:
        return

    def query(after: int) -> Any:
        return select(model.id).where(model.id > after, stamp < cutoff).order_by(model.id)

    job.counts.setdefault(name, 0)
    for ids in job.batches(query):
        job.db.execute(delete(model).where(model.id.in_(ids)))
        job.add({name: len(ids)})


def _audit(job: Job) -> None:
    """Audit events past their time: deleted."""
    days = job.settings.retention_audit_days
    _delete_older(job, "audit_events", AuditEvent, AuditEvent.created_at, days)


def _outbox(job: Job) -> None:
    """Outbox rows sent, failed or withdrawn before the cutoff: deleted (never a
    pending one). The mail records that named them keep the mail, not the row."""
    cutoff = job.cutoff(job.settings.retention_outbox_days)
    if cutoff is None:
        return

    def query(after: int) -> Any:
        return (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.id > after,
                OutboxMessage.status.in_(FINISHED_OUTBOX),
                func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
            )
            .order_by(OutboxMessage.id)
        )

    job.counts.setdefault("outbox", 0)
    for ids in job.batches(query):
        job.db.execute(
            update(MailMessage).where(MailMessage.outbox_id.in_(ids)).values(outbox_id=None)
        )
        for step in OUTBOX_DEPENDANTS:
            step(job.db, ids)
        job.db.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        job.add({"outbox": len(ids)})


def _receipts(job: Job) -> None:
    """Channel receipts past their time (they only tell redeliveries apart): deleted."""
    days = job.settings.retention_receipt_days
    _delete_older(job, "receipts", InboundReceipt, InboundReceipt.received_at, days)


def _trackers(job: Job) -> None:
    """Rasa's trackers of conversations quiet past the period, and of anonymised
    ones, not emptied since their last message: emptied. One Rasa cannot reach
    stays for the next run."""
    if job.assistant is None:
        return
    cutoff = job.cutoff(job.settings.retention_tracker_days)
    quiet = Conversation.last_message_at < cutoff if cutoff else None
    due = or_(~_not_anonymised(), quiet) if quiet is not None else ~_not_anonymised()
    emptied = exists().where(
        TrackerReset.conversation_id == Conversation.id,
        TrackerReset.reset_at >= Conversation.last_message_at,
    )

    def query(after: int) -> Any:
        return (
            select(Conversation.id)
            .where(Conversation.id > after, due, ~emptied)
            .order_by(Conversation.id)
        )

    job.counts.setdefault("trackers", 0)
    for ids in job.batches(query):
        reset, failed = reset_trackers(job.db, job.assistant, ids)
        job.add({"trackers": reset, "trackers_failed": failed})


def reset_trackers(
    db: Session, assistant: RasaClient, conversation_ids: list[int]
) -> tuple[int, int]:
    """Ask Rasa to empty each conversation's tracker and note when it did; how many
    were emptied, and how many Rasa did not answer for (the caller commits)."""
    reset = failed = 0
    for conversation_id in conversation_ids:
        if not assistant.reset_tracker(conversation_key=f"conv-{conversation_id}"):
            failed += 1
            continue
        row = db.get(TrackerReset, conversation_id)
        if row is None:
            db.add(TrackerReset(conversation_id=conversation_id, reset_at=utcnow()))
        else:
            row.reset_at = utcnow()
        reset += 1
    return reset, failed


# The job's kinds, in order: conversations before sealed originals (an anonymised
# conversation has none left), the trackers last (they include the just anonymised).
KINDS: list[Callable[[Job], None]] = [
    _conversations,
    _resolved_tickets,
    _originals,
    _audit,
    _outbox,
    _receipts,
    _trackers,
]

# Rows of other parts that point at outbox rows, cleared before those are deleted.
OUTBOX_DEPENDANTS: list[Callable[[Session, list[int]], None]] = []


# ---- erasure ----


@dataclass(frozen=True)
class Identifier:
    """Whom an erasure request is for: exactly one of the three."""

    phone: str | None = None
    email: str | None = None
    conversation_id: int | None = None

    @property
    def kind(self) -> str:
        if self.phone is not None:
            return "phone"
        return "email" if self.email is not None else "conversation"


def e164(number: str) -> str:
    """The number in E.164 (+46701234567); a national one is read as Swedish."""
    try:
        parsed = phonenumbers.parse(number, "SE")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _same_number(contact: str, number: str) -> bool:
    try:
        parsed = phonenumbers.parse(contact, "SE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number


def mail_address(value: str) -> str:
    """The address, lower-cased as the e-mail channel keys it."""
    address = parseaddr(value)[1].strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain):
        raise InvalidEmail
    return address


def conversations_of(*, db: Session, secret: bytes, who: Identifier) -> list[int]:
    """Every conversation of the person: on their channel (by the pseudonym the
    channel keys it by) and wherever a ticket's contact is their number or address."""
    if who.conversation_id is not None:
        if db.get(Conversation, who.conversation_id) is None:
            raise ConversationNotFound
        return [who.conversation_id]
    if who.phone is not None:
        number = e164(who.phone)
        voice = pseudonym(secret, "voice", number) + "/"
        on_channel: Any = or_(
            and_(
                Conversation.channel == "sms",
                Conversation.sender == pseudonym(secret, "sms", number),
            ),
            and_(Conversation.channel == "voice", Conversation.sender.startswith(voice)),
        )
        matches: Callable[[str], bool] = lambda contact: _same_number(contact, number)  # noqa: E731
    else:
        assert who.email is not None
        address = mail_address(who.email)
        on_channel = and_(
            Conversation.channel == "email",
            Conversation.sender == pseudonym(secret, "email", address),
        )
        matches = lambda contact: parseaddr(contact)[1].strip().lower() == address  # noqa: E731
    found = set(db.scalars(select(Conversation.id).where(on_channel)))
    contacts = db.execute(
        select(Ticket.conversation_id, Ticket.contact).where(Ticket.contact.is_not(None))
    )
    found |= {
        conversation_id for conversation_id, contact in contacts if contact and matches(contact)
    }
    return sorted(found)


def erase(
    *,
    db: Session,
    settings: Settings,
    secret: bytes,
    assistant: RasaClient | None,
    who: Identifier,
    admin: Agent,
) -> ErasureRecord:
    """Anonymise every conversation and ticket of the person in one transaction,
    remove their files, empty their Rasa trackers, and record what went."""
    conversation_ids = conversations_of(db=db, secret=secret, who=who)
    scope = Scope(conversation_ids, tickets_of(db, conversation_ids), keep_pending=False)
    counts = {"conversations": 0, **anonymise(db, scope)}
    record = ErasureRecord(requested_by=admin.username, identifier_kind=who.kind, counts=counts)
    db.add(record)
    db.commit()
    counts["attachment_files"] = remove_files(settings.attachments_dir, scope.files)
    if assistant is not None:
        reset, failed = reset_trackers(db, assistant, conversation_ids)
        counts.update(trackers=reset, trackers_failed=failed)
    record.counts = counts
    db.commit()
    log.info(
        "erasure %s by %s (%s): %s",
        record.id,
        admin.username,
        who.kind,
        ", ".join(f"{k}={n}" for k, n in counts.items()),
    )
    return record


def erasures(*, db: Session, limit: int) -> list[ErasureRecord]:
    """The latest erasure records, newest first."""
    query = select(ErasureRecord).order_by(ErasureRecord.id.desc()).limit(limit)
    return list(db.scalars(query))


def runs(*, db: Session, limit: int) -> list[RetentionRun]:
    """The latest runs of the job, newest first."""
    query = select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)
    return list(db.scalars(query))
