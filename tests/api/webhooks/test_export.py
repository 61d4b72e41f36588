"""The ticket export for a records system: a range of tickets with their audit log."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.database import utcnow
from api.tickets.service import set_contact
from tests.api.desk import conversation_with, logged_in, ticket_on

EXPORT = "/api/v1/exports/tickets"
JAN, MAR = datetime(2026, 1, 10, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)


def two_tickets(client: TestClient, db: Session) -> tuple[int, int]:
    """A January ticket (claimed and resolved) and a March one, opened with personal
    data in the description and a contact."""
    january = ticket_on(
        db,
        conversation_with(db, "web-jan"),
        description="Jag heter Anna, ring 070-123 45 67. Virket saknas i VIOL 3.",
        now=JAN,
    )
    set_contact(db=db, ticket_id=january.id, contact="anna@example.se")
    march = ticket_on(db, conversation_with(db, "web-mar"), queue="measurement", now=MAR)
    agent = logged_in(client, db, "kim", queues=["driver", "measurement"])
    client.post(f"/api/v1/tickets/{january.id}/claim", headers=agent)
    client.post(f"/api/v1/tickets/{january.id}/resolve", json={}, headers=agent)
    return january.id, march.id


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_lines_by_creation_give_a_ticket_a_line_with_its_events(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    january, _ = two_tickets(client, db)
    params = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z", "by": "created"}
    answer = client.get(EXPORT, params=params, headers=admin)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in answer.headers["content-disposition"]
    (ticket,) = lines(answer.text)
    assert (ticket["ticket"], ticket["queue"], ticket["status"]) == (january, "driver", "resolved")
    events = ticket["events"]
    assert isinstance(events, list)
    assert [e["action"] for e in events] == ["opened", "claimed", "resolved"]
    assert [e["actor_role"] for e in events] == ["bot", "agent", "agent"]
    assert "070-123" not in answer.text  # masked texts only
    assert "contact" not in ticket and "anna@example.se" not in answer.text


def test_the_default_range_is_by_change_and_the_contact_only_on_request(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    january, march = two_tickets(client, db)
    # Every event was written just now (the audit log's own time): both changed today.
    today = {"from": (utcnow() - timedelta(hours=1)).isoformat(), "include_contact": "true"}
    exported = lines(client.get(EXPORT, params=today, headers=admin).text)
    assert [t["ticket"] for t in exported] == [january, march]
    assert exported[0]["contact"] == "anna@example.se"
    last_year = {"from": "2025-01-01T00:00:00", "to": "2025-12-31T00:00:00"}
    assert client.get(EXPORT, params=last_year, headers=admin).text == ""


def test_csv_has_a_row_per_event_with_the_tickets_columns(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    january, march = two_tickets(client, db)
    params = {"from": "2026-01-01T00:00:00Z", "to": "2026-04-01T00:00:00Z", "by": "created"}
    answer = client.get(EXPORT, params={**params, "format": "csv"}, headers=admin)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(int(r["ticket"]), r["action"]) for r in rows] == [
        (january, "opened"),
        (january, "claimed"),
        (january, "resolved"),
        (march, "opened"),
    ]
    assert {r["queue"] for r in rows if int(r["ticket"]) == march} == {"measurement"}
    assert json.loads(rows[0]["detail"]) == {"queue": "driver", "priority": 3}
    assert rows[0]["created_at"].startswith("2026-01-10T09:00:00")
    assert "contact" not in rows[0] and "070-123" not in answer.text


def test_a_formula_in_a_users_text_is_not_run_by_a_spreadsheet(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    ticket_on(db, conversation_with(db, "web-x"), description='=HYPERLINK("http://evil")', now=JAN)
    params = {"from": "2026-01-01T00:00:00Z", "by": "created", "format": "csv"}
    (row,) = csv.DictReader(io.StringIO(client.get(EXPORT, params=params, headers=admin).text))
    assert row["description"].startswith("'=")


def test_the_export_is_for_admins_only_and_checks_its_range(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    agent = logged_in(client, db, "kim", role=AgentRole.AGENT)
    params = {"from": "2026-01-01T00:00:00Z"}
    assert client.get(EXPORT, params=params, headers=agent).status_code == 403
    assert client.get(EXPORT, params=params).status_code == 401
    backwards = {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    refused = client.get(EXPORT, params=backwards, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_range")
    assert client.get(EXPORT, headers=admin).status_code == 422  # `from` is needed
    bad_format = client.get(EXPORT, params={**params, "format": "xml"}, headers=admin)
    assert bad_format.status_code == 422
