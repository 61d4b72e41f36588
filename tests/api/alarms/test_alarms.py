"""Alarms that reach a person, on SQLite and PostgreSQL: a breached ticket's alarm
arrives in its queue's mailbox on a real mail server with a link that opens the
ticket in the console; a new priority-1 ticket alarms once however often it is
opened and checked; outside office hours priority 1 also goes by SMS to the
on-call number (a fake Twilio); the alerts endpoint shows agents their queues'."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.addresses import address_secret
from api.agents.models import AgentRole
from api.alarms.models import Alarm
from api.alarms.service import alarm_email, on_call_number, tell_pending
from api.config import Settings
from api.conversations.models import Conversation
from api.main import create_app
from api.outbox.models import OutboxMessage
from api.tickets.models import AuditEvent
from api.tickets.watch import check_once
from bot.replies import support_facts
from bot.triage.training import QUEUES
from stack.mailserver import MailServer, running_mailserver
from tests.api.desk import logged_in, ticket_on
from tests.api.mailboxes import body, deliver, received
from tests.fakes import FakeProvider, fake_provider

pytestmark = pytest.mark.timeout(180)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)  # office open
SATURDAY_NIGHT = datetime(2026, 11, 28, 2, 30, tzinfo=STOCKHOLM)  # only FMC
ON_CALL = "+46701234599"
PASSWORD = "desk-secret"
_SLOTS = 8
MAILBOXES = {f"{name}{i}@viol3.test": PASSWORD for i in range(_SLOTS) for name in ("desk", "sup")}
_next_slot = itertools.count()


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with running_mailserver(MAILBOXES) as server:
        yield server


@pytest.fixture
def desk_settings(settings: Settings, mail: MailServer) -> Settings:
    """Mail through the real server; the measurement desk's alarms to a mailbox of its own."""
    i = next(_next_slot)
    assert i < _SLOTS, "more tests than mailboxes: raise _SLOTS"
    support = f"sup{i}@viol3.test"
    return settings.model_copy(
        update={
            "public_url": "https://viol3.example.se",
            "alarm_emails": {"measurement": f"desk{i}@viol3.test"},
            "mail_address": support,
            "smtp_host": mail.host,
            "smtp_port": mail.smtp_port,
            "smtp_security": "none",
            "smtp_user": support,
            "smtp_password": SecretStr(PASSWORD),
        }
    )


def _conversation(db: Session, sender: str = "alarm-user") -> Conversation:
    conversation = Conversation(channel="web", sender=sender, language="fi")
    db.add(conversation)
    db.commit()
    return conversation


def _alarmed(db: Session, ticket_id: int) -> list[AuditEvent]:
    db.rollback()  # a fresh read: the check wrote in its own session
    query = select(AuditEvent).where(
        AuditEvent.ticket_id == ticket_id, AuditEvent.action == "alarmed"
    )
    return list(db.scalars(query))


def test_a_breach_alarm_arrives_in_the_queues_mailbox_with_a_link_to_the_ticket(
    factory: sessionmaker[Session], desk_settings: Settings, mail: MailServer
) -> None:
    with factory() as db:
        conversation = _conversation(db)
        ticket = ticket_on(
            db,
            conversation,
            queue="measurement",
            priority=3,
            description="Mätbeskedet saknas, ring mig på 070-123 45 67",
            now=TUESDAY_MORNING,
        )
        ticket_id = ticket.id
    assert check_once(factory, desk_settings) == 1  # long past its due time
    assert check_once(factory, desk_settings) == 0
    assert deliver(factory, desk_settings) == 1  # the desk's mail; no SMS for priority 3

    address = desk_settings.alarm_emails["measurement"]
    [alarm] = received(mail, address, 1)
    assert alarm["Subject"] == (f"[VIOL 3] Larm: ärende {ticket_id} har passerat sin svarstid")
    assert alarm["Auto-Submitted"] == "auto-generated"
    text = body(alarm)
    assert "Mätningssupport" in text and "Prioritet: 3" in text
    assert "070-123 45 67" not in text  # the masked description only
    link = re.search(r"https://viol3\.example\.se/\S+", text)
    assert link is not None
    parts = urlsplit(link.group(0))
    assert parts.fragment == f"/ticket/{ticket_id}"  # the console's route to the ticket
    with TestClient(create_app(desk_settings)) as client:
        page = client.get(parts.path)
    assert page.status_code == 200
    assert 'src="/static/console/main.js"' in page.text  # the console, which routes the hash

    with factory() as db:
        [audit] = _alarmed(db, ticket_id)
        assert audit.detail["alarm"] == "breach"
        assert [t["channel"] for t in audit.detail["told"]] == ["email"]
        assert address not in str(audit.detail)  # whom, never the address


