"""The ticket export for a records system's import (Platina in the pre-study).

Tickets with their whole audit log, as JSON Lines (one ticket a line, its events
in it) or CSV (one row per event, with its ticket's columns), streamed in
batches so a year's cases need no more memory than a batch.

Which tickets: by default those *changed* in the range (any audit event in it,
its opening included), so a periodic import with consecutive ranges picks up
every new ticket and every later change to an old one; `by=created` gives those
opened in the range. Texts are the stored, masked ones. The contact field (the
one that holds a phone number or an e-mail address in clear) is left out unless
an admin asks for it (`include_contact`): a records system usually files the
case, not how to reach the person, and personal data goes only where it is needed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from api.agents.models import Agent
from api.tickets.models import AuditEvent, Ticket

Basis = Literal["changed", "created"]
TICKET_COLUMNS = (
    "ticket",
    "queue",
    "priority",
    "status",
    "language",
    "channel",
    "billable",
    "title",
    "description",
    "created_at",
    "due_at",
    "claimed_at",
    "resolved_at",
    "reopened_at",
    "escalated_at",
)
EVENT_COLUMNS = ("event", "event_at", "action", "actor", "actor_role", "detail")
# A cell a spreadsheet would read as a formula ("=HYPERLINK(...)" in a user's text).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_record(ticket: Ticket, include_contact: bool) -> dict[str, Any]:
    """A ticket's exported columns (masked texts; the contact only on request)."""
    record: dict[str, Any] = {
        "ticket": ticket.id,
        "queue": ticket.queue,
        "priority": ticket.priority,
        "status": str(ticket.status),
        "language": ticket.language,
        "channel": ticket.channel,
        "billable": ticket.billable,
        "title": ticket.title,
        "description": ticket.description,
        "created_at": _iso(ticket.created_at),
        "due_at": _iso(ticket.due_at),
        "claimed_at": _iso(ticket.claimed_at),
        "resolved_at": _iso(ticket.resolved_at),
        "reopened_at": _iso(ticket.reopened_at),
        "escalated_at": _iso(ticket.escalated_at),
    }
    if include_contact:
        record["contact"] = ticket.contact
    return record


def event_record(event: AuditEvent, roles: dict[int, str]) -> dict[str, Any]:
    """An audit event as exported: who by name as the audit log has it (the agent's
    user name, or bot, system, user) and by role."""
    role = roles.get(event.agent_id, "agent") if event.agent_id else event.actor
    return {
        "event": event.id,
        "event_at": _iso(event.created_at),
        "action": event.action,
        "actor": event.actor,
        "actor_role": role,
        "detail": event.detail,
    }


def tickets_in(
    factory: sessionmaker[Session],
    *,
    start: datetime,
    end: datetime,
    by: Basis,
    batch: int,
) -> Iterator[tuple[Ticket, dict[int, str]]]:
    """The tickets of the range, by id, with the agents' roles; a session of its own
    (the response streams after the request's session is gone)."""
    chosen: list[ColumnElement[bool]] = (
        [Ticket.created_at >= start, Ticket.created_at < end]
        if by == "created"
        else [
            exists().where(
                AuditEvent.ticket_id == Ticket.id,
                AuditEvent.created_at >= start,
                AuditEvent.created_at < end,
            )
        ]
    )
    with factory() as db:
        roles = {a.id: str(a.role) for a in db.scalars(select(Agent))}
        last = 0
        while True:
            page = db.scalars(
                select(Ticket)
                .where(*chosen, Ticket.id > last)
                .options(selectinload(Ticket.events))
                .order_by(Ticket.id)
                .limit(batch)
            ).all()
            for ticket in page:
                yield ticket, roles
            if len(page) < batch:
                return
            last = page[-1].id
            db.expunge_all()  # a batch at a time in memory


def jsonl(rows: Iterator[tuple[Ticket, dict[int, str]]], include_contact: bool) -> Iterator[str]:
    """One JSON object a line: the ticket's columns and its `events`."""
    for ticket, roles in rows:
        record = ticket_record(ticket, include_contact)
        record["events"] = [event_record(e, roles) for e in ticket.events]
        yield json.dumps(record, ensure_ascii=False) + "\n"


def csv_lines(
    rows: Iterator[tuple[Ticket, dict[int, str]]], include_contact: bool
) -> Iterator[str]:
    """A header, then one row per audit event with its ticket's columns (the detail
    as JSON). Text cells that a spreadsheet would run as a formula get a leading
    apostrophe."""
    columns = [*TICKET_COLUMNS, *(("contact",) if include_contact else ()), *EVENT_COLUMNS]
    yield _csv_line(columns)
    for ticket, roles in rows:
        record = ticket_record(ticket, include_contact)
        for event in ticket.events:
            line = {**record, **event_record(event, roles)}
            line["detail"] = json.dumps(line["detail"], ensure_ascii=False)
            yield _csv_line([_cell(line[c]) for c in columns])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()