def test_a_new_priority_1_ticket_alarms_once_however_often_opened_and_checked(
    factory: sessionmaker[Session], desk_settings: Settings, mail: MailServer
) -> None:
    with factory() as db:
        conversation = _conversation(db)
        opened = {"queue": "measurement", "priority": 1, "key": "p1-once", "now": TUESDAY_MORNING}
        first = ticket_on(db, conversation, **opened)  # type: ignore[arg-type]
        again = ticket_on(db, conversation, **opened)  # type: ignore[arg-type]
        assert first.id == again.id
        ticket_id = first.id

    # Two checks at once, as two processes would run them, and then one more.
    start = threading.Barrier(2)

    def check(together: bool = False) -> None:
        with factory() as db:
            if together:
                start.wait()
            secret = address_secret(desk_settings)
            tell_pending(db=db, settings=desk_settings, secret=secret, now=TUESDAY_MORNING)

    threads = [threading.Thread(target=check, args=(True,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check()  # and once more, later

    with factory() as db:
        assert len(db.scalars(select(Alarm).where(Alarm.ticket_id == ticket_id)).all()) == 1
        rows = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alarm")).all()
        assert [r.key for r in rows] == [f"alarm-priority1-{ticket_id}-email"]
        assert len(_alarmed(db, ticket_id)) == 1
    assert deliver(factory, desk_settings) == 1
    [alarm] = received(mail, desk_settings.alarm_emails["measurement"], 1)
    assert alarm["Subject"] == f"[VIOL 3] Prio 1: nytt ärende {ticket_id}"
    assert deliver(factory, desk_settings) == 0


@pytest.fixture
def twilio() -> Iterator[FakeProvider]:
    with fake_provider("twilio") as fake:
        yield fake


def _sms_settings(settings: Settings, twilio: FakeProvider) -> Settings:
    return settings.model_copy(
        update={
            "public_url": "https://viol3.example.se",
            "fmc_phone_number": ON_CALL,
            "twilio_account_sid": "AC" + "1" * 32,
            "twilio_auth_token": SecretStr("token"),
            "twilio_from_number": "+46700000000",
            "twilio_api_url": twilio.url,
        }
    )


@pytest.mark.parametrize(
    ("moment", "texted"), [(SATURDAY_NIGHT, True), (TUESDAY_MORNING, False)], ids=["night", "day"]
)
def test_priority_1_outside_office_hours_also_texts_the_on_call_number(
    factory: sessionmaker[Session],
    settings: Settings,
    twilio: FakeProvider,
    moment: datetime,
    texted: bool,
) -> None:
    settings = _sms_settings(settings, twilio)
    with factory() as db:
        ticket = ticket_on(db, _conversation(db), queue="driver", priority=1, now=moment)
        ticket_id = ticket.id
        tell_pending(db=db, settings=settings, secret=address_secret(settings), now=moment)
    deliver(factory, settings)  # the desk's mail fails here: no SMTP is configured
    sent = twilio.sent("Messages.json")
    if not texted:
        assert sent == []
        return
    [sms] = sent
    assert sms["To"] == ON_CALL
    assert f"nytt ärende {ticket_id}" in sms["Body"]
    assert f"https://viol3.example.se/console#/ticket/{ticket_id}" in sms["Body"]
    with factory() as db:
        [audit] = _alarmed(db, ticket_id)
        assert {t["channel"] for t in audit.detail["told"]} == {"email", "sms"}
        assert ON_CALL not in str(audit.detail)


def test_the_alerts_show_an_agent_only_their_queues_alarms(client: TestClient, db: Session) -> None:
    mine = logged_in(client, db, "alarm-eva", queues=["measurement"])
    other = logged_in(client, db, "alarm-olli", queues=["driver"])
    admin = logged_in(client, db, "alarm-admin", role=AgentRole.ADMIN, queues=[])
    conversation = _conversation(db)
    measured = ticket_on(db, conversation, queue="measurement", priority=1, key="a1")
    driven = ticket_on(db, conversation, queue="driver", priority=1, key="a2")
    ticket_on(db, conversation, queue="measurement", priority=3, key="a3")  # no alarm

    def alerts(headers: dict[str, str], **params: object) -> list[int]:
        response = client.get("/api/v1/alerts", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [a["ticket_id"] for a in response.json()["alerts"]]

    assert alerts(mine) == [measured.id]
    assert alerts(other) == [driven.id]
    assert alerts(admin) == [measured.id, driven.id]
    page = client.get("/api/v1/alerts", headers=mine).json()
    assert page["alerts"][0] | {"id": 0, "due_at": "", "raised_at": ""} == {
        "id": 0,
        "ticket_id": measured.id,
        "kind": "priority1",
        "queue": "measurement",
        "priority": 1,
        "due_at": "",
        "raised_at": "",
    }
    assert alerts(mine, after=page["last_id"]) == []  # polling on: nothing new
    assert alerts(admin, queue="driver") == [driven.id]

    assert client.get("/api/v1/alerts").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/v1/alerts", headers=bad).status_code == 401
    refused = client.get("/api/v1/alerts", headers=mine, params={"queue": "driver"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_queue"
    for params in ({"limit": 0}, {"limit": 101}, {"after": -1}, {"queue": "nowhere"}):
        assert client.get("/api/v1/alerts", headers=mine, params=params).status_code == 422


def test_a_ticket_resolved_or_moved_away_is_no_longer_alerted(
    client: TestClient, db: Session
) -> None:
    mine = logged_in(client, db, "alarm-maja", queues=["measurement"])
    ticket = ticket_on(db, _conversation(db), queue="measurement", priority=1, key="moved")
    assert [
        a["ticket_id"] for a in client.get("/api/v1/alerts", headers=mine).json()["alerts"]
    ] == [ticket.id]
    moved = client.post(
        f"/api/v1/tickets/{ticket.id}/transfer",
        headers=mine,
        json={"queue": "driver", "reason": "förarsupport"},
    )
    assert moved.status_code == 200, moved.text
    assert client.get("/api/v1/alerts", headers=mine).json()["alerts"] == []


def test_every_queue_has_a_desk_mailbox_that_is_not_the_support_address(
    settings: Settings,
) -> None:
    support = support_facts()["contact"]["email"]
    for queue in QUEUES:
        address = alarm_email(queue, settings)
        assert address and "@" in address and address != support, queue
    assert on_call_number(settings).startswith("+46")
    override = settings.model_copy(
        update={"alarm_emails": {"driver": "jour@example.se"}, "fmc_phone_number": ON_CALL}
    )
    assert alarm_email("driver", override) == "jour@example.se"
    assert on_call_number(override) == ON_CALL
